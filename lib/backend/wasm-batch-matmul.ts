import * as tfc from "@tensorflow/tfjs-core";

/**
 * tfjs-backend-wasm 4.22 multiplies transposed operands (`transposeA`/`transposeB`) 5–20× slower than
 * untransposed ones, and Dense backprop uses exactly those calls. This replacement transposes the last
 * two axes with the wasm Transpose kernel first, then runs the original kernel untransposed.
 */
type KernelArguments = Parameters<tfc.KernelFunc>[0];

interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

let originalKernel: tfc.KernelConfig | undefined;

/** Swaps the last two axes of `x` with the backend's own Transpose kernel (no tensor bookkeeping). */
function transposeLastTwo(x: tfc.TensorInfo, backend: KernelArguments["backend"]): tfc.TensorInfo {
  const transpose = tfc.getKernel(tfc.Transpose, "wasm");
  if (!transpose) throw new Error("The wasm backend has no Transpose kernel; cannot patch BatchMatMul.");
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return transpose.kernelFunc({ inputs: { x }, attrs: { perm }, backend }) as tfc.TensorInfo;
}

function batchMatMulUntransposed(args: KernelArguments): tfc.TensorInfo {
  const original = originalKernel!;
  const { a, b } = args.inputs as { a: tfc.TensorInfo; b: tfc.TensorInfo };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  if (!transposeA && !transposeB) return original.kernelFunc(args) as tfc.TensorInfo;
  const backend = args.backend as unknown as WasmBackendLike;
  const left = transposeA ? transposeLastTwo(a, args.backend) : a;
  const right = transposeB ? transposeLastTwo(b, args.backend) : b;
  try {
    return original.kernelFunc({ ...args, inputs: { a: left, b: right }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as tfc.TensorInfo;
  } finally {
    if (left !== a) backend.disposeData(left.dataId);
    if (right !== b) backend.disposeData(right.dataId);
  }
}

/**
 * Replaces the wasm BatchMatMul kernel with the transpose-first version. Idempotent; a no-op when the
 * wasm backend package has not registered its kernel.
 *
 * @example
 * import "@tensorflow/tfjs-backend-wasm";
 * patchWasmBatchMatMul();   // before or after tf.setBackend("wasm")
 */
export function patchWasmBatchMatMul(): boolean {
  if (originalKernel) return true;
  const existing = tfc.getKernel(tfc.BatchMatMul, "wasm");
  if (!existing) return false;
  originalKernel = existing;
  tfc.unregisterKernel(tfc.BatchMatMul, "wasm");
  tfc.registerKernel({ ...existing, kernelFunc: batchMatMulUntransposed as unknown as tfc.KernelFunc });
  return true;
}

/** The kernel tfjs shipped, for comparisons (tests, bench/training.ts). Undefined before patching. */
export function originalWasmBatchMatMul(): tfc.KernelConfig | undefined {
  return originalKernel;
}

/** Puts tfjs's own kernel back (bench/training.ts measures both). */
export function unpatchWasmBatchMatMul(): void {
  if (!originalKernel) return;
  tfc.unregisterKernel(tfc.BatchMatMul, "wasm");
  tfc.registerKernel(originalKernel);
  originalKernel = undefined;
}
