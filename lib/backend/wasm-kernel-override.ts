import * as tfc from "@tensorflow/tfjs-core";

/** tfjs's own wasm kernels that tskeras put a kernel in front of, by kernel name. */
const replacedKernels = new Map<string, tfc.KernelConfig>();

/**
 * Registers `kernelFunc` as the wasm kernel `name` in place of tfjs's, and returns tfjs's kernel for
 * the cases the replacement hands back. Idempotent (a second call returns the same original);
 * undefined when the wasm backend has no such kernel.
 */
export function overrideWasmKernel(name: string, kernelFunc: (args: Parameters<tfc.KernelFunc>[0]) => tfc.TensorInfo): tfc.KernelConfig | undefined {
  const replaced = replacedKernels.get(name);
  if (replaced) return replaced;
  const existing = tfc.getKernel(name, "wasm");
  if (!existing) return undefined;
  replacedKernels.set(name, existing);
  tfc.unregisterKernel(name, "wasm");
  tfc.registerKernel({ ...existing, kernelFunc: kernelFunc as unknown as tfc.KernelFunc });
  return existing;
}
