/**
 * The element layouts a tensor bundle holds, as a view of the one DataType table (../dtypes.ts).
 * Names are TF's Python names ("float32", "int64", "string", ...).
 */
import { dataTypeByCode, dataTypeByName, dataTypes } from "../dtypes.js";

export { bfloat16BitsToNumber, float16BitsToNumber } from "../dtypes.js";

export type CheckpointDtype =
  | "float16"
  | "bfloat16"
  | "float32"
  | "float64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "bool"
  | "complex64"
  | "complex128"
  | "string";

interface DtypeInfo {
  name: CheckpointDtype;
  enumValue: number;
  /** Bytes per element; 0 for strings, whose layout is variable. */
  byteSize: number;
}

/** The table's types that have an element layout (quantized, resource and variant tensors are not read). */
function bundleDtype(info: { code: number; name: string; byteSize?: number } | undefined): DtypeInfo | undefined {
  return info?.byteSize === undefined ? undefined : { name: info.name as CheckpointDtype, enumValue: info.code, byteSize: info.byteSize };
}

/** The dtype info for an enum value, or undefined when the bundle holds a type we do not read (resource, variant, quantized). */
export function dtypeFromEnum(value: number): DtypeInfo | undefined {
  // Reference types (+100) store the same bytes as their base type.
  return bundleDtype(dataTypeByCode(value));
}

/** The dtype info for a TF dtype name; throws a clear error for unknown names. */
export function dtypeFromName(name: string): DtypeInfo {
  const info = bundleDtype(dataTypeByName(name));
  if (!info) {
    const known = dataTypes.filter((type) => type.byteSize !== undefined).map((type) => type.name);
    throw new Error(`Unknown checkpoint dtype "${name}"; expected one of ${known.join(", ")}.`);
  }
  return info;
}

export type NumericData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/**
 * Typed-array view over little-endian element bytes. A Uint8Array that owns its whole buffer (as
 * the bundle reader's are) is viewed without copying; anything else is copied so it is aligned.
 * float16 and bfloat16 come back as their raw bits in a Uint16Array; complex types interleave real
 * and imaginary parts.
 */
export function typedArrayFromBytes(dtype: CheckpointDtype, bytes: Uint8Array): NumericData {
  const ownsBuffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const copy = ownsBuffer ? bytes : Uint8Array.from(bytes);
  const buffer = copy.buffer as ArrayBuffer;
  switch (dtype) {
    case "float32":
    case "complex64":
      return new Float32Array(buffer);
    case "float64":
    case "complex128":
      return new Float64Array(buffer);
    case "int8":
      return new Int8Array(buffer);
    case "int16":
      return new Int16Array(buffer);
    case "int32":
      return new Int32Array(buffer);
    case "int64":
      return new BigInt64Array(buffer);
    case "uint8":
    case "bool":
      return copy;
    case "uint16":
    case "float16":
    case "bfloat16":
      return new Uint16Array(buffer);
    case "uint32":
      return new Uint32Array(buffer);
    case "uint64":
      return new BigUint64Array(buffer);
    case "string":
      throw new Error("typedArrayFromBytes: strings have no fixed-size element layout.");
  }
}
