/**
 * TensorFlow's `DataType` enum (framework/types.proto): numeric codes, the short names
 * `saved_model_cli` prints, and the tfjs dtype a value of that type is computed in.
 *
 * @example
 * ```ts
 * dataTypeName(1);    // "float32"
 * dataTypeName(20);   // "resource"
 * tfjsDtypeFor(9);    // "int32" (tfjs has no int64; values are narrowed)
 * ```
 */
import type { DataType as TfjsDtype } from "@tensorflow/tfjs-core";
import { dataTypes } from "../dtypes.js";

/** Names by code, from the one DataType table. */
const namesByCode: Record<number, string> = Object.fromEntries(dataTypes.map(({ code, name }) => [code, name]));

/** Enum spellings where they differ from `DT_<NAME UPPER-CASED>` (as `saved_model_cli` prints them). */
const enumNameOverrides: Record<string, string> = {
  float32: "DT_FLOAT",
  float64: "DT_DOUBLE",
  float16: "DT_HALF",
};

/** The enum spelling of a short dtype name: `float32` → `DT_FLOAT`, `int64` → `DT_INT64`. */
export function dataTypeEnumName(name: string): string {
  return enumNameOverrides[name] ?? `DT_${name.toUpperCase()}`;
}

/** Reference types (`DT_FLOAT_REF` = 101, ...) are the base type plus 100. */
const referenceOffset = 100;

/** The short lower-case name of a DataType code, e.g. `float32`; unknown codes print as `dtype(<code>)`. */
export function dataTypeName(code: number | undefined): string {
  const base = code === undefined ? 0 : code > referenceOffset ? code - referenceOffset : code;
  return namesByCode[base] ?? `dtype(${code})`;
}

/**
 * The DataType code of a short dtype name (`float32` → 1, `int32` → 3, `resource` → 20), for
 * graphs, signatures and variables we write. Names without a code are refused with the name.
 */
export function dataTypeCode(name: string): number {
  const entry = Object.entries(namesByCode).find(([code, known]) => known === name && code !== "0");
  if (entry === undefined) throw new Error(`dtype ${name} has no TensorFlow DataType; use float32, int32, bool or string.`);
  return Number(entry[0]);
}

/** DataType code for the TensorFlow resource handle type (variables are passed as resources). */
export const resourceDataType = 20;

/**
 * The tfjs dtype a TensorFlow type is computed in. tfjs only has float32, int32, bool,
 * string and complex64, so wider or narrower types are widened/narrowed on read.
 */
export function tfjsDtypeFor(code: number | undefined): TfjsDtype {
  switch (dataTypeName(code)) {
    case "float32":
    case "float64":
    case "float16":
    case "bfloat16":
      return "float32";
    case "int32":
    case "int64":
    case "uint8":
    case "int16":
    case "int8":
    case "uint16":
    case "uint32":
    case "uint64":
      return "int32";
    case "bool":
      return "bool";
    case "string":
      return "string";
    case "complex64":
      return "complex64";
    default:
      throw new Error(
        `TensorFlow type ${dataTypeName(code)} has no tfjs equivalent. ` + `Only numeric, bool and string tensors can be computed in TypeScript.`,
      );
  }
}
