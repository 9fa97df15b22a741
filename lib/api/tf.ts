// The types of the chained tensor methods (`x.sum()`), registered at run time by lib/backend/chained-ops.
/// <reference path="../../node_modules/@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.d.ts" />
/**
 * The `tf` namespace: TensorFlow.js core and layers in one (like the `@tensorflow/tfjs` package),
 * so both values (`tf.ones`) and types (`tf.Tensor`) are reachable through it.
 */
export * from "@tensorflow/tfjs-core";
export * from "@tensorflow/tfjs-layers";
// Our `train` (TensorFlow.js's optimizers plus checkpoint tools) takes precedence over tfjs-core's.
export { train } from "./tf-train.js";
// TensorFlow's tf.saved_model (load/save SavedModel directories); tfjs has no `savedModel` export.
export { savedModel } from "./saved-model.js";
// TensorFlow's tf.function and tf.TensorSpec (tracing TypeScript functions into graphs).
export { tfFunction as function, isTfFunction, type TfFunction, type ConcreteTfFunction, type TfFunctionOptions } from "../tf/function/tf-function.js";
export { TensorSpec } from "../tf/function/tensor-spec.js";
// TensorFlow's `tf.Variable` (a tfjs-core Variable with TF semantics) and `tf.Module`; tfjs's `tf.variable()` stays.
export { Variable, type VariableOptions } from "../tf/variable.js";
export { Module, type ModuleOptions } from "../tf/module.js";
