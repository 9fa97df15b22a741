import * as tfc from "@tensorflow/tfjs-core";

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so training any Conv2D layer on wasm
 * failed ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"). This one lays the input
 * patches out as a [positions, filterHeight·filterWidth·inChannels] matrix (im2col, one contiguous row
 * per output position, zeros where the window hangs over the padding) and lets the wasm BatchMatMul
 * multiply its transpose with dy as [positions, outChannels]: dW is that product, in the filter's
 * [h, w, in, out] order.
 */
type KernelArguments = Parameters<tfc.KernelFunc>[0];

interface WasmBackendLike {
  readSync(dataId: object): tfc.backend_util.BackendValues;
  write(values: Float32Array, shape: number[], dtype: tfc.DataType): object;
  disposeData(dataId: object): boolean;
}

interface BackpropFilterAttributes {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tfc.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

function conv2DBackpropFilter(args: KernelArguments): tfc.TensorInfo {
  const { x, dy } = args.inputs as { x: tfc.TensorInfo; dy: tfc.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as BackpropFilterAttributes;
  if (dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter on wasm supports channels-last (NHWC) data only; use dataFormat 'channelsLast'.");
  const info = tfc.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    "channelsLast",
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const backend = args.backend as unknown as WasmBackendLike;
  const input = backend.readSync(x.dataId) as Float32Array;
  const positions = batchSize * outHeight * outWidth;
  // patches[position][(fy·filterWidth + fx)·inChannels + c] = x[b, oy·sh − top + fy, ox·sw − left + fx, c]
  const patchSize = filterHeight * filterWidth * inChannels;
  const patches = new Float32Array(patchSize * positions);
  for (let b = 0, position = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, position++) {
        for (let fy = 0; fy < filterHeight; fy++) {
          const iy = oy * strideHeight - top + fy;
          if (iy < 0 || iy >= inHeight) continue;
          for (let fx = 0; fx < filterWidth; fx++) {
            const ix = ox * strideWidth - left + fx;
            if (ix < 0 || ix >= inWidth) continue;
            const source = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            const target = position * patchSize + (fy * filterWidth + fx) * inChannels;
            for (let c = 0; c < inChannels; c++) patches[target + c] = input[source + c]!;
          }
        }
      }
    }
  }
  const batchMatMul = tfc.getKernel(tfc.BatchMatMul, "wasm");
  if (!batchMatMul) throw new Error("The wasm backend has no BatchMatMul kernel; cannot compute Conv2DBackpropFilter.");
  const patchesInfo: tfc.TensorInfo = {
    dataId: backend.write(patches, [1, positions, patchSize], "float32"),
    shape: [1, positions, patchSize],
    dtype: "float32",
  };
  try {
    // dy's [batch, outHeight, outWidth, outChannels] buffer read as [1, positions, outChannels] (same bytes).
    const dyMatrix: tfc.TensorInfo = { dataId: dy.dataId, shape: [1, positions, outChannels], dtype: dy.dtype };
    const product = batchMatMul.kernelFunc({
      inputs: { a: patchesInfo, b: dyMatrix },
      attrs: { transposeA: true, transposeB: false },
      backend: args.backend,
    }) as tfc.TensorInfo;
    return { dataId: product.dataId, shape: [...filterShape], dtype: "float32" };
  } finally {
    backend.disposeData(patchesInfo.dataId);
  }
}

/** Registers the kernel for wasm unless tfjs already has one (a later tfjs may). Idempotent. */
export function registerWasmConv2DBackpropFilter(): void {
  if (tfc.getKernel(tfc.Conv2DBackpropFilter, "wasm")) return;
  tfc.registerKernel({ kernelName: tfc.Conv2DBackpropFilter, backendName: "wasm", kernelFunc: conv2DBackpropFilter as unknown as tfc.KernelFunc });
}
