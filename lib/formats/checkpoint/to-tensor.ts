/**
 * Converts bundle tensors to tfjs tensors where tfjs has the dtype (float32, int32, bool, string);
 * wider or narrower numeric types are converted with a note on precision.
 */
import * as tfc from "@tensorflow/tfjs-core";
import type { CheckpointTensor } from "./bundle.js";
import { bfloat16BitsToNumber, float16BitsToNumber } from "./dtypes.js";

/**
 * tfjs tensor of a checkpoint tensor. float16/bfloat16/float64 become float32; int8–uint32 become
 * int32; int64/uint64 become int32 only when every value fits (otherwise an error says so);
 * complex types are refused.
 *
 * @example
 * const kernel = checkpointTensorToTf(reader.getTensor("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
 */
export function checkpointTensorToTf(tensor: CheckpointTensor): tfc.Tensor {
  const { dtype, shape, data } = tensor;
  switch (dtype) {
    case "string":
      return tfc.tensor(data as Uint8Array[], shape, "string");
    case "float32":
      return tfc.tensor(data as Float32Array, shape, "float32");
    case "float64":
      return tfc.tensor(Float32Array.from(data as Float64Array), shape, "float32");
    case "float16":
      return tfc.tensor(Float32Array.from(data as Uint16Array, float16BitsToNumber), shape, "float32");
    case "bfloat16":
      return tfc.tensor(Float32Array.from(data as Uint16Array, bfloat16BitsToNumber), shape, "float32");
    case "bool":
      return tfc.tensor(data as Uint8Array, shape, "bool");
    case "int64":
    case "uint64": {
      const values = Array.from(data as BigInt64Array | BigUint64Array, (value) => {
        if (value > 2147483647n || value < -2147483648n) throw new RangeError(`checkpointTensorToTf: ${dtype} value ${value} does not fit in tfjs int32; read it exactly from tensor.data instead.`);
        return Number(value);
      });
      return tfc.tensor(Int32Array.from(values), shape, "int32");
    }
    case "uint32": {
      const values = data as Uint32Array;
      if (values.some((value) => value > 2147483647)) throw new RangeError("checkpointTensorToTf: a uint32 value does not fit in tfjs int32; read it exactly from tensor.data instead.");
      return tfc.tensor(Int32Array.from(values), shape, "int32");
    }
    case "int8": case "int16": case "int32": case "uint8": case "uint16":
      return tfc.tensor(Int32Array.from(data as Int32Array), shape, "int32");
    case "complex64": case "complex128":
      throw new TypeError(`checkpointTensorToTf: ${dtype} tensors are not converted; read the interleaved real/imaginary values from tensor.data.`);
  }
}
