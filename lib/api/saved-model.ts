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
import { saveKerasSavedModel, type SaveKerasSavedModelOptions } from "../keras/saving/savedmodel/save-keras-saved-model.js";
import { loadCheckpoint } from "../formats/checkpoint/index.js";
import { storedTensorToTfjs } from "../formats/stored-tensor.js";
import { inspectSavedModel } from "../formats/savedmodel/inspect-saved-model.js";
import { loadSavedModel, type LoadedSavedModel } from "../formats/savedmodel/load-saved-model.js";
import type { ConcreteFunction } from "../formats/savedmodel/signature-function.js";
import { reviveObjectGraph } from "../tf/function/load-object.js";
import { saveObjectSavedModel, type SaveObjectOptions } from "../tf/function/save-object.js";

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

/**
 * Python `tf.saved_model.load(export_dir, tags=...)`. Besides `signatures` and `variables`, the
 * result carries the saved object's attributes without its original class: saved `tf.function`s
 * as callables (`loaded.call(x)`), variables as tfjs-core Variables, nested objects as objects.
 */
export async function load(directory: string, options: { tags?: string[] } = {}): Promise<LoadedSavedModelObject & { readonly [attribute: string]: unknown }> {
  const savedModel = await loadSavedModel(directory, options);
  const revived = savedModel.kerasMetadata === undefined ? reviveObjectGraph(savedModel) : undefined;
  let variables: LoadedVariable[];
  if (revived !== undefined) {
    variables = [...revived.variables.values()].map(({ name, path, value }) => ({ name, path, value }));
  } else {
    const inspection = inspectSavedModel(directory, options);
    const reader = inspection.variables.length > 0 ? loadCheckpoint(savedModel.directory) : undefined;
    variables = inspection.variables.flatMap((variable) => {
      const key = `${variable.path}/.ATTRIBUTES/VARIABLE_VALUE`;
      if (reader === undefined || !reader.hasTensor(key)) return [];
      const value = tfc.tidy(() => storedTensorToTfjs(reader.getTensor(key)));
      return [{ name: variable.name, path: variable.path, value: tfc.variable(value, false) }];
    });
  }
  const reserved = new Set(["signatures", "variables", "tags", "savedModel", "dispose"]);
  const attributes = Object.fromEntries(Object.entries(revived?.root ?? {}).filter(([name]) => !reserved.has(name)));
  return {
    ...attributes,
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
 * Python `tf.saved_model.save(obj, export_dir, signatures)`. Keras models (tfjs LayersModels) are
 * written as tf-keras 2 SavedModels with `keras_metadata.pb`, so `keras.models.loadModel` rebuilds
 * them; other objects (a class instance or plain object holding tfjs-core Variables and
 * `tf.function`s, like a `tf.Module`) are written with their traced functions and signatures.
 */
export async function save(object: unknown, directory: string, options: SaveKerasSavedModelOptions & SaveObjectOptions = {}): Promise<void> {
  if (object instanceof tfl.LayersModel) return saveKerasSavedModel(object, directory, options);
  if (typeof object === "object" && object !== null) return saveObjectSavedModel(object, directory, options);
  throw new Error(
    `tf.savedModel.save takes a Keras model or an object whose properties hold tf.Variables and tf.functions, not ${typeof object}.`,
  );
}

/** The `tf.savedModel` namespace. */
export const savedModel = { load, save };
