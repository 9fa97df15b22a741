import { inspect } from "node:util";
import { jupyterDisplaySymbol, type MimeBundle } from "./sink.js";

/** The structural view of a tfjs tensor we need, so this module does not import TensorFlow.js. */
interface TensorLike {
  shape: number[];
  dtype: string;
  rank: number;
  isDisposed: boolean;
  dataSync(): ArrayLike<unknown>;
  toString(verbose?: boolean): string;
}

function isTensorLike(value: unknown): value is TensorLike {
  return typeof value === "object" && value !== null && "dataSync" in value && "shape" in value && "dtype" in value && "rank" in value;
}

const pngMagic = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const jpegMagic = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, index) => bytes[index] === byte);
}

/** TensorFlow's repr: `<tf.Tensor: shape=(2, 3), dtype=float32, numpy=\narray(...)>`. */
export function tensorText(tensor: TensorLike): string {
  if (tensor.isDisposed) return `<tf.Tensor: disposed, shape=(${tensor.shape.join(", ")}), dtype=${tensor.dtype}>`;
  const shape = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(", ")})`;
  // tfjs prints "Tensor\n    [[1, 2],\n     [3, 4]]": drop the title and its four-space indent.
  // A block of one row comes out as " [[1, 2],]" (an extra space and comma; tfjs's formatter joins its
  // first and last line): written as NumPy does, "[[1, 2]]". A one-line tensor has five spaces of indent.
  const text = tensor.dtype === "string" ? tensor.toString() : tensor.toString().replace(/ ?\[(\[[^[\]\n]*\]),\]/g, "[$1]");
  const lines = text
    .split("\n")
    .slice(1)
    .map((line, index) => line.replace(index === 0 ? /^ {4,5}/ : /^ {4}/, ""));
  const values = tensor.rank === 0 ? lines.join("").trim() : `\n${lines.join("\n")}`;
  return `<tf.Tensor: shape=${shape}, dtype=${tensor.dtype}, numpy=${values}>`;
}

/**
 * Turns any value into a mime bundle, in this order: the `Symbol.for("Jupyter.display")` hook,
 * tensors, PNG/JPEG bytes, then `util.inspect` text (never with ANSI colours).
 */
export async function formatValue(value: unknown): Promise<MimeBundle> {
  if (typeof value === "object" && value !== null && typeof (value as Record<symbol, unknown>)[jupyterDisplaySymbol] === "function") {
    const bundle = await (value as { [jupyterDisplaySymbol](): MimeBundle | Promise<MimeBundle> })[jupyterDisplaySymbol]();
    if (bundle && typeof bundle === "object") return bundle;
  }
  if (isTensorLike(value)) return { "text/plain": tensorText(value) };
  if (value instanceof Uint8Array) {
    if (startsWith(value, pngMagic)) return { "image/png": Buffer.from(value).toString("base64"), "text/plain": `<PNG image, ${value.length} bytes>` };
    if (startsWith(value, jpegMagic)) return { "image/jpeg": Buffer.from(value).toString("base64"), "text/plain": `<JPEG image, ${value.length} bytes>` };
  }
  if (typeof value === "string") return { "text/plain": inspect(value, { colors: false }) };
  return { "text/plain": inspect(value, { colors: false, depth: 4, maxArrayLength: 100, breakLength: 100 }) };
}
