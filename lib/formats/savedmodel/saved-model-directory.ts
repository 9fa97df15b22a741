/**
 * Reads the protobuf files of a SavedModel directory and picks a MetaGraph by tags.
 *
 * @example
 * ```ts
 * const files = readSavedModelDirectory("my_model");
 * const metaGraph = selectMetaGraph(files.savedModel, ["serve"]);
 * files.kerasMetadata?.nodes[0]?.identifier; // "_tf_keras_sequential" for a tf.keras model
 * ```
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { decodeFingerprint, decodeKerasMetadata, decodeSavedModel } from "../protobuf/decode.js";
import type { FingerprintDef, KerasSavedMetadata, MetaGraphDef, SavedModel } from "../protobuf/messages.js";

export interface SavedModelFiles {
  directory: string;
  savedModel: SavedModel;
  /** tf-keras 2 models only (`keras_metadata.pb`). */
  kerasMetadata: KerasSavedMetadata | undefined;
  /** TF ≥ 2.12 writes `fingerprint.pb`. */
  fingerprint: FingerprintDef | undefined;
  /** Checkpoint prefix of the variables, `<dir>/variables/variables`. */
  variablesPrefix: string;
}

export function readSavedModelDirectory(directory: string): SavedModelFiles {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new Error(
      `SavedModel directory "${directory}" does not exist or is not a directory. ` + `Pass the folder that contains saved_model.pb (not the .pb file itself).`,
    );
  }
  const modelPath = join(directory, "saved_model.pb");
  if (!existsSync(modelPath)) {
    const hint = existsSync(join(directory, "saved_model.pbtxt"))
      ? " It has saved_model.pbtxt: text-format SavedModels are not supported; re-save in binary form."
      : " Is this a SavedModel directory? Keras .keras/.h5 files and TF.js model.json folders have their own loaders.";
    throw new Error(`No saved_model.pb in "${directory}".${hint}`);
  }
  const optional = <T>(name: string, decode: (bytes: Uint8Array) => T): T | undefined => {
    const path = join(directory, name);
    return existsSync(path) ? decode(readFileSync(path)) : undefined;
  };
  return {
    directory,
    savedModel: decodeSavedModel(readFileSync(modelPath)),
    kerasMetadata: optional("keras_metadata.pb", decodeKerasMetadata),
    fingerprint: optional("fingerprint.pb", decodeFingerprint),
    variablesPrefix: join(directory, "variables", "variables"),
  };
}

/** Tags of each MetaGraph, in file order. */
export function metaGraphTags(savedModel: SavedModel): string[][] {
  return savedModel.meta_graphs.map((metaGraph) => metaGraph.meta_info_def?.tags ?? []);
}

/**
 * The MetaGraph whose tag set equals `tags` (order ignored). With `tags` undefined, a
 * SavedModel holding a single MetaGraph yields it, otherwise the one tagged `serve`.
 */
export function selectMetaGraph(savedModel: SavedModel, tags: string[] | undefined): MetaGraphDef {
  const available = metaGraphTags(savedModel);
  const wanted = tags ?? (savedModel.meta_graphs.length === 1 ? available[0]! : ["serve"]);
  const key = (list: string[]): string => [...list].sort().join(",");
  const index = available.findIndex((candidate) => key(candidate) === key(wanted));
  if (index < 0) {
    const listed = available.map((candidate) => `[${candidate.join(", ")}]`).join(", ") || "none";
    throw new Error(`The SavedModel has no MetaGraph tagged [${wanted.join(", ")}]; its tag sets are ${listed}. Pass one of them as { tags }.`);
  }
  return savedModel.meta_graphs[index]!;
}
