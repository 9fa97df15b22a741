/**
 * Name, dtype and shape of a signature input or output, as `saved_model_cli` shows them.
 *
 * @example
 * ```ts
 * tensorSpecFromInfo(signature.inputs.x!); // { name: "serving_default_x:0", dtype: "float32", shape: [] }
 * ```
 */
import { dataTypeName } from "./graph-dtypes.js";
import type { TensorInfo } from "../protobuf/messages.js";
import { shapeFromProto } from "./tensor-proto.js";

export interface TensorSpec {
  /** Graph tensor the value is fed to or fetched from, e.g. `serving_default_x:0`. */
  name: string;
  dtype: string;
  /** `-1` marks an unknown dimension; `null` an unknown rank. */
  shape: number[] | null;
}

export function tensorSpecFromInfo(info: TensorInfo): TensorSpec {
  return { name: info.name ?? "", dtype: dataTypeName(info.dtype), shape: shapeFromProto(info.tensor_shape) };
}
