import * as tfc from "@tensorflow/tfjs-core";
import { overrideWasmKernel } from "./wasm-kernel-override.js";

/**
 * Identity on wasm as a second reference to the same storage, as tfjs's cpu backend and wasm's own
 * Reshape do, instead of a copy. tfjs clones (Identity) every tensor it saves for the backward pass,
 * a Dense kernel included, so the copying kernel moved megabytes per training step. No wasm kernel
 * writes into its inputs; the one in-place writer, the fused optimizer update, gives a variable
 * storage of its own first when others share it (fused-optimizers.ts, `ownStorage`).
 */
type KernelArguments = Parameters<tfc.KernelFunc>[0];

let originalKernel: tfc.KernelConfig | undefined;

function sharedIdentity(args: KernelArguments): tfc.TensorInfo {
  const { x } = args.inputs as { x: tfc.TensorInfo };
  // Strings live in JavaScript, not in the heap: tfjs's kernel handles them.
  if (x.dtype === "string") return originalKernel!.kernelFunc(args) as tfc.TensorInfo;
  (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Puts the storage-sharing Identity in place of tfjs's wasm kernel. Idempotent; false when wasm has no Identity. */
export function registerWasmSharedIdentity(): boolean {
  originalKernel = overrideWasmKernel(tfc.Identity, sharedIdentity);
  return originalKernel !== undefined;
}
