/**
 * Where a SavedModel's variable values come from: the tensor bundle in `variables/`.
 * Kept as a small interface so any checkpoint reader (the project's own in
 * `lib/formats/checkpoint/`, or an in-memory one in tests) plugs in.
 *
 * @example
 * ```ts
 * const source: VariableSource = {
 *   keys: () => ["v/.ATTRIBUTES/VARIABLE_VALUE"],
 *   getTensor: () => ({ dtype: "float32", shape: [], data: new Float32Array([3]) }),
 * };
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import { bfloat16BitsToNumber, float16BitsToNumber } from "../checkpoint/index.js";

/** One stored tensor. `dtype` is a short TensorFlow name (`float32`, `int64`, `string`, ...). */
export interface StoredTensor {
  dtype: string;
  shape: number[];
  data: ArrayLike<number> | ArrayLike<bigint> | ArrayLike<boolean> | Uint8Array[] | string[];
}

/** Read access to a tensor bundle (checkpoint). */
export interface VariableSource {
  keys(): string[];
  getTensor(key: string): StoredTensor;
}

/** Converts a stored tensor to tfjs, narrowing 64-bit integers and doubles to what tfjs computes in. */
export function storedTensorToTfjs(stored: StoredTensor, key: string): tf.Tensor {
  const { dtype, shape } = stored;
  const data = stored.data as ArrayLike<unknown>;
  switch (dtype) {
    case "float32":
    case "float64":
      return tf.tensor(Float32Array.from(data as ArrayLike<number>), shape, "float32");
    // Half-precision values arrive as their raw 16-bit patterns (Uint16Array) from the checkpoint reader.
    case "float16":
      return tf.tensor(halfValues(data, float16BitsToNumber), shape, "float32");
    case "bfloat16":
      return tf.tensor(halfValues(data, bfloat16BitsToNumber), shape, "float32");
    case "int32":
    case "int16":
    case "int8":
    case "uint8":
    case "uint16":
    case "uint32":
      return tf.tensor(Int32Array.from(data as ArrayLike<number>), shape, "int32");
    case "int64":
    case "uint64":
      return tf.tensor(Int32Array.from(Array.from(data, (value) => Number(value))), shape, "int32");
    case "bool":
      return tf.tensor(Array.from(data, (value) => Boolean(value)), shape, "bool");
    case "string":
      return tf.tensor(
        Array.from(data, (value) => (typeof value === "string" ? value : new TextDecoder().decode(value as Uint8Array))),
        shape,
        "string",
      );
    default:
      throw new Error(
        `Checkpoint entry "${key}" has type ${dtype}, which cannot be computed in TypeScript. ` +
          `Only numeric, bool and string variables are supported.`,
      );
  }
}

function halfValues(data: ArrayLike<unknown>, fromBits: (bits: number) => number): Float32Array {
  if (data instanceof Uint16Array) return Float32Array.from(data, fromBits);
  return Float32Array.from(data as ArrayLike<number>);
}
