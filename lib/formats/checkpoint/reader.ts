/**
 * Public checkpoint reader, the counterpart of `tf.train.load_checkpoint` / `list_variables`.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { BundleReader, type BundleEntryInfo, type CheckpointTensor } from "./bundle.js";
import { CheckpointFormatError } from "./errors.js";
import { decodeObjectGraph, OBJECT_GRAPH_KEY, type TrackableObjectGraph } from "./object-graph.js";
import { latestCheckpoint } from "./state-file.js";

/**
 * Turns what a user passes into a bundle prefix: a prefix, a directory with a `checkpoint` state
 * file, a SavedModel directory (its `variables/variables`), or a path to the `.index` file.
 */
export function resolveCheckpointPrefix(path: string): string {
  if (path.endsWith(".index") && existsSync(path)) return path.slice(0, -".index".length);
  if (existsSync(`${path}.index`)) return path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    const latest = latestCheckpoint(path);
    if (latest) return latest;
    const savedModelVariables = join(path, "variables", "variables");
    if (existsSync(`${savedModelVariables}.index`)) return savedModelVariables;
    throw new Error(
      `${path} is a directory without a usable "checkpoint" file or variables/variables.index. Pass a checkpoint prefix such as ${join(path, "ckpt-1")}.`,
    );
  }
  throw new Error(`No checkpoint at ${path}: expected ${path}.index, a directory with a "checkpoint" file, or a SavedModel directory.`);
}

/**
 * A loaded checkpoint.
 *
 * @example
 * const reader = loadCheckpoint("training_1");
 * reader.getVariableToShapeMap(); // { "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE": [32], ... }
 * const bias = reader.getTensor("layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE");
 */
export class CheckpointReader {
  private readonly bundle: BundleReader;

  constructor(readonly prefix: string) {
    this.bundle = new BundleReader(prefix);
  }

  /** Tensor keys, sorted byte-wise. */
  keys(): string[] {
    return this.bundle.keys();
  }

  hasTensor(key: string): boolean {
    return this.bundle.has(key);
  }

  /** Closes open data files now; they also close by themselves after the current event-loop turn. */
  close(): void {
    this.bundle.close();
  }

  /** Reads one tensor, verifying its CRC32C. */
  getTensor(key: string): CheckpointTensor {
    return this.bundle.readTensor(key);
  }

  /** Dtype and shape of one tensor, without reading it. */
  tensorInfo(key: string): BundleEntryInfo {
    return this.bundle.info(key);
  }

  /** Reads a numeric tensor's bytes into `target` (its exact byte size), then verifies its CRC32C. */
  readTensorInto(key: string, target: Uint8Array): void {
    this.bundle.readTensorInto(key, target);
  }

  getVariableToDtypeMap(): Record<string, string> {
    return Object.fromEntries(this.keys().map((key) => [key, this.bundle.info(key).dtype]));
  }

  getVariableToShapeMap(): Record<string, number[]> {
    return Object.fromEntries(this.keys().map((key) => [key, this.bundle.info(key).shape]));
  }

  /** The decoded TrackableObjectGraph, or undefined for name-based (TF1) checkpoints. */
  objectGraph(): TrackableObjectGraph | undefined {
    if (!this.hasTensor(OBJECT_GRAPH_KEY)) return undefined;
    const tensor = this.getTensor(OBJECT_GRAPH_KEY);
    const bytes = (tensor.data as Uint8Array[])[0];
    if (tensor.dtype !== "string" || bytes === undefined) {
      throw new CheckpointFormatError(
        `${this.prefix}.index`,
        `${OBJECT_GRAPH_KEY} should be a scalar string tensor; it is ${tensor.dtype} [${tensor.shape.join(", ")}].`,
      );
    }
    try {
      return decodeObjectGraph(bytes);
    } catch (error) {
      throw new CheckpointFormatError(`${this.prefix}.index`, `${OBJECT_GRAPH_KEY} does not hold a valid TrackableObjectGraph: ${(error as Error).message}`);
    }
  }
}

/**
 * Opens a checkpoint from a prefix, a directory with a `checkpoint` file, or a SavedModel.
 *
 * @example
 * const reader = loadCheckpoint("sm/my_model"); // reads sm/my_model/variables/variables
 */
export function loadCheckpoint(path: string): CheckpointReader {
  return new CheckpointReader(resolveCheckpointPrefix(path));
}

/**
 * `[name, shape]` of every tensor, sorted by name (like tf.train.list_variables).
 *
 * @example
 * listVariables("training_1/cp.ckpt"); // [["_CHECKPOINTABLE_OBJECT_GRAPH", []], ["layer_with_weights-0/bias/...", [32]], ...]
 */
export function listVariables(path: string): [string, number[]][] {
  const reader = loadCheckpoint(path);
  const shapes = reader.getVariableToShapeMap();
  return reader.keys().map((key) => [key, shapes[key]!]);
}
