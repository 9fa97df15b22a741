import type * as tfl from "@tensorflow/tfjs-layers";
import { detectFormat } from "../../formats/detect.js";
import { CheckpointLoadStatus } from "../../tf/tracking/checkpoint.js";
import { loadModelCheckpoint, saveModelCheckpoint } from "../saving/stores/tf-checkpoint.js";
import { loadKerasWeights } from "../saving/load-model.js";
import { savedFormat, saveWeightsH5, type SavedFormat } from "../saving/save-model.js";

export interface SaveWeightsOptions {
  /** "tf" (TensorFlow checkpoint) or "h5"; by default `.h5`/`.hdf5` paths mean h5, anything else tf. */
  saveFormat?: "tf" | "h5";
}

/** Python `load_weights(path, by_name=False, skip_mismatch=False)` for Keras 2 `.h5` files. */
export interface LoadWeightsOptions {
  /** Match saved layers to the model's layers by name instead of by position. */
  byName?: boolean;
  /** With `byName`: skip layers whose weights do not fit (a warning names them) instead of failing. */
  skipMismatch?: boolean;
}

const isH5Path = (path: string) => /\.(h5|hdf5)$/i.test(path);

/**
 * Python `model.save_weights(path)`: a TensorFlow checkpoint (`path.index` + `path.data-00000-of-00001`
 * and the folder's `checkpoint` file), named as tf.keras names it, with the optimizer's state.
 */
export async function saveModelWeights(model: tfl.LayersModel, path: string, options: SaveWeightsOptions = {}): Promise<SavedFormat> {
  const format = options.saveFormat ?? (isH5Path(path) ? "h5" : "tf");
  // `x.weights.h5` gets Keras 3's layout, any other .h5 Keras 2's `save_weights` layout.
  if (format === "h5") return saveWeightsH5(model, path);
  saveModelCheckpoint(model, path);
  return savedFormat("tf-checkpoint");
}

/**
 * Python `model.load_weights(path)`: TensorFlow checkpoints (by object structure), Keras `.h5` weights
 * (topological order or `byName`), and `.keras` archives. Every kind returns a status with
 * assertConsumed()/assertExistingObjectsMatched()/expectPartial(); for `.h5`/`.keras` it is by layer:
 * saved layers no model layer took are unused, model layers left without values are unmatched.
 */
export async function loadModelWeights(model: tfl.LayersModel, path: string, options: LoadWeightsOptions = {}): Promise<CheckpointLoadStatus> {
  const { format, path: resolved } = detectFormat(path);
  if (format === "tf-checkpoint") return loadModelCheckpoint(model, resolved);
  if (format === "hdf5" || format === "keras-zip") {
    const match = await loadKerasWeights(model, resolved, options);
    return new CheckpointLoadStatus(path, match.unusedSaved, match.unmatchedModel);
  }
  throw new Error(`${path} is a ${format} folder, not weights. Load whole models with keras.models.loadModel(path); load weights from a checkpoint prefix, a .h5 or a .keras file.`);
}
