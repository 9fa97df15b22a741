/**
 * Turns a TensorFlow `TensorProto` (the value of a `Const` node) into a tfjs tensor, through the
 * one stored-tensor converter (so an int64 constant outside int32's range is an error, never a
 * wrap), and a `TensorShapeProto` into a plain shape array.
 *
 * @example
 * ```ts
 * const tensor = tensorFromProto(node.attr.value.tensor!); // e.g. the 3.0 of `x * 3`
 * shapeFromProto({ dim: [{ size: -1 }, { size: 43 }] });    // [-1, 43]
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import { dataTypeName, tfjsDtypeFor } from "./graph-dtypes.js";
import { storedTensorToTfjs } from "../stored-tensor.js";
import type { TensorProto, TensorShapeProto } from "../protobuf/messages.js";

/** Shape of a TensorShapeProto: `null` when the rank is unknown, `-1` for an unknown dimension. */
export function shapeFromProto(shape: TensorShapeProto | undefined): number[] | null {
  if (shape === undefined) return [];
  if (shape.unknown_rank) return null;
  return shape.dim.map((dimension) => dimension.size ?? 0);
}

/** Builds the tensor a Const node holds. */
export function tensorFromProto(proto: TensorProto): tf.Tensor {
  const shape = shapeFromProto(proto.tensor_shape) ?? [];
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const typeName = dataTypeName(proto.dtype);
  // Refuses types tfjs has no equivalent for (resource, variant, ...) with TensorFlow's name for them.
  tfjsDtypeFor(proto.dtype);
  const what = `a Const tensor of type ${typeName}`;
  if (typeName === "string") {
    const strings = proto.string_val.map((bytes) => new TextDecoder().decode(bytes));
    return storedTensorToTfjs({ dtype: "string", shape, data: fillToSize(strings, size, "") }, what);
  }
  const content = proto.tensor_content;
  const values = content !== undefined && content.length > 0 ? valuesFromContent(content, typeName) : valuesFromFields(proto, typeName);
  // One element type per dtype: numbers, or bigints for 64-bit integers read from tensor_content.
  return storedTensorToTfjs({ dtype: typeName, shape, data: fillToSize<number | bigint>(values, size, 0) as ArrayLike<number> | ArrayLike<bigint> }, what);
}

/**
 * A proto may store fewer values than the shape holds: a single value means "repeat to
 * fill", and a shorter list is padded with its last value (TensorFlow's rule for Const).
 */
function fillToSize<T>(values: T[], size: number, empty: T): T[] {
  if (values.length === size) return values;
  if (values.length > size) return values.slice(0, size);
  const last = values.length > 0 ? values[values.length - 1]! : empty;
  return [...values, ...new Array<T>(size - values.length).fill(last)];
}

function valuesFromFields(proto: TensorProto, typeName: string): number[] {
  switch (typeName) {
    case "float32":
      return proto.float_val;
    case "float64":
      return proto.double_val;
    case "int64":
      return proto.int64_val;
    case "bool":
      return proto.bool_val.map((value) => (value ? 1 : 0));
    case "uint32":
      return proto.uint32_val;
    case "uint64":
      return proto.uint64_val;
    case "int32":
    case "int16":
    case "int8":
    case "uint8":
    case "uint16":
      return proto.int_val;
    default:
      throw new Error(`Const tensors of type ${typeName} are not supported; expected a numeric, bool or string tensor.`);
  }
}

/** Decodes `tensor_content`: the raw little-endian bytes of every element. */
function valuesFromContent(content: Uint8Array, typeName: string): Array<number | bigint> {
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const read = <T extends number | bigint>(bytesPerElement: number, get: (offset: number) => T): T[] => {
    const count = Math.floor(content.byteLength / bytesPerElement);
    return Array.from({ length: count }, (_, index) => get(index * bytesPerElement));
  };
  switch (typeName) {
    case "float32":
      return read(4, (offset) => view.getFloat32(offset, true));
    case "float64":
      return read(8, (offset) => view.getFloat64(offset, true));
    case "int32":
      return read(4, (offset) => view.getInt32(offset, true));
    case "uint32":
      return read(4, (offset) => view.getUint32(offset, true));
    // Kept as bigint so the converter's range check sees the exact value.
    case "int64":
      return read(8, (offset) => view.getBigInt64(offset, true));
    case "uint64":
      return read(8, (offset) => view.getBigUint64(offset, true));
    case "int16":
      return read(2, (offset) => view.getInt16(offset, true));
    case "uint16":
      return read(2, (offset) => view.getUint16(offset, true));
    case "int8":
      return read(1, (offset) => view.getInt8(offset));
    case "uint8":
    case "bool":
      return read(1, (offset) => view.getUint8(offset));
    default:
      throw new Error(`Const tensors of type ${typeName} are not supported; expected a numeric, bool or string tensor.`);
  }
}
