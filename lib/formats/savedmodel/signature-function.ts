/**
 * One signature of a loaded SavedModel, callable with named tfjs tensors (like
 * `loaded.signatures["serving_default"](x=...)` in Python).
 *
 * @example
 * ```ts
 * const model = await loadSavedModel("times_three_float");
 * const servingDefault = model.signatures.serving_default!;
 * servingDefault.inputs.x;                          // { name: "serving_default_x:0", dtype: "float32", shape: [] }
 * const { output_0 } = servingDefault({ x: tf.scalar(2) });
 * output_0!.dataSync();                             // [6]
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import type { GraphRuntime } from "./graph/graph-runtime.js";
import { isTensorList, isVariableHandle } from "./graph/values.js";
import { parseGraphEdge } from "./graph/edge-names.js";
import type { TensorSpec } from "./signature-tensor.js";

/** A signature: call it with tensors keyed by input name; it returns tensors keyed by output name. */
export interface ConcreteFunction {
  (inputs: Record<string, tf.Tensor>): Record<string, tf.Tensor>;
  /** Signature key, e.g. `serving_default`. */
  readonly signatureKey: string;
  readonly inputs: Readonly<Record<string, TensorSpec>>;
  readonly outputs: Readonly<Record<string, TensorSpec>>;
}

export function createConcreteFunction(
  signatureKey: string,
  inputs: Record<string, TensorSpec>,
  outputs: Record<string, TensorSpec>,
  runtime: GraphRuntime,
): ConcreteFunction {
  const signature = new SignatureFunction(signatureKey, inputs, outputs, runtime);
  return Object.assign((feeds: Record<string, tf.Tensor>) => signature.run(feeds), { signatureKey, inputs, outputs });
}

class SignatureFunction {
  constructor(
    /** Signature key, e.g. `serving_default`. */
    readonly name: string,
    readonly inputs: Readonly<Record<string, TensorSpec>>,
    readonly outputs: Readonly<Record<string, TensorSpec>>,
    private readonly runtime: GraphRuntime,
  ) {}

  /**
   * Runs the signature. Inputs are keyed by the signature's input names; numeric inputs
   * of another numeric dtype are cast. Returns new tensors keyed by output name (the
   * caller owns and disposes them).
   */
  run(inputs: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
    const expected = Object.keys(this.inputs);
    const missing = expected.filter((key) => !(key in inputs));
    const unknown = Object.keys(inputs).filter((key) => !(key in this.inputs));
    if (missing.length > 0 || unknown.length > 0) {
      const parts = [
        missing.length > 0 ? `missing ${missing.map((key) => `"${key}"`).join(", ")}` : "",
        unknown.length > 0 ? `unexpected ${unknown.map((key) => `"${key}"`).join(", ")}` : "",
      ].filter(Boolean);
      throw new Error(`Signature "${this.name}" takes inputs {${expected.join(", ")}}; ${parts.join("; ")}. Pass an object with exactly these keys.`);
    }
    const outputNames = Object.keys(this.outputs);
    const fetches = outputNames.map((key) => this.outputs[key]!.name);
    return tf.tidy(() => {
      const feeds = new Map<string, tf.Tensor>();
      for (const key of expected) feeds.set(parseGraphEdge(this.inputs[key]!.name).node, this.prepareInput(key, inputs[key]!));
      const values = this.runtime.runGraph(feeds, fetches);
      const result: Record<string, tf.Tensor> = {};
      outputNames.forEach((key, index) => {
        const value = values[index]!;
        if (isVariableHandle(value) || isTensorList(value)) {
          throw new Error(
            `Signature "${this.name}" output "${key}" is a ${isTensorList(value) ? "TensorList" : "variable handle"}, not a tensor; it cannot be returned.`,
          );
        }
        // A clone (shared data, own handle): the output may be an input or a cached
        // variable value passed through Identity, which the caller must not dispose.
        result[key] = value.clone();
      });
      return result;
    });
  }

  private prepareInput(key: string, tensor: tf.Tensor): tf.Tensor {
    const spec = this.inputs[key]!;
    if (spec.shape !== null) {
      const compatible = spec.shape.length === tensor.rank && spec.shape.every((size, axis) => size < 0 || size === tensor.shape[axis]);
      if (!compatible) {
        throw new Error(
          `Signature "${this.name}" input "${key}" must have shape [${spec.shape.map((size) => (size < 0 ? "?" : size)).join(", ")}] ` +
            `(? = any size) but got [${tensor.shape.join(", ")}].`,
        );
      }
    }
    const wanted = computeDtype(spec.dtype);
    if (wanted === undefined || wanted === tensor.dtype) return tensor;
    const numeric = (dtype: string): boolean => dtype === "float32" || dtype === "int32";
    if (numeric(wanted) && numeric(tensor.dtype)) return tf.cast(tensor, wanted);
    throw new Error(`Signature "${this.name}" input "${key}" must be ${spec.dtype} but got a ${tensor.dtype} tensor.`);
  }
}

function computeDtype(dtype: string): "float32" | "int32" | "bool" | "string" | undefined {
  if (["float32", "float64", "float16", "bfloat16"].includes(dtype)) return "float32";
  if (["int32", "int64", "int16", "int8", "uint8", "uint16", "uint32", "uint64"].includes(dtype)) return "int32";
  if (dtype === "bool" || dtype === "string") return dtype;
  return undefined;
}
