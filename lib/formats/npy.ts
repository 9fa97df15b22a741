/**
 * NumPy `.npy` files: reading (format versions 1, 2 and 3, either byte order, C or Fortran order)
 * and writing (version 1, or 2 when the header needs it, little-endian, C order). Object arrays
 * are refused because they are pickles, which can run code when loaded.
 */
import { float16BitsToNumber } from "./dtypes.js";

/** Element types tskeras reads from and writes to .npy. */
export type NpyDtype = "bool" | "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "int64" | "uint64" | "float16" | "float32" | "float64";

/** Values of an array, C order. float16 is widened to Float32Array; 64-bit ints use BigInt arrays. */
export type NpyValues =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** An n-dimensional array as stored in a .npy file. */
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  values: NpyValues;
}

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const codeToDtype: Record<string, NpyDtype> = {
  b1: "bool",
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  u2: "uint16",
  i4: "int32",
  u4: "uint32",
  i8: "int64",
  u8: "uint64",
  f2: "float16",
  f4: "float32",
  f8: "float64",
};
const dtypeToCode = Object.fromEntries(Object.entries(codeToDtype).map(([code, dtype]) => [dtype, code])) as Record<NpyDtype, string>;

/**
 * Parses a .npy file.
 *
 * @example
 * const { dtype, shape, values } = readNpy(readFileSync("x.npy")); // "float32", [2, 3], Float32Array(6)
 */
export function readNpy(bytes: Uint8Array, source = "the .npy data"): NpyArray {
  if (bytes.length < 10 || magic.some((byte, index) => bytes[index] !== byte)) {
    throw new Error(`${source} is not a .npy file: it does not start with the \\x93NUMPY magic.`);
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new Error(`${source} uses .npy format version ${major}.${bytes[7]}; tskeras reads versions 1.0, 2.0 and 3.0.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthSize) throw new Error(`${source} is truncated inside its header.`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthSize + headerLength;
  if (dataOffset > bytes.length) throw new Error(`${source} is truncated: its header claims ${headerLength} bytes but the file ends first.`);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(8 + lengthSize, dataOffset));
  const { descr, fortranOrder, shape } = parseHeader(header, source);
  const match = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const dtype = match ? codeToDtype[`${match[2]}${match[3]}`] : undefined;
  if (!match || !dtype) {
    if (descr.includes("O"))
      throw new Error(
        `${source} holds a Python object array (dtype ${descr}), which is stored as a pickle and could run code when loaded. Refused; save numeric arrays instead.`,
      );
    throw new Error(`${source} has dtype ${JSON.stringify(descr)}, which tskeras does not read. Supported: bool, int8-64, uint8-64, float16/32/64.`);
  }
  const littleEndian = match[1] !== ">";
  const count = shape.reduce((product, size) => product * size, 1);
  const itemSize = Number(match[3]);
  if (dataOffset + count * itemSize > bytes.length)
    throw new Error(`${source} is truncated: shape [${shape.join(", ")}] needs ${count * itemSize} data bytes but only ${bytes.length - dataOffset} remain.`);
  let values = decodeValues(view, dataOffset, count, dtype, littleEndian);
  if (fortranOrder && shape.length > 1) values = fortranToC(values, shape);
  return { dtype, shape, values };
}

/**
 * Encodes an array as a .npy file (little-endian, C order).
 *
 * @example
 * writeFileSync("x.npy", writeNpy({ dtype: "float32", shape: [2], values: new Float32Array([1, 2]) }));
 */
export function writeNpy(array: { dtype: NpyDtype; shape: number[]; values: ArrayLike<number> | ArrayLike<bigint> }): Uint8Array {
  const count = array.shape.reduce((product, size) => product * size, 1);
  if (array.values.length !== count)
    throw new Error(`writeNpy: shape [${array.shape.join(", ")}] holds ${count} values but ${array.values.length} were given.`);
  const shapeText = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  const dictionary = `{'descr': '${array.dtype === "bool" ? "|" : array.dtype.endsWith("8") && !array.dtype.endsWith("64") ? "|" : "<"}${dtypeToCode[array.dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // The data must start on a 64-byte boundary; the header is padded with spaces and ends in "\n".
  const version = dictionary.length + 1 + 10 > 65535 ? 2 : 1;
  const prefixLength = version === 1 ? 10 : 12;
  const padded = dictionary.padEnd(Math.ceil((prefixLength + dictionary.length + 1) / 64) * 64 - prefixLength - 1, " ") + "\n";
  const itemSize = Number(dtypeToCode[array.dtype].slice(1));
  const output = new Uint8Array(prefixLength + padded.length + count * itemSize);
  output.set(magic, 0);
  output[6] = version;
  output[7] = 0;
  const view = new DataView(output.buffer);
  if (version === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  for (let index = 0; index < padded.length; index++) output[prefixLength + index] = padded.charCodeAt(index);
  encodeValues(view, prefixLength + padded.length, array.dtype, array.values);
  return output;
}

function parseHeader(header: string, source: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) {
    if (/'descr'\s*:\s*\[/.test(header))
      throw new Error(`${source} holds a structured (record) array, which tskeras does not read. Save each field as its own array.`);
    throw new Error(`${source} has a malformed .npy header ${JSON.stringify(header.slice(0, 120))}; expected descr, fortran_order and shape.`);
  }
  const sizes = shape[1]!
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (sizes.some((size) => !/^\d+$/.test(size))) throw new Error(`${source} has an invalid shape (${shape[1]}) in its header.`);
  return { descr: descr[1]!, fortranOrder: fortran[1] === "True", shape: sizes.map(Number) };
}

function decodeValues(view: DataView, offset: number, count: number, dtype: NpyDtype, little: boolean): NpyValues {
  const read = <T extends NpyValues>(values: T, size: number, get: (position: number) => number | bigint): T => {
    for (let index = 0; index < count; index++) (values as unknown as (number | bigint)[])[index] = get(offset + index * size);
    return values;
  };
  switch (dtype) {
    case "bool":
      return read(new Uint8Array(count), 1, (position) => (view.getUint8(position) ? 1 : 0));
    case "int8":
      return read(new Int8Array(count), 1, (position) => view.getInt8(position));
    case "uint8":
      return read(new Uint8Array(count), 1, (position) => view.getUint8(position));
    case "int16":
      return read(new Int16Array(count), 2, (position) => view.getInt16(position, little));
    case "uint16":
      return read(new Uint16Array(count), 2, (position) => view.getUint16(position, little));
    case "int32":
      return read(new Int32Array(count), 4, (position) => view.getInt32(position, little));
    case "uint32":
      return read(new Uint32Array(count), 4, (position) => view.getUint32(position, little));
    case "int64":
      return read(new BigInt64Array(count), 8, (position) => view.getBigInt64(position, little));
    case "uint64":
      return read(new BigUint64Array(count), 8, (position) => view.getBigUint64(position, little));
    case "float16":
      return read(new Float32Array(count), 2, (position) => float16BitsToNumber(view.getUint16(position, little)));
    case "float32":
      return read(new Float32Array(count), 4, (position) => view.getFloat32(position, little));
    case "float64":
      return read(new Float64Array(count), 8, (position) => view.getFloat64(position, little));
  }
}

function encodeValues(view: DataView, offset: number, dtype: NpyDtype, values: ArrayLike<number> | ArrayLike<bigint>): void {
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    const number = Number(value);
    switch (dtype) {
      case "bool":
        view.setUint8(offset + index, number ? 1 : 0);
        break;
      case "int8":
        view.setInt8(offset + index, number);
        break;
      case "uint8":
        view.setUint8(offset + index, number);
        break;
      case "int16":
        view.setInt16(offset + index * 2, number, true);
        break;
      case "uint16":
        view.setUint16(offset + index * 2, number, true);
        break;
      case "int32":
        view.setInt32(offset + index * 4, number, true);
        break;
      case "uint32":
        view.setUint32(offset + index * 4, number, true);
        break;
      case "int64":
        view.setBigInt64(offset + index * 8, BigInt(value), true);
        break;
      case "uint64":
        view.setBigUint64(offset + index * 8, BigInt(value), true);
        break;
      case "float16":
        view.setUint16(offset + index * 2, numberToHalf(number), true);
        break;
      case "float32":
        view.setFloat32(offset + index * 4, number, true);
        break;
      case "float64":
        view.setFloat64(offset + index * 8, number, true);
        break;
    }
  }
}

/** Reorders column-major values into row-major order. */
function fortranToC<T extends NpyValues>(values: T, shape: number[]): T {
  const result = new (values.constructor as new (length: number) => T)(values.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let cPosition = 0; cPosition < values.length; cPosition++) {
    let fPosition = 0;
    for (let axis = rank - 1; axis >= 0; axis--) fPosition = fPosition * shape[axis]! + index[axis]!;
    (result as unknown as (number | bigint)[])[cPosition] = (values as unknown as (number | bigint)[])[fPosition]!;
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return result;
}

/** number → IEEE 754 binary16, rounding to nearest even. */
function numberToHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= 65520) return sign | 0x7c00;
  if (magnitude < 2 ** -24 / 2) return sign;
  if (magnitude < 2 ** -14) return sign | roundHalfEven(magnitude / 2 ** -24);
  let exponent = Math.floor(Math.log2(magnitude));
  if (2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  let fraction = roundHalfEven((magnitude / 2 ** exponent - 1) * 1024);
  if (fraction === 1024) {
    fraction = 0;
    exponent++;
  }
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | fraction;
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const difference = value - floor;
  if (difference > 0.5) return floor + 1;
  if (difference < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
