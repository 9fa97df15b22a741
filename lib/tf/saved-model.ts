/**
 * `tf.savedModel`: TensorFlow's `tf.saved_model` for TypeScript. `load` opens any SavedModel
 * directory (written by Python TensorFlow or by tskeras) and returns its signatures, callable
 * on the active tfjs backend, and its variables.
 *
 * @example
 * ```ts
 * const loaded = await tf.savedModel.load("my_model", { tags: ["serve"] });
 * const { dense_2 } = loaded.signatures.serving_default!({ dense_input: tf.zeros([2, 43]) });
 * loaded.variables.map((variable) => variable.name); // ["dense/kernel", "dense/bias", ...]
 * ```
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { saveKerasSavedModel, type SaveKerasSavedModelOptions } from "../formats/savedmodel/write/save-keras-saved-model.js";
import { loadCheckpoint } from "../formats/checkpoint/index.js";
import { checkpointTensorToTf } from "../formats/checkpoint/to-tensor.js";
import { inspectSavedModel } from "../formats/savedmodel/inspect-saved-model.js";
import { loadSavedModel, type LoadedSavedModel } from "../formats/savedmodel/load-saved-model.js";
import type { ConcreteFunction } from "../formats/savedmodel/signature-function.js";

/** One variable of a loaded SavedModel. */
export interface LoadedVariable {
  /** TensorFlow's variable name, e.g. `dense/kernel`. */
  name: string;
  /** Object path from the root, e.g. `layer_with_weights-0/kernel`. */
  path: string;
  /** Its value, as a tfjs variable (float64/int64 values are narrowed to float32/int32). */
  value: tfc.Variable;
}

export interface LoadedSavedModelObject {
  /** Signatures by key; each call returns new tensors keyed by output name (synchronously). */
  signatures: Readonly<Record<string, ConcreteFunction>>;
  variables: LoadedVariable[];
  tags: string[];
  /** The lower-level loaded model (MetaGraph, Keras metadata). */
  savedModel: LoadedSavedModel;
  /** Frees the variable values and cached constants. */
  dispose(): void;
}

/** Python `tf.saved_model.load(export_dir, tags=...)`. */
export async function load(directory: string, options: { tags?: string[] } = {}): Promise<LoadedSavedModelObject> {
  const savedModel = await loadSavedModel(directory, options);
  const inspection = inspectSavedModel(directory, options);
  const reader = inspection.variables.length > 0 ? loadCheckpoint(savedModel.directory) : undefined;
  const variables = inspection.variables.flatMap((variable) => {
    const key = `${variable.path}/.ATTRIBUTES/VARIABLE_VALUE`;
    if (reader === undefined || !reader.hasTensor(key)) return [];
    const value = tfc.tidy(() => checkpointTensorToTf(reader.getTensor(key)));
    return [{ name: variable.name, path: variable.path, value: tfc.variable(value, false) }];
  });
  return {
    signatures: savedModel.signatures,
    variables,
    tags: savedModel.tags,
    savedModel,
    dispose: () => {
      variables.forEach((variable) => variable.value.dispose());
      savedModel.dispose();
    },
  };
}

/**
 * Python `tf.saved_model.save(obj, export_dir)`. Keras models (tfjs LayersModels) are written as
 * tf-keras 2 SavedModels with `keras_metadata.pb`, so `keras.models.loadModel` rebuilds them.
 */
export async function save(object: unknown, directory: string, options: SaveKerasSavedModelOptions = {}): Promise<void> {
  if (object instanceof tfl.LayersModel) return saveKerasSavedModel(object, directory, options);
  throw new Error(
    "tf.savedModel.save writes Keras models (keras.Sequential, keras.Model) in this version; " +
      "saving other objects with traced tf.function signatures is not available yet. Save a Keras model, or use tf.train.Checkpoint for variables.",
  );
}

/** The `tf.savedModel` namespace. */
export const savedModel = { load, save };
