import * as tfc from "@tensorflow/tfjs-core";
import { overrideWasmKernel } from "./wasm-kernel-override.js";

/**
 * Sum over leading axes on wasm (a bias gradient: dy [batch, height, width, channels] summed to
 * [channels]) as one pass down the rows. tfjs-backend-wasm 4.22 first transposes the reduced axes to the
 * end, a full strided copy of dy, which cost a small CNN's step more than its convolution. Sums are
 * accumulated in double precision and rounded once. Other reductions go to tfjs's kernel.
 */
type KernelArguments = Parameters<tfc.KernelFunc>[0];

interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tfc.DataType): tfc.TensorInfo;
}

let originalKernel: tfc.KernelConfig | undefined;

function sumLeadingAxes(args: KernelArguments): tfc.TensorInfo {
  const { x } = args.inputs as { x: tfc.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  const axes = x.dtype === "float32" && rank > 1 ? tfc.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b) : [];
  // Only axes 0…k-1 with k < rank: all axes, or trailing ones, need no transpose in tfjs's kernel either.
  const leading = axes.length > 0 && axes.length < rank && axes.every((value, index) => value === index);
  if (!leading) return originalKernel!.kernelFunc(args) as tfc.TensorInfo;
  const rows = x.shape.slice(0, axes.length).reduce((product, dimension) => product * dimension, 1);
  const columns = x.shape.slice(axes.length).reduce((product, dimension) => product * dimension, 1);
  const backend = args.backend as unknown as WasmBackendLike;
  const shape = keepDims ? x.shape.map((dimension, index) => (index < axes.length ? 1 : dimension)) : x.shape.slice(axes.length);
  // Allocate first: a heap that grows replaces its buffer, so the views are taken after.
  const output = backend.makeOutput(shape, "float32");
  const buffer = backend.wasm.HEAPU8.buffer;
  const values = new Float32Array(buffer, backend.dataIdMap.get(x.dataId)!.memoryOffset, rows * columns);
  const sums = new Float64Array(columns);
  for (let row = 0, offset = 0; row < rows; row++, offset += columns) {
    for (let column = 0; column < columns; column++) sums[column]! += values[offset + column]!;
  }
  new Float32Array(buffer, backend.dataIdMap.get(output.dataId)!.memoryOffset, columns).set(sums);
  return output;
}

/** Puts the leading-axes Sum in front of tfjs's wasm kernel. Idempotent; false when wasm has no Sum. */
export function registerWasmSumLeadingAxes(): boolean {
  originalKernel = overrideWasmKernel(tfc.Sum, sumLeadingAxes);
  return originalKernel !== undefined;
}
