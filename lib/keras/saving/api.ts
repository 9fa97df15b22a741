/**
 * The saving entry point (Keras 3's `saving_api`): the one place that chooses a format. Model and
 * weights saves and loads go from here to one store per format (`stores/`: Keras 2 `.h5`, Keras 3
 * `.keras`/`.weights.h5`, TensorFlow checkpoints, TF.js `model.json`; `savedmodel/` for SavedModel
 * folders). Saves return what they wrote ({@link SavedFormat}), so callers such as `%save` report
 * it instead of guessing from the suffix; loads tell the format by content (`detectFormat`).
 * The loaders rebuild Keras classes, which register themselves when lib/keras is loaded.
 *
 * @example
 * const written = await saveModel(model, "my_model.keras");   // { format: "keras", description: "Keras 3 .keras archive" }
 * const status = await loadWeights(model, "training_1/cp.ckpt");
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { detectFormat } from "../../formats/detect.js";
import { Hdf5File } from "../../formats/hdf5/hdf5-file.js";
import { readKeras3Weights } from "../../formats/keras-archive/keras-archive.js";
import { CheckpointLoadStatus } from "../../tf/tracking/checkpoint.js";
import type { WeightMatch } from "./assign-weights.js";
import type { LoadKerasModelOptions } from "./load-model.js";
import { loadKerasSavedModel } from "./savedmodel/load-keras-saved-model.js";
import { assignKeras3Weights, loadKerasArchiveModel, loadKerasArchiveWeights, saveKeras3Weights, saveKerasArchive } from "./stores/keras3.js";
import { assignLegacyH5Weights, loadLegacyH5Model, saveLegacyH5Model, saveLegacyH5Weights } from "./stores/legacy-h5.js";
import { loadModelCheckpoint, saveModelCheckpoint } from "./stores/tf-checkpoint.js";
import { loadTfjsLayersModel, saveTfjsLayersModel } from "./stores/tfjs.js";

export type { LoadKerasModelOptions } from "./load-model.js";

/** Options of {@link saveModel} (Python `model.save(filepath, include_optimizer=True)`). */
export interface SaveModelOptions {
  /** Also save the compile configuration and the optimizer's state (default true). */
  includeOptimizer?: boolean;
  /**
   * Python `save_format`: `"h5"`, `"keras"`, `"tf"` (SavedModel directory) or `"tfjs"` (a directory with
   * TensorFlow.js `model.json` + weight shards); by default chosen from the suffix.
   */
  saveFormat?: "h5" | "keras" | "tf" | "tfjs";
  /** SavedModel only (Python `save_traces`, default true): false skips the traced forward pass and requires getConfig on custom classes. */
  saveTraces?: boolean;
}

/** What a save wrote: the format (as `saveFormat` names it, plus the weights-only layouts) and its name for people. */
export interface SavedFormat {
  format: "h5" | "keras" | "tf" | "tfjs" | "tf-checkpoint" | "h5-weights" | "keras3-weights";
  description: string;
}

const savedFormatNames: Record<SavedFormat["format"], string> = {
  h5: "Keras 2 HDF5",
  keras: "Keras 3 .keras archive",
  tf: "TensorFlow SavedModel directory",
  tfjs: "TensorFlow.js model.json directory",
  "tf-checkpoint": "TensorFlow checkpoint",
  "h5-weights": "Keras 2 HDF5 weights",
  "keras3-weights": "Keras 3 weights (.weights.h5)",
};

function savedFormat(format: SavedFormat["format"]): SavedFormat {
  return { format, description: savedFormatNames[format] };
}

/** Options of {@link saveWeights} (Python `model.save_weights(filepath, save_format=None)`). */
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
 * Python `model.save(path)`: `.h5`/`.hdf5` → Keras 2 whole-model HDF5, `.keras` → Keras 3 archive,
 * anything else → a TensorFlow SavedModel directory (as Keras 2 does). `saveFormat` overrides the suffix.
 * The file or directory appears atomically (a reader never sees a half-written model).
 *
 * @example
 * await saveModel(model, "my_model.keras");
 */
export async function saveModel(model: tfl.LayersModel, path: string, options: SaveModelOptions = {}): Promise<SavedFormat> {
  const format = options.saveFormat ?? (isH5Path(path) ? "h5" : /\.keras$/i.test(path) ? "keras" : "tf");
  const includeOptimizer = options.includeOptimizer ?? true;
  switch (format) {
    case "h5":
      await saveLegacyH5Model(model, path, { includeOptimizer });
      break;
    case "keras":
      await saveKerasArchive(model, path, { includeOptimizer });
      break;
    case "tfjs":
      await saveTfjsLayersModel(model, path, { includeOptimizer });
      break;
    case "tf": {
      // Loaded lazily: the SavedModel writer pulls in the graph builder.
      const { saveKerasSavedModel } = await import("./savedmodel/save-keras-saved-model.js");
      await saveKerasSavedModel(model, path, { includeOptimizer, saveTraces: options.saveTraces });
      break;
    }
    default:
      throw new Error(`Unknown saveFormat "${String(format)}". Expected "h5", "keras", "tf" (SavedModel directory) or "tfjs".`);
  }
  return savedFormat(format);
}

/**
 * Python `keras.models.load_model(path)`: Keras 2 `.h5`, Keras 3 `.keras` (checked by content, not
 * suffix), SavedModel folders and TensorFlow.js `model.json`. `safeMode` (default true) refuses files
 * carrying code. Gives the model as rebuilt; `keras.models.loadModel` makes it a `keras.Model`.
 */
export async function loadModel(path: string, options: LoadKerasModelOptions = {}): Promise<tfl.LayersModel> {
  const { format, path: resolved } = detectFormat(path);
  switch (format) {
    case "hdf5":
      return loadLegacyH5Model(resolved, { source: path, ...options });
    case "keras-zip":
      return loadKerasArchiveModel(resolved, { source: path, ...options });
    case "tfjs":
      return loadTfjsLayersModel(resolved);
    case "tf-checkpoint":
      throw new Error(`${path} is a TensorFlow checkpoint: it holds weights, not an architecture. Build the model, then await model.loadWeights("${path}").`);
    case "tf-savedmodel":
      return loadKerasSavedModel(resolved, { source: path, ...options });
  }
}

/**
 * Python `model.save_weights(path)`: a TensorFlow checkpoint (`path.index` + `path.data-00000-of-00001`
 * and the folder's `checkpoint` file) named as tf.keras names it, with the optimizer's state; or, for
 * `.h5`, Keras 2's `save_weights` layout, and Keras 3's for `x.weights.h5`.
 */
export async function saveWeights(model: tfl.LayersModel, path: string, options: SaveWeightsOptions = {}): Promise<SavedFormat> {
  const format = options.saveFormat ?? (isH5Path(path) ? "h5" : "tf");
  if (format === "h5" && /\.weights\.h5$/i.test(path)) {
    await saveKeras3Weights(model, path);
    return savedFormat("keras3-weights");
  }
  if (format === "h5") {
    await saveLegacyH5Weights(model, path);
    return savedFormat("h5-weights");
  }
  saveModelCheckpoint(model, path);
  return savedFormat("tf-checkpoint");
}

/**
 * Python `model.load_weights(path)`: TensorFlow checkpoints (by object structure), Keras `.h5` weights
 * (topological order or `byName`; Keras 3 `.weights.h5` by the walk's paths), and `.keras` archives.
 * Every kind returns a status with assertConsumed()/assertExistingObjectsMatched()/expectPartial(); for
 * `.h5`/`.keras` it is by layer: saved layers no model layer took are unused, model layers left without
 * values are unmatched.
 */
export async function loadWeights(model: tfl.LayersModel, path: string, options: LoadWeightsOptions = {}): Promise<CheckpointLoadStatus> {
  const { format, path: resolved } = detectFormat(path);
  const status = (match: WeightMatch) => new CheckpointLoadStatus(path, match.unusedSaved, match.unmatchedModel);
  switch (format) {
    case "tf-checkpoint":
      return loadModelCheckpoint(model, resolved);
    case "keras-zip":
      return status(await loadKerasArchiveWeights(model, resolved));
    case "hdf5": {
      const file = await Hdf5File.open(resolved);
      try {
        // Keras 3 `.weights.h5` files hold `layers/…` and no `model_weights` group.
        const keras3 = file.hasGroup("layers") && !file.hasGroup("model_weights");
        return status(keras3 ? assignKeras3Weights(model, readKeras3Weights(file).variables, path) : assignLegacyH5Weights(model, file, path, options));
      } finally {
        file.close();
      }
    }
    default:
      throw new Error(
        `${path} is a ${format} folder, not weights. Load whole models with keras.models.loadModel(path); load weights from a checkpoint prefix, a .h5 or a .keras file.`,
      );
  }
}

/**
 * The body of `model.save`: a plain path is a Keras file (see {@link saveModel}); a tfjs URL
 * (`file://`, `localstorage://`, ...) or an IOHandler keeps TensorFlow.js's own `save`.
 */
export async function saveModelOrDelegate(
  model: tfl.LayersModel,
  tfjsSave: (handler: string | tfc.io.IOHandler, config?: tfc.io.SaveConfig) => Promise<tfc.io.SaveResult>,
  path: string | tfc.io.IOHandler,
  options?: SaveModelOptions | tfc.io.SaveConfig,
): Promise<tfc.io.SaveResult> {
  if (typeof path !== "string" || path.includes("://")) return tfjsSave(path, options as tfc.io.SaveConfig);
  await saveModel(model, path, options as SaveModelOptions);
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
}
