import * as tfl from "@tensorflow/tfjs-layers";
import { detectFormat } from "../../formats/detect.js";
import { Hdf5File, type Hdf5Array } from "../../formats/hdf5/hdf5-file.js";
import { readLegacyH5Layout, type SavedLayerWeights } from "../../formats/hdf5/legacy-h5.js";
import { readKeras3Weights, readKerasArchive } from "../../formats/keras-archive/keras-archive.js";
import { keras3LayerGroupNames } from "../../formats/keras-archive/keras3-weights-layout.js";
import { assignSavedWeights } from "./assign-weights.js";
import { deserializeKerasObject } from "./keras-json/deserialize.js";
import type { CustomObjectMap } from "./keras-json/custom-objects.js";
import type { KerasObjectConfig } from "./keras-json/schema.js";

/** Options of {@link loadKerasModel} and {@link modelFromKerasConfig}. */
export interface LoadKerasModelOptions {
  /** Classes for names the file uses that tfjs-layers does not know (className → class). */
  customObjects?: CustomObjectMap;
  /** Refuse configs that carry code (Lambda bytecode, external functions). Default true. */
  safeMode?: boolean;
  /** Where the config came from (a file path), named in error messages. */
  source?: string;
}

/**
 * Builds a tfjs model from a Keras 2 or Keras 3 model config, after the safe-mode check and the
 * unknown-class check. Weights are freshly initialized.
 *
 * @example
 * const model = await modelFromKerasConfig(JSON.parse(configJson));
 */
export async function modelFromKerasConfig(config: KerasObjectConfig, options: LoadKerasModelOptions = {}): Promise<tfl.LayersModel> {
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
    const model = await modelFromKerasConfig(layout.modelConfig, { ...options, source: path });
    assignSavedWeights(model, layout.layers, (weightPath) => file.readArray(weightPath), { source: path });
    return model;
  } finally {
    file.close();
  }
}

async function loadKerasArchiveModel(path: string, options: LoadKerasModelOptions): Promise<tfl.LayersModel> {
  const archive = await readKerasArchive(path);
  const model = await modelFromKerasConfig(archive.config, { ...options, source: path });
  assignKeras3Weights(model, archive.variables, path);
  return model;
}

/**
 * Loads weights saved by Python into an existing model: Keras 2 `.h5` (whole model or
 * `save_weights`), Keras 3 `.weights.h5`, or the weights of a `.keras` archive.
 *
 * @example
 * await loadKerasWeights(model, "model_weights.h5");
 */
export async function loadKerasWeights(model: tfl.LayersModel, path: string, options: { byName?: boolean } = {}): Promise<void> {
  const { format } = detectFormat(path);
  if (format === "keras-zip") {
    assignKeras3Weights(model, (await readKerasArchive(path)).variables, path);
    return;
  }
  if (format !== "hdf5") throw new Error(`${path} is a ${format} file; loadKerasWeights reads Keras .h5 and .keras files.`);
  const file = await Hdf5File.open(path);
  try {
    if (file.hasGroup("layers") && !file.hasGroup("model_weights")) {
      assignKeras3Weights(model, readKeras3Weights(file).variables, path);
      return;
    }
    const layout = readLegacyH5Layout(file);
    assignSavedWeights(model, layout.layers, (weightPath) => file.readArray(weightPath), { source: path, byName: options.byName ?? false });
  } finally {
    file.close();
  }
}

/** Matches Keras 3 weight groups (`layers/<snake_case class>[_k]/…/vars/<i>`) to the model's layers. */
export function assignKeras3Weights(model: tfl.LayersModel, variables: Map<string, Hdf5Array>, source: string): void {
  const groups = keras3LayerGroupNames(model.layers.map((layer) => layer.getClassName()));
  const saved: SavedLayerWeights[] = model.layers.map((layer, index) => {
    const prefix = `${groups[index]}/`;
    const paths = [...variables.keys()].filter((variablePath) => variablePath.startsWith(prefix)).sort(compareVariablePaths);
    return {
      layerName: layer.name,
      weights: paths.map((variablePath) => {
        const array = variables.get(variablePath)!;
        return { name: variablePath, path: variablePath, dtype: array.dtype, shape: array.shape };
      }),
    };
  });
  const claimed = new Set(saved.flatMap((layer) => layer.weights.map((weight) => weight.path)));
  const orphans = [...variables.keys()].filter((variablePath) => variablePath.startsWith("layers/") && !claimed.has(variablePath));
  if (orphans.length > 0) {
    throw new Error(`${source} holds layer variables that match no layer of the model: ${orphans.slice(0, 5).join(", ")}${orphans.length > 5 ? ", …" : ""}. Load into a model with the same architecture.`);
  }
  assignSavedWeights(model, saved, (variablePath) => variables.get(variablePath)!, { source, byName: true });
  const missing = saved.filter((layer, index) => layer.weights.length === 0 && model.layers[index]!.weights.length > 0);
  if (missing.length > 0) throw new Error(`${source} has no variables for layers ${missing.map((layer) => layer.layerName).join(", ")} (expected groups ${missing.map((layer) => groups[saved.indexOf(layer)]).join(", ")}). Load into a model with the same architecture.`);
}

/** Orders `a/vars/10` after `a/vars/2`, keeping group order. */
function compareVariablePaths(left: string, right: string): number {
  const leftGroup = left.slice(0, left.lastIndexOf("/"));
  const rightGroup = right.slice(0, right.lastIndexOf("/"));
  if (leftGroup !== rightGroup) return leftGroup < rightGroup ? -1 : 1;
  return Number(left.slice(leftGroup.length + 1)) - Number(right.slice(rightGroup.length + 1));
}
