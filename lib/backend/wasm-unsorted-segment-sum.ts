import * as tfc from "@tensorflow/tfjs-core";

/**
 * tfjs-backend-wasm 4.22 has no UnsortedSegmentSum kernel, which the gradient of `gather` uses, so
 * training an Embedding (every Transformer) fails on wasm. This kernel sums rows in JavaScript over
 * the wasm heap's values: out[segmentIds[i], ...] += x[i, ...].
 */
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tfc.DataType): tfc.TensorInfo;
  typedArrayFromHeap(info: tfc.TensorInfo): Float32Array | Int32Array;
}

function unsortedSegmentSum(args: Parameters<tfc.KernelFunc>[0]): tfc.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tfc.TensorInfo; segmentIds: tfc.TensorInfo };
  const { numSegments } = args.attrs as unknown as { numSegments: number };
  const backend = args.backend as unknown as WasmBackendLike;
  const values = backend.readSync(x.dataId);
  const ids = backend.readSync(segmentIds.dataId);
  // Segment ids cover the leading axes of x they match; each id owns one row of the rest.
  const rowSize = ids.length === 0 ? 0 : values.length / ids.length;
  const outputShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const output = backend.makeOutput(outputShape, x.dtype);
  const result = backend.typedArrayFromHeap(output);
  result.fill(0);
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let offset = 0; offset < rowSize; offset++) result[to + offset]! += values[from + offset]!;
  }
  return output;
}

/** Registers the kernel for wasm when it lacks one. Idempotent. */
export function registerWasmUnsortedSegmentSum(): void {
  if (tfc.getKernel(tfc.UnsortedSegmentSum, "wasm")) return;
  tfc.registerKernel({ kernelName: tfc.UnsortedSegmentSum, backendName: "wasm", kernelFunc: unsortedSegmentSum as unknown as tfc.KernelFunc });
}
