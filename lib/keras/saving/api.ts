import type * as tfl from "@tensorflow/tfjs-layers";
import { detectFormat } from "../../formats/detect.js";
import { loadTfjsLayersModel } from "./stores/tfjs.js";
import { loadKerasModel, type LoadKerasModelOptions } from "./load-model.js";
import { loadKerasSavedModel } from "./savedmodel/load-keras-saved-model.js";

/**
 * Python `keras.models.load_model(path)`: Keras 2 `.h5`, Keras 3 `.keras` (checked by content, not
 * suffix) and TensorFlow.js `model.json`. `safeMode` (default true) refuses files carrying code.
 * @example
 * const model = await keras.models.loadModel("my_model.h5");
 */
export async function loadModel(path: string, options: LoadKerasModelOptions = {}): Promise<tfl.LayersModel> {
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
