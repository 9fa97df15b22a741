/**
 * The `keras` namespace of tskeras, following Python Keras's names and argument order.
 *
 * @example
 * import { keras } from "tskeras";
 * const model = new keras.Sequential([new keras.layers.Dense(10, { inputShape: [4] })]);
 */
import * as tfl from "@tensorflow/tfjs-layers";
import * as callbacks from "./callbacks/index.js";
import * as datasets from "../datasets/index.js";
import * as layers from "./layers/index.js";
import * as losses from "./losses.js";
import * as metrics from "./metrics.js";
import { Model } from "./models/model.js";
import { Sequential } from "./models/sequential.js";
import { cloneModel } from "./models/clone-model.js";
import { loadModel, modelFromJSON } from "./models/keras-model.js";

/** Python `keras.models`: `await keras.models.loadModel(path)`, `cloneModel(model)`, `modelFromJSON(json)`. */
export const models = { loadModel, cloneModel, modelFromJSON };
export * as saving from "./saving/index.js";
export * as utils from "./utils.js";
/** Python `keras.activations`: relu, gelu, silu... as functions of a tensor. */
export * as activations from "./activations.js";

export { callbacks, datasets, layers, losses, metrics, Model, Sequential };
export type { FunctionalModelArgs, ModelOptions, Prediction } from "./models/model.js";
export type { KerasModel } from "./models/keras-model.js";
export type { KerasModelApi, LoadStatus } from "./models/keras-model-api.js";
/** Keras 3's `keras.Variable`: the type of `model.weights` (assign, assignAdd, assignSub, numpy, shape, path). */
export type { KerasVariable as Variable, VariableMethods } from "./weight-variables.js";
export type { SequentialItem, SequentialOptions } from "./models/sequential.js";
export type { CompileOptions, EvaluateOptions, FitOptions, KerasHistory } from "./training/train.js";

export interface InputOptions {
  /** The shape of one sample, without the batch axis (Python `shape=(784,)` → `[784]`). */
  shape?: number[];
  batchShape?: (number | null)[];
  name?: string;
  dtype?: "float32" | "int32" | "bool" | "complex64" | "string";
}

let inputCount = 0;

/**
 * A symbolic input tensor (Python `keras.Input(shape=(32,))`), named `input_1`, `input_2`... like Keras 2.
 *
 * @example
 * const inputs = keras.Input({ shape: [32] });
 */
export function Input(options: InputOptions): tfl.SymbolicTensor {
  return tfl.input({ ...options, name: options.name ?? `input_${++inputCount}` });
}
