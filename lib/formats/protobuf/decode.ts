/**
 * Decoders for TensorFlow's binary protobuf files (a SavedModel directory's `.pb` files and the
 * object graph inside a checkpoint) that name the file in their error.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { decodeSavedModel } from "./decode.js";
 * const savedModel = decodeSavedModel(readFileSync("my_model/saved_model.pb"));
 * console.log(savedModel.meta_graphs[0].meta_info_def?.tags); // ["serve"]
 * ```
 */
import { decodeMessage, fingerprintMessage, kerasSavedMetadataMessage, decodeFilled, savedModelMessage, trackableObjectGraphMessage } from "./tensorflow.js";
import type { FingerprintDef, KerasSavedMetadata, SavedModel, TrackableObjectGraph } from "./messages.js";

/** Decodes `saved_model.pb`. Throws with the file's role in the message if the bytes are not a SavedModel. */
export function decodeSavedModel(bytes: Uint8Array): SavedModel {
  return decodeOrExplain<SavedModel>(() => decodeMessage(savedModelMessage, bytes), "saved_model.pb", "a SavedModel protocol buffer");
}

/** Decodes tf-keras's `keras_metadata.pb` (`SavedMetadata`). */
export function decodeKerasMetadata(bytes: Uint8Array): KerasSavedMetadata {
  return decodeOrExplain<KerasSavedMetadata>(
    () => decodeMessage(kerasSavedMetadataMessage, bytes),
    "keras_metadata.pb",
    "a tf-keras SavedMetadata protocol buffer",
  );
}

/** Decodes `fingerprint.pb` (`FingerprintDef`), keeping 64-bit hashes as decimal strings. */
export function decodeFingerprint(bytes: Uint8Array): FingerprintDef {
  return decodeOrExplain<FingerprintDef>(() => decodeMessage(fingerprintMessage, bytes, String), "fingerprint.pb", "a FingerprintDef protocol buffer");
}

/** Decodes the `TrackableObjectGraph` stored under `_CHECKPOINTABLE_OBJECT_GRAPH` in a checkpoint (every field filled). */
export function decodeTrackableObjectGraph(bytes: Uint8Array): TrackableObjectGraph {
  return decodeOrExplain<TrackableObjectGraph>(
    () => decodeFilled(trackableObjectGraphMessage, bytes),
    "_CHECKPOINTABLE_OBJECT_GRAPH",
    "a TrackableObjectGraph protocol buffer",
  );
}

function decodeOrExplain<T>(decode: () => T, what: string, expected: string): T {
  try {
    return decode();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not decode ${what}: ${reason}. Expected ${expected}; the file may be truncated, ` +
        `from another format, or a text-format .pbtxt (only binary protobuf files are read).`,
    );
  }
}
