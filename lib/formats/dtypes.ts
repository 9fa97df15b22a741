/**
 * The one table of TensorFlow's `DataType` enum (framework/types.proto): each code with the short
 * name TensorFlow's Python API and `saved_model_cli` use, and the bytes an element takes in a
 * tensor bundle, `.npy` file or TF.js weight shard. Every format module derives its view from it:
 * `checkpoint/dtypes.ts` (bundle element layouts), `savedmodel/dtypes.ts` (names, enum spellings,
 * the tfjs dtype a value is computed in).
 *
 * @example
 * ```ts
 * dataTypeByCode(9);          // { code: 9, name: "int64", byteSize: 8 }
 * dataTypeByCode(101)?.name;  // "float32" (DT_FLOAT_REF: a reference type is its base type + 100)
 * dataTypeByName("bool");     // { code: 10, name: "bool", byteSize: 1 }
 * ```
 */

export interface DataTypeInfo {
  /** The enum number stored in protos (`BundleEntryProto.dtype`, `AttrValue.type`, ...). */
  code: number;
  /** Lower-case short name: `float32`, `int64`, `resource`, ... */
  name: string;
  /** Bytes per element; 0 for strings (variable length); absent for types whose values we never hold (quantized, resource, variant). */
  byteSize?: number;
}

export const dataTypes: readonly DataTypeInfo[] = [
  { code: 0, name: "invalid" },
  { code: 1, name: "float32", byteSize: 4 },
  { code: 2, name: "float64", byteSize: 8 },
  { code: 3, name: "int32", byteSize: 4 },
  { code: 4, name: "uint8", byteSize: 1 },
  { code: 5, name: "int16", byteSize: 2 },
  { code: 6, name: "int8", byteSize: 1 },
  { code: 7, name: "string", byteSize: 0 },
  { code: 8, name: "complex64", byteSize: 8 },
  { code: 9, name: "int64", byteSize: 8 },
  { code: 10, name: "bool", byteSize: 1 },
  { code: 11, name: "qint8" },
  { code: 12, name: "quint8" },
  { code: 13, name: "qint32" },
  { code: 14, name: "bfloat16", byteSize: 2 },
  { code: 15, name: "qint16" },
  { code: 16, name: "quint16" },
  { code: 17, name: "uint16", byteSize: 2 },
  { code: 18, name: "complex128", byteSize: 16 },
  { code: 19, name: "float16", byteSize: 2 },
  { code: 20, name: "resource" },
  { code: 21, name: "variant" },
  { code: 22, name: "uint32", byteSize: 4 },
  { code: 23, name: "uint64", byteSize: 8 },
];

/** Reference types (`DT_FLOAT_REF` = 101, ...) are the base type plus 100 and hold the same bytes. */
export const referenceTypeOffset = 100;

const byCode = new Map(dataTypes.map((info) => [info.code, info]));
const byName = new Map(dataTypes.map((info) => [info.name, info]));

/** The table entry of an enum code (a reference type gives its base type); undefined for codes TensorFlow 2.21 does not define. */
export function dataTypeByCode(code: number): DataTypeInfo | undefined {
  return byCode.get(code > referenceTypeOffset ? code - referenceTypeOffset : code);
}

/** The table entry of a short name (`float32`, `int64`, ...); undefined for names that are not DataTypes. */
export function dataTypeByName(name: string): DataTypeInfo | undefined {
  return byName.get(name);
}

/** IEEE 754 binary16 bits → number (float16 tensors are stored and read as raw bits). */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits (the top half of a float32) → number. */
export function bfloat16BitsToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16, false);
  return view.getFloat32(0, false);
}
