import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { writeFileAtomic } from "../../io/atomic-file.js";
import { dataTypeByName } from "../dtypes.js";

/** TensorFlow.js's own converter shards weights at 4 MiB. */
const defaultShardBytes = 4 * 1024 * 1024;

/** Element types a TF.js weights manifest uses (quantized weights name uint8, uint16 or float16); sizes come from the DataType table. */
const tfjsWeightDtypes = new Set(["float32", "int32", "bool", "complex64", "uint8", "uint16", "float16"]);

/** Thrown for a model.json (or its weight files) that cannot be read; says what was expected. */
export class TfjsFormatError extends Error {
  override name = "TfjsFormatError";
}

export interface TfjsModelFiles {
  modelJsonPath: string;
  weightPaths: string[];
}

/**
 * Writes TensorFlow.js model artifacts as a layers-format folder: `model.json` (topology, weights manifest,
 * training config) and binary weight shards, as `tf.loadLayersModel` in a browser and Python's
 * `tensorflowjs` read them. Atomic: shards get names unique to their content, `model.json` is
 * replaced last, and the previous save's shards are removed only after that.
 * @example
 * writeTfjsArtifacts(artifacts, "web_model");   // web_model/model.json + web_model/group1-shard1of1-….bin
 */
export function writeTfjsArtifacts(artifacts: tfc.io.ModelArtifacts, directory: string, options: { shardBytes?: number } = {}): TfjsModelFiles {
  mkdirSync(directory, { recursive: true });
  const weightData = Buffer.from(tfc.io.concatenateArrayBuffers(artifacts.weightData ?? new ArrayBuffer(0)));
  const shardBytes = options.shardBytes ?? defaultShardBytes;
  const shardCount = Math.max(1, Math.ceil(weightData.length / shardBytes));
  const digest = createHash("sha256").update(weightData).digest("hex").slice(0, 8);
  const paths: string[] = [];
  for (let index = 0; index < shardCount; index++) {
    const name = `group1-shard${index + 1}of${shardCount}-${digest}.bin`;
    writeFileAtomic(join(directory, name), weightData.subarray(index * shardBytes, (index + 1) * shardBytes));
    paths.push(name);
  }
  const modelJson: tfc.io.ModelJSON = {
    modelTopology: artifacts.modelTopology!,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  const modelJsonPath = join(directory, "model.json");
  const previous = existsSync(modelJsonPath) ? weightFilesOf(modelJsonPath) : [];
  writeFileAtomic(modelJsonPath, JSON.stringify(modelJson));
  for (const stale of previous) if (!paths.includes(relative(directory, stale))) rmSync(stale, { force: true });
  return { modelJsonPath, weightPaths: paths.map((path) => join(directory, path)) };
}

function weightFilesOf(modelJsonPath: string): string[] {
  try {
    const json = JSON.parse(readFileSync(modelJsonPath, "utf8")) as tfc.io.ModelJSON;
    return (json.weightsManifest ?? []).flatMap((group) => group.paths.map((path) => resolve(dirname(modelJsonPath), path)));
  } catch {
    return [];
  }
}

/** `web_model` or `web_model/model.json` → the model.json path. */
export function modelJsonPathOf(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, "model.json") : path;
}

/** Reads model.json and its weight files, checking every path stays in the folder and every byte is there. */
export function readTfjsArtifacts(path: string): tfc.io.ModelArtifacts & { format?: string } {
  const modelJsonPath = modelJsonPathOf(path);
  if (!existsSync(modelJsonPath))
    throw new TfjsFormatError(
      `${modelJsonPath} does not exist. Expected a TensorFlow.js model folder with a model.json (as written by model.save or tensorflowjs_converter).`,
    );
  let json: tfc.io.ModelJSON;
  try {
    json = JSON.parse(readFileSync(modelJsonPath, "utf8")) as tfc.io.ModelJSON;
  } catch (error) {
    throw new TfjsFormatError(`${modelJsonPath} is not valid JSON (${(error as Error).message}). Expected a TensorFlow.js model.json.`);
  }
  if (typeof json !== "object" || json === null || json.modelTopology === undefined) {
    throw new TfjsFormatError(
      `${modelJsonPath} has no "modelTopology". Expected a TensorFlow.js model.json; a weights-only manifest cannot be loaded as a model.`,
    );
  }
  const folder = dirname(resolve(modelJsonPath));
  const specs: tfc.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    for (const weightPath of group.paths) {
      const file = resolve(folder, weightPath);
      if (relative(folder, file).startsWith(".."))
        throw new TfjsFormatError(`${modelJsonPath} refers to weight file "${weightPath}" outside its folder; refusing to read it.`);
      if (!existsSync(file))
        throw new TfjsFormatError(`Weight file ${file} listed in ${modelJsonPath} is missing. Copy the whole model folder, not only model.json.`);
      buffers.push(readFileSync(file));
    }
    specs.push(...group.weights);
  }
  const data = Buffer.concat(buffers);
  const expected = specs.reduce((sum, spec) => {
    if (spec.dtype === "string") return Number.NaN;
    const stored = spec.quantization ? spec.quantization.dtype : spec.dtype;
    const elementBytes = tfjsWeightDtypes.has(stored) ? dataTypeByName(stored)?.byteSize : undefined;
    if (elementBytes === undefined)
      throw new TfjsFormatError(`${modelJsonPath}: weight "${spec.name}" has dtype "${spec.dtype}", which TensorFlow.js weights do not use.`);
    return sum + elementBytes * spec.shape.reduce((product, dimension) => product * dimension, 1);
  }, 0);
  if (!Number.isNaN(expected) && expected !== data.length) {
    throw new TfjsFormatError(
      `${modelJsonPath}: the weights manifest describes ${expected} bytes but the weight files hold ${data.length}. A shard is truncated or from another save.`,
    );
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    signature: json.signature,
    modelInitializer: json.modelInitializer,
    weightSpecs: specs,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  };
}

/** Variables listed in a model.json's manifest (name, dtype, shape), for inspection. */
export function listTfjsVariables(path: string): Array<{ name: string; dtype: string; shape: number[] }> {
  const json = JSON.parse(readFileSync(modelJsonPathOf(path), "utf8")) as tfc.io.ModelJSON;
  return (json.weightsManifest ?? []).flatMap((group) => group.weights.map((weight) => ({ name: weight.name, dtype: weight.dtype, shape: [...weight.shape] })));
}

/** Whether a path looks like a TensorFlow.js model (a model.json, or a folder holding one). */
export function isTfjsModel(path: string): boolean {
  const candidate = modelJsonPathOf(path);
  return basename(candidate).endsWith(".json") && existsSync(candidate) && readdirSync(dirname(candidate)).length > 0;
}
