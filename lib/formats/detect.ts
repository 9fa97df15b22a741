import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { latestCheckpoint } from "./checkpoint/state-file.js";

/** The on-disk formats tskeras reads. */
export type SavedFormat =
  | "hdf5" // Keras 2 whole model or weights (.h5/.hdf5, also `.keras` files that are HDF5 inside)
  | "keras-zip" // Keras 3 `.keras` archive
  | "tf-checkpoint" // TensorFlow checkpoint: PREFIX.index + PREFIX.data-*
  | "tf-savedmodel" // SavedModel directory
  | "tfjs"; // TensorFlow.js model.json + shards

export interface DetectedFormat {
  format: SavedFormat;
  /** The path to read: for checkpoints the prefix, for folders the folder. */
  path: string;
}

const hdf5Magic = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const zipMagic = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function head(path: string, length: number): Buffer {
  const descriptor = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(descriptor, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Tells what a path holds by its content, not only its suffix (real `.keras` files exist that are
 * HDF5 inside). Throws an error naming the formats tskeras reads when it recognizes none.
 */
export function detectFormat(path: string): DetectedFormat {
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (existsSync(join(path, "saved_model.pb")) || existsSync(join(path, "saved_model.pbtxt"))) return { format: "tf-savedmodel", path };
    if (existsSync(join(path, "model.json"))) return { format: "tfjs", path };
    const latest = latestCheckpoint(path);
    if (latest !== undefined) return { format: "tf-checkpoint", path: latest };
    throw new Error(
      `${path} is a folder without saved_model.pb, model.json or a checkpoint state file. Expected a SavedModel folder, a TensorFlow.js model folder, or a folder of TensorFlow checkpoints.`,
    );
  }
  if (!existsSync(path)) {
    if (existsSync(`${path}.index`)) return { format: "tf-checkpoint", path };
    throw new Error(`${path} does not exist. For a TensorFlow checkpoint, give its prefix (the name before .index).`);
  }
  if (path.endsWith(".index") && existsSync(path.replace(/\.index$/, ".data-00000-of-00001")))
    return { format: "tf-checkpoint", path: path.replace(/\.index$/, "") };
  const start = head(path, 8);
  if (start.equals(hdf5Magic)) return { format: "hdf5", path };
  if (start.subarray(0, 4).equals(zipMagic)) return { format: "keras-zip", path };
  if (path.endsWith(".json")) {
    const text = readFileSync(path, "utf8");
    if (/"modelTopology"\s*:/.test(text)) return { format: "tfjs", path };
  }
  throw new Error(
    `${path} is not a model file tskeras can read. Expected Keras .h5/.hdf5 (HDF5), Keras 3 .keras (zip), a TensorFlow checkpoint prefix, a SavedModel folder or a TensorFlow.js model.json.`,
  );
}
