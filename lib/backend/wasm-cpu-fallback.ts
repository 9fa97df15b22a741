import * as tfc from "@tensorflow/tfjs-core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

/**
 * tfjs-backend-wasm 4.22 lacks kernels that training needs: the gradients of depthwise convolutions
 * and of `gather` (UnsortedSegmentSum, used by every Embedding). For those, the wasm backend runs
 * tfjs's CPU kernel on a copy of the inputs and takes the result back; everything else stays on wasm.
 * (Conv2DBackpropFilter and MaxPoolGrad have wasm kernels of their own: wasm-conv2d-backprop-filter.ts,
 * wasm-max-pool-grad.ts.)
 */
const missingOnWasm = ["UnsortedSegmentSum", "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter"];

/** wasm kernels whose results differ from TensorFlow's (found by the layer catalog test): replaced by the CPU ones. */
const wrongOnWasm = ["Conv3DBackpropInputV2"];

interface WasmBackendLike {
  readSync(dataId: object): tfc.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tfc.DataType, memoryOffset?: number, values?: tfc.backend_util.BackendValues): tfc.TensorInfo;
}

let cpu: MathBackendCPU | undefined;

function onCpu(kernel: tfc.KernelConfig): tfc.KernelFunc {
  const kernelFunc = (({ inputs, attrs, backend }: Parameters<tfc.KernelFunc>[0]) => {
    const wasm = backend as unknown as WasmBackendLike;
    if (!cpu) {
      cpu = new MathBackendCPU();
      // Its "install tfjs-node" banner on first use is not for notebook cells.
      (cpu as unknown as { firstUse: boolean }).firstUse = false;
    }
    const backendCpu = cpu;
    const copies: Record<string, tfc.TensorInfo> = {};
    for (const [name, info] of Object.entries(inputs as Record<string, tfc.TensorInfo>)) {
      copies[name] = { dataId: backendCpu.write(wasm.readSync(info.dataId), info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
    }
    try {
      const result = kernel.kernelFunc({ inputs: copies, attrs, backend: backendCpu });
      const outputs = Array.isArray(result) ? result : [result];
      const back = outputs.map((output) => {
        const moved = wasm.makeOutput(output.shape, output.dtype, undefined, backendCpu.readSync(output.dataId));
        backendCpu.disposeData(output.dataId);
        return moved;
      });
      return Array.isArray(result) ? back : back[0]!;
    } finally {
      for (const copy of Object.values(copies)) backendCpu.disposeData(copy.dataId);
    }
  }) as unknown as tfc.KernelFunc;
  Object.defineProperty(kernelFunc, "onCpu", { value: true });
  return kernelFunc;
}

/** Registers CPU-backed kernels for wasm where wasm has none. Idempotent. */
export function registerWasmCpuFallbacks(): void {
  for (const kernelName of wrongOnWasm) {
    const kernel = tfc.getKernel(kernelName, "cpu");
    if (!kernel || (tfc.getKernel(kernelName, "wasm")?.kernelFunc as { onCpu?: boolean } | undefined)?.onCpu) continue;
    if (tfc.getKernel(kernelName, "wasm")) tfc.unregisterKernel(kernelName, "wasm");
    tfc.registerKernel({ kernelName, backendName: "wasm", kernelFunc: onCpu(kernel) });
  }
  for (const kernelName of missingOnWasm) {
    if (tfc.getKernel(kernelName, "wasm")) continue;
    const kernel = tfc.getKernel(kernelName, "cpu");
    if (kernel) tfc.registerKernel({ kernelName, backendName: "wasm", kernelFunc: onCpu(kernel) });
  }
}
