/**
 * TensorFlow `DataType` enum values (framework/types.proto) with the names and element sizes a
 * tensor bundle needs. Names are TF's Python names ("float32", "int64", "string", ...).
 */

export type CheckpointDtype =
  | "float16" | "bfloat16" | "float32" | "float64"
  | "int8" | "int16" | "int32" | "int64"
  | "uint8" | "uint16" | "uint32" | "uint64"
  | "bool" | "complex64" | "complex128" | "string";

interface DtypeInfo {
  name: CheckpointDtype;
  enumValue: number;
  /** Bytes per element; 0 for strings, whose layout is variable. */
  byteSize: number;
}

const DTYPES: readonly DtypeInfo[] = [
  { name: "float32", enumValue: 1, byteSize: 4 },
  { name: "float64", enumValue: 2, byteSize: 8 },
  { name: "int32", enumValue: 3, byteSize: 4 },
  { name: "uint8", enumValue: 4, byteSize: 1 },
  { name: "int16", enumValue: 5, byteSize: 2 },
  { name: "int8", enumValue: 6, byteSize: 1 },
  { name: "string", enumValue: 7, byteSize: 0 },
  { name: "complex64", enumValue: 8, byteSize: 8 },
  { name: "int64", enumValue: 9, byteSize: 8 },
  { name: "bool", enumValue: 10, byteSize: 1 },
  { name: "bfloat16", enumValue: 14, byteSize: 2 },
  { name: "uint16", enumValue: 17, byteSize: 2 },
  { name: "complex128", enumValue: 18, byteSize: 16 },
  { name: "float16", enumValue: 19, byteSize: 2 },
  { name: "uint32", enumValue: 22, byteSize: 4 },
  { name: "uint64", enumValue: 23, byteSize: 8 },
];

const byEnum = new Map(DTYPES.map((info) => [info.enumValue, info]));
const byName = new Map(DTYPES.map((info) => [info.name, info]));

/** The dtype info for an enum value, or undefined when the bundle holds a type we do not read (resource, variant, quantized). */
export function dtypeFromEnum(value: number): DtypeInfo | undefined {
  // Reference types (+100) store the same bytes as their base type.
  return byEnum.get(value >= 100 ? value - 100 : value);
}

/** The dtype info for a TF dtype name; throws a clear error for unknown names. */
export function dtypeFromName(name: string): DtypeInfo {
  const info = byName.get(name as CheckpointDtype);
  if (!info) throw new Error(`Unknown checkpoint dtype "${name}"; expected one of ${DTYPES.map((d) => d.name).join(", ")}.`);
  return info;
}

export type NumericData =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

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
    case "float32": case "complex64": return new Float32Array(buffer);
    case "float64": case "complex128": return new Float64Array(buffer);
    case "int8": return new Int8Array(buffer);
    case "int16": return new Int16Array(buffer);
    case "int32": return new Int32Array(buffer);
    case "int64": return new BigInt64Array(buffer);
    case "uint8": case "bool": return copy;
    case "uint16": case "float16": case "bfloat16": return new Uint16Array(buffer);
    case "uint32": return new Uint32Array(buffer);
    case "uint64": return new BigUint64Array(buffer);
    case "string": throw new Error("typedArrayFromBytes: strings have no fixed-size element layout.");
  }
}

/** Converts IEEE half-precision bits to a float (for float16 tensors read as raw bits). */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Converts bfloat16 bits (the top half of a float32) to a float. */
export function bfloat16BitsToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16, false);
  return view.getFloat32(0, false);
}
