import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { detectFormat } from "../../formats/detect.js";
import { Hdf5File, type Hdf5Array } from "../../formats/hdf5/hdf5-file.js";
import { readLegacyH5Layout, readSplitTextList } from "../../formats/hdf5/legacy-h5.js";
import { readKeras3Weights, readKerasArchive } from "../../formats/keras-archive/keras-archive.js";
import { keras3VariablePaths } from "./stores/keras3-walker.js";
import { assignSavedWeights, savedArrayTensor, type WeightMatch } from "./assign-weights.js";
import { buildSubclassedFor, isSubclassed } from "../models/subclassed.js";
import { deserializeKerasObject, type DeserializeOptions } from "./keras-json/deserialize.js";
import type { CustomObjectMap } from "./keras-json/custom-objects.js";
import { lossFromKerasConfig } from "./loss-config.js";
import type { Loss } from "../losses.js";
import { isJsonObject, type JsonObject, type JsonValue, type KerasObjectConfig } from "../../formats/keras-json/schema.js";
import { withVersionedHardSigmoid } from "../layers/hard-sigmoid.js";
import { compileFromState, restoreOptimizerState, type OptimizerState } from "./compile-state.js";
import { optimizerFromKeras } from "./optimizer.js";
import { snakeCase } from "../../util/naming.js";

/** Options of {@link loadKerasModel} and {@link modelFromKerasConfig}. */
export interface LoadKerasModelOptions {
  /** Classes for names the file uses that tfjs-layers does not know (className → class). */
  customObjects?: CustomObjectMap;
  /** Refuse configs that carry code (Lambda bytecode, external functions). Default true. */
  safeMode?: boolean;
  /** Where the config came from (a file path), named in error messages. */
  source?: string;
  /** Compile the model as saved and restore its optimizer state (default true, like Keras). */
  compile?: boolean;
}

/**
 * Builds a tfjs model from a Keras 2 or Keras 3 model config, after the safe-mode check and the
 * unknown-class check. Weights are freshly initialized.
 *
 * @example
 * const model = await modelFromKerasConfig(JSON.parse(configJson));
 */
export async function modelFromKerasConfig(config: KerasObjectConfig, options: LoadKerasModelOptions & Pick<DeserializeOptions, "fastWeightInit"> = {}): Promise<tfl.LayersModel> {
  const model = deserializeKerasObject(config, options);
  if (!(model instanceof tfl.LayersModel)) throw new Error(`${options.source ?? "the config"}: describes a ${config.class_name}, not a model.`);
  return model;
}

/**
 * Loads a model Python Keras saved: a Keras 2 whole-model `.h5` or a Keras 3 `.keras` archive
 * (the format is sniffed from the content, so an HDF5 file named `.keras` works too).
 *
 * @example
 * const model = await loadKerasModel("mnist_cnn.h5");
 * model.predict(tf.zeros([1, 28, 28, 1]));
 */
export async function loadKerasModel(path: string, options: LoadKerasModelOptions = {}): Promise<tfl.LayersModel> {
  const { format } = detectFormat(path);
  if (format === "hdf5") return loadLegacyH5Model(path, options);
  if (format === "keras-zip") return loadKerasArchiveModel(path, options);
  throw new Error(`${path} is a ${format} file, not a Keras .h5 or .keras file. Use the loader for ${format} instead.`);
}

async function loadLegacyH5Model(path: string, options: LoadKerasModelOptions): Promise<tfl.LayersModel> {
  const file = await Hdf5File.open(path);
  try {
    const layout = readLegacyH5Layout(file);
    if (layout.modelConfig === null) {
      throw new Error(`${path} holds only weights (no model_config attribute). Build the model first, then call loadKerasWeights(model, "${path}").`);
    }
    const model = await modelFromKerasConfig(withVersionedHardSigmoid(layout.modelConfig, layout.kerasVersion), { ...options, source: path, fastWeightInit: true });
    assignSavedWeights(model, layout.layers, (weightPath) => file.readArray(weightPath), { source: path });
    if (options.compile !== false && layout.trainingConfig) {
      const optimizerNames = file.hasGroup("optimizer_weights") ? (readSplitTextList(file, "optimizer_weights", "weight_names") ?? []) : [];
      await compileAndRestore(model, layout.trainingConfig["optimizer_config"], layout.trainingConfig, path, () => legacyOptimizerState(optimizerNames, (name) => file.readArray(`optimizer_weights/${name}`)));
    }
    return model;
  } finally {
    file.close();
  }
}

async function loadKerasArchiveModel(path: string, options: LoadKerasModelOptions): Promise<tfl.LayersModel> {
  const archive = await readKerasArchive(path);
  const model = await modelFromKerasConfig(withVersionedHardSigmoid(archive.config, archive.metadata?.keras_version ?? "3"), { ...options, source: path, fastWeightInit: true });
  if (isSubclassed(model) && !model.built) buildFromBuildConfig(model, archive.config, archive.variables, path);
  assignKeras3Weights(model, archive.variables, path);
  const compileConfig = (archive.config as unknown as { compile_config?: unknown }).compile_config;
  if (options.compile !== false && isJsonObject(compileConfig)) {
    await compileAndRestore(model, compileConfig["optimizer"], compileConfig, path, () => keras3OptimizerState(archive.variables));
  }
  return model;
}

/**
 * A subclassed model has no weights until it is called. Keras 3 saves the shape it was built for
 * (`build_config: {input_shape}`) next to its config and builds it from that before assigning the
 * weights; tskeras does the same (normalization drops `build_config`, so it is read here).
 */
function buildFromBuildConfig(model: tfl.LayersModel, config: KerasObjectConfig, variables: Map<string, Hdf5Array>, source: string): void {
  const buildConfig = (config as unknown as { build_config?: JsonValue }).build_config;
  const inputShape = isJsonObject(buildConfig) ? buildConfig["input_shape"] : undefined;
  const isShape = Array.isArray(inputShape) && inputShape.length > 0 && inputShape.every((size) => size === null || (typeof size === "number" && Number.isInteger(size) && size >= 0));
  if (isShape) {
    buildSubclassedFor(model, inputShape as Array<number | null>);
    return;
  }
  const saved = [...variables.keys()].filter((name) => name.startsWith("layers/"));
  if (saved.length > 0) {
    throw new Error(
      `${source}: the ${config.class_name} model was saved with ${saved.length} layer variables but no usable build_config ({input_shape}), so its weights cannot be created before loading them. ` +
        `Build the model yourself, then load the weights into it: const model = new ${config.class_name}(...); model.predict(sampleBatch); await model.loadWeights("${source}").`,
    );
  }
}

/**
 * Loads weights saved by Python into an existing model: Keras 2 `.h5` (whole model or
 * `save_weights`), Keras 3 `.weights.h5`, or the weights of a `.keras` archive.
 *
 * @example
 * await loadKerasWeights(model, "model_weights.h5");
 */
export async function loadKerasWeights(model: tfl.LayersModel, path: string, options: { byName?: boolean; skipMismatch?: boolean } = {}): Promise<WeightMatch> {
  const { format } = detectFormat(path);
  if (format === "keras-zip") {
    return assignKeras3Weights(model, (await readKerasArchive(path)).variables, path);
  }
  if (format !== "hdf5") throw new Error(`${path} is a ${format} file; loadKerasWeights reads Keras .h5 and .keras files.`);
  const file = await Hdf5File.open(path);
  try {
    if (file.hasGroup("layers") && !file.hasGroup("model_weights")) {
      return assignKeras3Weights(model, readKeras3Weights(file).variables, path);
    }
    const layout = readLegacyH5Layout(file);
    return assignSavedWeights(model, layout.layers, (weightPath) => file.readArray(weightPath), { source: path, byName: options.byName ?? false, skipMismatch: options.skipMismatch ?? false });
  } finally {
    file.close();
  }
}

/**
 * Assigns Keras 3 variables (`layers/dense/vars/0`, `layers/block/inner/vars/0`, root `vars/0`) by the
 * paths of the one walk the writers use ({@link keras3VariablePaths}). Every variable is checked
 * before any is assigned, so a mismatch leaves the model untouched.
 */
export function assignKeras3Weights(model: tfl.LayersModel, variables: Map<string, Hdf5Array>, source: string): WeightMatch {
  const expected = keras3VariablePaths(model);
  const known = new Set(expected.map((entry) => entry.path));
  const orphans = [...variables.keys()].filter((variablePath) => !variablePath.startsWith("optimizer/") && !known.has(variablePath) && (variablePath.startsWith("layers/") || isSubclassed(model)));
  if (orphans.length > 0) {
    throw new Error(`${source} holds layer variables that match no layer of the model: ${orphans.slice(0, 5).join(", ")}${orphans.length > 5 ? ", …" : ""}. Load into a model with the same architecture.`);
  }
  const missing = expected.filter((entry) => !variables.has(entry.path));
  if (missing.length > 0) {
    const owners = [...new Set(missing.map((entry) => entry.owner))];
    throw new Error(`${source} has no variables for layers ${owners.join(", ")} (expected ${missing.slice(0, 5).map((entry) => entry.path).join(", ")}${missing.length > 5 ? ", …" : ""}). Load into a model with the same architecture.`);
  }
  const tensors = expected.map(({ path, variable }) => {
    const array = variables.get(path)!;
    if (array.shape.join(",") !== variable.shape.join(",")) {
      throw new Error(`${source}: ${path} has shape [${array.shape.join(", ")}], but the model's variable ${variable.originalName} has shape [${variable.shape.join(", ")}]. Load into a model with the same architecture.`);
    }
    return savedArrayTensor(array, path, variable.dtype);
  });
  try {
    expected.forEach(({ variable }, index) => variable.write(tensors[index]!));
  } finally {
    tfc.dispose(tensors);
  }
  // Every saved layer variable found its variable and every variable its saved value (else it threw above).
  return { unusedSaved: [], unmatchedModel: [] };
}

/** A Keras loss or metric as saved (a name, or a serialized object) → the name `compile` accepts. */
function savedName(value: JsonValue): string | null {
  if (typeof value === "string") return value;
  if (isJsonObject(value)) {
    const config = value["config"];
    if (isJsonObject(config) && typeof config["name"] === "string") return config["name"];
    if (typeof value["class_name"] === "string") return snakeCase(value["class_name"]);
  }
  return null;
}

/** Compiles a loaded model as its file recorded, then restores the optimizer state. */
async function compileAndRestore(model: tfl.LayersModel, optimizerConfig: JsonValue | undefined, compileConfig: JsonObject, source: string, readState: () => OptimizerState | null): Promise<void> {
  if (!isJsonObject(optimizerConfig) || typeof optimizerConfig["class_name"] !== "string") return;
  const rawLoss = compileConfig["loss"] ?? null;
  const loss = lossFromKerasConfig(rawLoss) ?? (Array.isArray(rawLoss) ? rawLoss.map(savedName) : savedName(rawLoss));
  if (loss === null || (Array.isArray(loss) && loss.some((item) => item === null))) {
    console.warn(`${source}: the saved loss ${JSON.stringify(rawLoss)} could not be recognized, so the model was loaded without compiling. Compile it yourself before training.`);
    return;
  }
  const rawMetrics = compileConfig["metrics"];
  const metrics = (Array.isArray(rawMetrics) ? rawMetrics.flat(2) : []).map((metric) => savedName(metric as JsonValue)).filter((name): name is string => name !== null);
  try {
    const optimizer = optimizerFromKeras(optimizerConfig["class_name"], isJsonObject(optimizerConfig["config"]) ? optimizerConfig["config"] : {});
    compileFromState(model, { loss: loss as string | string[] | Loss, metrics, optimizer });
  } catch (error) {
    // Like Keras: a model whose compile arguments cannot be rebuilt still loads, uncompiled.
    console.warn(`${source}: the model was loaded without compiling (${error instanceof Error ? error.message : String(error)}). Compile it yourself before training.`);
    return;
  }
  const state = readState();
  if (state) await restoreOptimizerState(model, state, source);
}

function tensorOf(array: Hdf5Array): tfc.Tensor {
  const values = array.values instanceof Float32Array ? array.values : Float32Array.from(array.values as ArrayLike<number>);
  return tfc.tensor(values, [...array.shape], "float32");
}

function scalarNumber(array: Hdf5Array): number {
  return Number(array.values[0] ?? 0);
}

/** Keras 2.11+ legacy `optimizer_weights`: `iteration:0`, then `<Opt>/m/<weight>` and `<Opt>/v/<weight>` in turn. */
function legacyOptimizerState(names: string[], read: (name: string) => Hdf5Array): OptimizerState | null {
  const iterationName = names.find((name) => /(^|\/)iterations?:0$/.test(name));
  if (iterationName === undefined) return null;
  const first = names.filter((name) => /(^|\/)m\//.test(name));
  const second = names.filter((name) => /(^|\/)v\//.test(name));
  const moments = first.length === second.length ? first.map((name, index) => ({ m: tensorOf(read(name)), v: tensorOf(read(second[index]!)) })) : [];
  return { iterations: scalarNumber(read(iterationName)), moments };
}

/** Keras 3 `optimizer/vars`: 0 iterations, 1 learning rate, then each weight's m and v (Adam). */
function keras3OptimizerState(variables: Map<string, Hdf5Array>): OptimizerState | null {
  const iterations = variables.get("optimizer/vars/0");
  if (!iterations) return null;
  const moments: OptimizerState["moments"] = [];
  for (let index = 2; variables.has(`optimizer/vars/${index}`) && variables.has(`optimizer/vars/${index + 1}`); index += 2) {
    moments.push({ m: tensorOf(variables.get(`optimizer/vars/${index}`)!), v: tensorOf(variables.get(`optimizer/vars/${index + 1}`)!) });
  }
  return { iterations: scalarNumber(iterations), moments };
}
