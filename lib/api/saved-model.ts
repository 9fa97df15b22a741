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
import { reviveObjectGraph, type LoadedFunction } from "../tf/function/load-object.js";
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

/** A saved `tf.function` after loading, typed for the common case of one tensor out; a list argument (Keras 3's `serve([a, b])`) is flattened. */
export type LoadedTfFunction<Result extends tfc.Tensor | tfc.Tensor[] = tfc.Tensor> = ((...inputs: Array<tfc.Tensor | tfc.Tensor[]>) => Result) &
  LoadedFunction;

export interface LoadedSavedModelObject {
  /**
   * Python's `loaded(x)`: the saved object's `__call__` (a `tf.Module`'s `call`), typed as returning
   * one tensor; one that returns several gives an array (`loaded.functions.call` is the same function).
   * Throws a clear error when the saved object has no call function.
   */
  call: LoadedTfFunction;
  /** The saved object's `tf.function`s by attribute name (`loaded.functions.multiply(x, y)`). */
  functions: Readonly<Record<string, LoadedTfFunction<tfc.Tensor | tfc.Tensor[]>>>;
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
  const functions = Object.fromEntries(Object.entries(attributes).filter(([, value]) => typeof value === "function")) as Record<
    string,
    LoadedTfFunction<tfc.Tensor | tfc.Tensor[]>
  >;
  const call = (functions["call"] ??
    functions["__call__"] ??
    noCall(directory, Object.keys(functions), Object.keys(savedModel.signatures))) as LoadedTfFunction;
  const loaded = {
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
  // Conveniences, not saved attributes: non-enumerable, so listing the object lists what was saved.
  if (!("functions" in loaded)) Object.defineProperty(loaded, "functions", { value: functions, enumerable: false });
  if (!("call" in loaded)) Object.defineProperty(loaded, "call", { value: call, enumerable: false });
  return loaded as typeof loaded & Pick<LoadedSavedModelObject, "call" | "functions">;
}

/** Stands in for `loaded.call` when the saved object has none, so calling it says what there is instead. */
function noCall(directory: string, names: string[], signatures: string[]): (...inputs: tfc.Tensor[]) => never {
  return () => {
    const functions = names.length > 0 ? `its functions are ${names.join(", ")} (call one as loaded.functions.NAME(x))` : "it has no tf.functions";
    throw new Error(
      `The SavedModel in ${directory} has no call function (Python's loaded(x) would fail too): ${functions}; its signatures are ${signatures.join(", ") || "none"} (loaded.signatures.KEY({ input: x })).`,
    );
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
  throw new Error(`tf.savedModel.save takes a Keras model or an object whose properties hold tf.Variables and tf.functions, not ${typeof object}.`);
}

/** The `tf.savedModel` namespace. */
export const savedModel = { load, save };
