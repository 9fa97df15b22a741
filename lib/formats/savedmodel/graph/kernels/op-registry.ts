/**
 * All op kernels the SavedModel runtime knows, by TensorFlow op name.
 *
 * @example
 * ```ts
 * import { findKernel, supportedOps } from "./op-registry.js";
 * findKernel("MatMul");           // the MatMul kernel
 * supportedOps().includes("Relu"); // true
 * ```
 */
import { arrayKernels } from "./array.js";
import { callKernels } from "./calls-and-variables.js";
import { controlFlowKernels } from "./control-flow.js";
import type { OpKernel } from "./op-kernel.js";
import { mathKernels } from "./math.js";
import { nnKernels } from "./nn.js";
import { tensorListKernels } from "./tensor-list.js";

const kernels: Record<string, OpKernel> = {
  ...mathKernels,
  ...nnKernels,
  ...arrayKernels,
  ...callKernels,
  ...controlFlowKernels,
  ...tensorListKernels,
};

export function findKernel(op: string): OpKernel | undefined {
  return Object.hasOwn(kernels, op) ? kernels[op] : undefined;
}

/** Sorted names of every op that can run. */
export function supportedOps(): string[] {
  return Object.keys(kernels).sort();
}
