import * as tfc from "@tensorflow/tfjs-core";

/**
 * MaxPoolGrad for wasm, straight on the wasm heap. tfjs-backend-wasm 4.22's own kernel disagrees with
 * TensorFlow (the layer catalog found it), and tfjs's CPU kernel, which wasm-cpu-fallback.ts ran in its
 * place, reads every element through TensorBuffer.get: 70% of a small CNN's training step. This one
 * routes each output gradient to the first maximum of its window in row-major order, as TensorFlow
 * and tfjs's CPU kernel do, in one pass over the windows.
 */
type KernelArguments = Parameters<tfc.KernelFunc>[0];

interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tfc.DataType): tfc.TensorInfo;
}

interface MaxPoolGradAttributes {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tfc.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function heapView(backend: WasmBackendLike, info: tfc.TensorInfo): Float32Array {
  const size = info.shape.reduce((product, dimension) => product * dimension, 1);
  return new Float32Array(backend.wasm.HEAPU8.buffer, backend.dataIdMap.get(info.dataId)!.memoryOffset, size);
}

function maxPoolGrad(args: KernelArguments): tfc.TensorInfo {
  const { dy, input } = args.inputs as { dy: tfc.TensorInfo; input: tfc.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttributes;
  const info = tfc.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const backend = args.backend as unknown as WasmBackendLike;
  // Allocate first: a heap that grows replaces its buffer, so the views are taken after.
  const output = backend.makeOutput([...input.shape], "float32");
  const dx = heapView(backend, output);
  const x = heapView(backend, input);
  const gradient = heapView(backend, dy);
  dx.fill(0);
  // Per window, the positions in row-major order and the channels innermost (contiguous in memory);
  // a strict > keeps the first maximum.
  const best = new Float32Array(inChannels);
  const bestIndex = new Int32Array(inChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const yStart = Math.max(0, oy * strideHeight - top);
      const yEnd = Math.min(inHeight, oy * strideHeight - top + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const xStart = Math.max(0, ox * strideWidth - left);
        const xEnd = Math.min(inWidth, ox * strideWidth - left + filterWidth);
        if (yStart >= yEnd || xStart >= xEnd) continue;
        best.fill(Number.NEGATIVE_INFINITY);
        bestIndex.fill(-1);
        for (let iy = yStart; iy < yEnd; iy++) {
          for (let ix = xStart; ix < xEnd; ix++) {
            const base = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            for (let c = 0; c < inChannels; c++) {
              const value = x[base + c]!;
              if (value > best[c]!) {
                best[c] = value;
                bestIndex[c] = base + c;
              }
            }
          }
        }
        const dyOffset = ((b * outHeight + oy) * outWidth + ox) * inChannels;
        for (let c = 0; c < inChannels; c++) {
          const index = bestIndex[c]!;
          if (index >= 0) dx[index] = dx[index]! + gradient[dyOffset + c]!;
        }
      }
    }
  }
  return output;
}

/** Registers the kernel for wasm, replacing tfjs's. Idempotent. */
export function registerWasmMaxPoolGrad(): void {
  const existing = tfc.getKernel(tfc.MaxPoolGrad, "wasm");
  if (existing?.kernelFunc === (maxPoolGrad as unknown as tfc.KernelFunc)) return;
  if (existing) tfc.unregisterKernel(tfc.MaxPoolGrad, "wasm");
  tfc.registerKernel({ kernelName: tfc.MaxPoolGrad, backendName: "wasm", kernelFunc: maxPoolGrad as unknown as tfc.KernelFunc });
}
