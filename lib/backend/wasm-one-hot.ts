import type * as tfc from "@tensorflow/tfjs-core";
import { overrideWasmKernel } from "./wasm-kernel-override.js";

/**
 * OneHot on wasm for a float32 result. tfjs-backend-wasm 4.22's kernel writes int32 values whatever
 * the dtype asked for, so `tf.oneHot(indices, 3, 1, 0, "float32")` read back 1e-45 for its ones (the
 * int 1's bits). tfjs's kernel still makes the int32 pattern; this writes on/off in float32 from it.
 */
type KernelArguments = Parameters<tfc.KernelFunc>[0];

interface WasmBackendLike {
  readSync(dataId: object): Int32Array;
  makeOutput(shape: number[], dtype: tfc.DataType, memoryOffset?: number, values?: Float32Array): tfc.TensorInfo;
  disposeData(dataId: object): void;
}

let originalKernel: tfc.KernelConfig | undefined;

function floatOneHot(args: KernelArguments): tfc.TensorInfo {
  const attributes = args.attrs as unknown as { depth: number; onValue: number; offValue: number; dtype: tfc.DataType };
  if (attributes.dtype !== "float32") return originalKernel!.kernelFunc(args) as tfc.TensorInfo;
  const backend = args.backend as unknown as WasmBackendLike;
  const pattern = originalKernel!.kernelFunc({ ...args, attrs: { ...args.attrs, onValue: 1, offValue: 0, dtype: "int32" } }) as tfc.TensorInfo;
  const hot = backend.readSync(pattern.dataId);
  const values = new Float32Array(hot.length);
  for (let index = 0; index < hot.length; index++) values[index] = hot[index] === 1 ? attributes.onValue : attributes.offValue;
  backend.disposeData(pattern.dataId);
  return backend.makeOutput(pattern.shape, "float32", undefined, values);
}

/** Puts the float-correct OneHot in front of tfjs's wasm kernel. Idempotent; false when wasm has no OneHot. */
export function registerWasmOneHot(): boolean {
  originalKernel = overrideWasmKernel("OneHot", floatOneHot);
  return originalKernel !== undefined;
}
