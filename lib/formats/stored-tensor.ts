/**
 * The one stored tensor (a checkpoint or SavedModel variable as read from a tensor bundle) and its
 * one conversion to tfjs, where tfjs has the dtype (float32, int32, bool, string). Wider or narrower
 * numbers are converted where no value changes; a value tfjs cannot hold is an error, never a wrap.
 *
 * @example
 * const kernel = storedTensorToTfjs(reader.getTensor("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
 */
import * as tfc from "@tensorflow/tfjs-core";
import { bfloat16BitsToNumber, float16BitsToNumber } from "./dtypes.js";

/** One stored tensor. `dtype` is a short TensorFlow name (`float32`, `int64`, `string`, ...). */
export interface StoredTensor {
  dtype: string;
  shape: number[];
  data: ArrayLike<number> | ArrayLike<bigint> | ArrayLike<boolean> | Uint8Array[] | string[];
}

const int32Min = -2147483648;
const int32Max = 2147483647;

/**
 * tfjs tensor of a stored tensor. float16/bfloat16/float64 become float32; int8–uint32 and
 * int64/uint64 become int32 when every value fits (otherwise a RangeError names the entry and the
 * value); complex types are refused. `key` names the entry in errors.
 */
export function storedTensorToTfjs(stored: StoredTensor, key = "the tensor"): tfc.Tensor {
  const { dtype, shape } = stored;
  const data = stored.data as ArrayLike<unknown>;
  switch (dtype) {
    case "string":
      return tfc.tensor(
        Array.from(data, (value) => (typeof value === "string" ? new TextEncoder().encode(value) : (value as Uint8Array))),
        shape,
        "string",
      );
    case "float32":
      return tfc.tensor(data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>), shape, "float32");
    case "float64":
      return tfc.tensor(Float32Array.from(data as ArrayLike<number>), shape, "float32");
    // Half-precision values arrive as their raw 16-bit patterns (Uint16Array) from the bundle reader.
    case "float16":
      return tfc.tensor(halfValues(data, float16BitsToNumber), shape, "float32");
    case "bfloat16":
      return tfc.tensor(halfValues(data, bfloat16BitsToNumber), shape, "float32");
    case "bool":
      return tfc.tensor(
        Array.from(data, (value) => Boolean(value)),
        shape,
        "bool",
      );
    case "int8":
    case "int16":
    case "int32":
    case "uint8":
    case "uint16":
    case "uint32":
    case "int64":
    case "uint64":
      return tfc.tensor(int32Values(data, dtype, key), shape, "int32");
    case "complex64":
    case "complex128":
      throw new TypeError(`${key} is ${dtype}; complex tensors are not converted to tfjs. Read the interleaved real/imaginary values from its data.`);
    default:
      throw new TypeError(`${key} has type ${dtype}, which tfjs cannot compute with. Only numeric, bool and string tensors are converted.`);
  }
}

function int32Values(data: ArrayLike<unknown>, dtype: string, key: string): Int32Array {
  const values = new Int32Array(data.length);
  for (let index = 0; index < data.length; index++) {
    const value = data[index] as number | bigint;
    const fits = typeof value === "bigint" ? value >= BigInt(int32Min) && value <= BigInt(int32Max) : value >= int32Min && value <= int32Max;
    if (!fits) {
      throw new RangeError(
        `${key}: ${dtype} value ${value} (element ${index}) does not fit in tfjs int32, which holds -2^31..2^31-1. ` +
          `Read the exact values from the stored tensor's data (BigInt64Array) instead of converting it to a tfjs tensor.`,
      );
    }
    values[index] = Number(value);
  }
  return values;
}

function halfValues(data: ArrayLike<unknown>, fromBits: (bits: number) => number): Float32Array {
  if (data instanceof Uint16Array) return Float32Array.from(data, fromBits);
  return Float32Array.from(data as ArrayLike<number>);
}
