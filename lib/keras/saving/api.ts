/**
 * The saving entry point (Keras 3's `saving_api`): save and load models and weights in every format
 * tskeras speaks. Saves return what they wrote ({@link SavedFormat}), so callers (the `%save` magic)
 * report it instead of guessing from the suffix. Importing it loads the Keras classes loaders rebuild.
 */
import type * as tfl from "@tensorflow/tfjs-layers";
// Loaders rebuild models with these classes, which register themselves when their modules load.
import "../layers/index.js";
import "../models/model.js";
import "../models/sequential.js";
import { asKerasModel, type KerasModel } from "../models/keras-model.js";
import { detectFormat } from "../../formats/detect.js";
import { loadTfjsLayersModel } from "./stores/tfjs.js";
import { loadKerasModel, type LoadKerasModelOptions } from "./load-model.js";
import { loadKerasSavedModel } from "./savedmodel/load-keras-saved-model.js";

/**
 * Python `keras.models.load_model(path)`: Keras 2 `.h5`, Keras 3 `.keras` (checked by content, not
 * suffix), SavedModel folders and TensorFlow.js `model.json`. `safeMode` (default true) refuses files
 * carrying code. The result is a `keras.Model` (or `keras.Sequential`, or your subclass of either).
 * @example
 * const model = await keras.models.loadModel("my_model.h5");
 */
export async function loadModel(path: string, options: LoadKerasModelOptions = {}): Promise<KerasModel> {
  return asKerasModel(await loadAnyModel(path, options), path);
}

async function loadAnyModel(path: string, options: LoadKerasModelOptions): Promise<tfl.LayersModel> {
  const { format, path: resolved } = detectFormat(path);
  switch (format) {
    case "hdf5":
    case "keras-zip":
      return loadKerasModel(resolved, { source: path, ...options });
    case "tfjs":
      return loadTfjsLayersModel(resolved);
    case "tf-checkpoint":
      throw new Error(`${path} is a TensorFlow checkpoint: it holds weights, not an architecture. Build the model, then await model.loadWeights("${path}").`);
    case "tf-savedmodel":
      return loadKerasSavedModel(resolved, { source: path, ...options });
  }
}

export { saveModel, savedFormat, type SavedFormat, type SaveModelOptions } from "./save-model.js";
export { saveModelWeights as saveWeights, loadModelWeights as loadWeights, type SaveWeightsOptions, type LoadWeightsOptions } from "../models/weights-io.js";
