import * as tfc from "@tensorflow/tfjs-core";
import { overrideWasmKernel } from "./wasm-kernel-override.js";

/**
 * GatherV2 along the first axis on wasm as one copy per gathered row. `fit` takes every batch out of
 * the training data with `gather(x, batchIndices)`, and tfjs-backend-wasm 4.22's kernel moves element
 * by element: 32 rows of 784 floats cost about as much as the forward product of the MNIST MLP.
 * Other gathers (other axes, batchDims, 1-byte and complex dtypes, an index out of range, which the
 * original reports) go to tfjs's kernel.
 */
type KernelArguments = Parameters<tfc.KernelFunc>[0];

interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tfc.DataType): tfc.TensorInfo;
}

let originalKernel: tfc.KernelConfig | undefined;

function gatherRows(args: KernelArguments): tfc.TensorInfo {
  const { x, indices } = args.inputs as { x: tfc.TensorInfo; indices: tfc.TensorInfo };
  const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
  const backend = args.backend as unknown as WasmBackendLike;
  const fourBytes = x.dtype === "float32" || x.dtype === "int32";
  if (!fourBytes || indices.dtype !== "int32" || batchDims !== 0 || x.shape.length === 0 || tfc.util.parseAxisParam(axis, x.shape)[0] !== 0) {
    return originalKernel!.kernelFunc(args) as tfc.TensorInfo;
  }
  const rows = x.shape[0]!;
  const count = indices.shape.reduce((product, dimension) => product * dimension, 1);
  const rowBytes = 4 * x.shape.slice(1).reduce((product, dimension) => product * dimension, 1);
  // Allocate first: a heap that grows replaces its buffer, so the views are taken after.
  const output = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  const heap = backend.wasm.HEAPU8;
  const chosen = new Int32Array(heap.buffer, backend.dataIdMap.get(indices.dataId)!.memoryOffset, count);
  for (const index of chosen) {
    if (index < 0 || index >= rows) {
      (args.backend as unknown as { disposeData(dataId: object): void }).disposeData(output.dataId);
      return originalKernel!.kernelFunc(args) as tfc.TensorInfo;
    }
  }
  const source = backend.dataIdMap.get(x.dataId)!.memoryOffset;
  let target = backend.dataIdMap.get(output.dataId)!.memoryOffset;
  for (const index of chosen) {
    heap.copyWithin(target, source + index * rowBytes, source + (index + 1) * rowBytes);
    target += rowBytes;
  }
  return output;
}

/** Puts the row-copying GatherV2 in front of tfjs's wasm kernel. Idempotent; false when wasm has no GatherV2. */
export function registerWasmGatherRows(): boolean {
  originalKernel = overrideWasmKernel(tfc.GatherV2, gatherRows);
  return originalKernel !== undefined;
}
