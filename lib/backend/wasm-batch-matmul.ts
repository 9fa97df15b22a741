import * as tfc from "@tensorflow/tfjs-core";

/**
 * Two costs of tfjs-backend-wasm 4.22's BatchMatMul that training pays every step, removed here:
 * - it multiplies transposed operands (`transposeA`/`transposeB`) 5–20× slower than untransposed ones,
 *   and Dense backprop uses exactly those calls: operands are transposed with the wasm Transpose kernel
 *   first, then the original kernel runs untransposed;
 * - it packs its right operand B into an XNNPACK operator, cached by B's tensor id, and repacking a
 *   784×512 kernel costs about three times the product itself. A trained weight has a new id every step
 *   (fused-optimizers.ts), so every step repacked it. When B is larger than A and not packed already,
 *   the product is computed as (Bᵀ·Aᵀ)ᵀ instead: the small operand is the one packed. A B seen a second
 *   time under the same id (inference with fixed weights) takes the original route and stays cached.
 */
type KernelArguments = Parameters<tfc.KernelFunc>[0];

interface WasmBackendLike {
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { id: number } | undefined };
}

let originalKernel: tfc.KernelConfig | undefined;

/** B's storage → the wasm tensor id it had when it was last multiplied here (its packing is cached under that id). */
const packedIds = new WeakMap<object, number>();

/** Swaps the last two axes of `x` with the backend's own Transpose kernel (no tensor bookkeeping). */
function transposeLastTwo(x: tfc.TensorInfo, backend: KernelArguments["backend"]): tfc.TensorInfo {
  const transpose = tfc.getKernel(tfc.Transpose, "wasm");
  if (!transpose) throw new Error("The wasm backend has no Transpose kernel; cannot patch BatchMatMul.");
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return transpose.kernelFunc({ inputs: { x }, attrs: { perm }, backend }) as tfc.TensorInfo;
}

function batchSize(shape: number[]): number {
  return shape.slice(0, -2).reduce((product, size) => product * size, 1);
}

function size(shape: number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

/** True when packing B would cost more than packing A: B is the larger operand and has no cached packing. */
function packSmallerOperand(a: tfc.TensorInfo, b: tfc.TensorInfo, transposeB: boolean, backend: WasmBackendLike): boolean {
  if (batchSize(a.shape) !== 1 || batchSize(b.shape) !== 1 || size(a.shape) >= size(b.shape)) return false;
  // A transposed B is a fresh tensor every call (never cached): always the larger packing.
  if (transposeB) return true;
  const id = backend.dataIdMap.get(b.dataId)?.id;
  if (id === undefined) return false;
  if (packedIds.get(b.dataId) === id) return false;
  packedIds.set(b.dataId, id);
  return true;
}

function batchMatMulUntransposed(args: KernelArguments): tfc.TensorInfo {
  const original = originalKernel!;
  const { a, b } = args.inputs as { a: tfc.TensorInfo; b: tfc.TensorInfo };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const backend = args.backend as unknown as WasmBackendLike;
  const temporaries: tfc.TensorInfo[] = [];
  const untransposed = (x: tfc.TensorInfo) => {
    const result = transposeLastTwo(x, args.backend);
    temporaries.push(result);
    return result;
  };
  const multiply = (left: tfc.TensorInfo, right: tfc.TensorInfo) =>
    original.kernelFunc({ ...args, inputs: { a: left, b: right }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as tfc.TensorInfo;
  try {
    if (packSmallerOperand(a, b, transposeB, backend)) {
      // C = op(A)·op(B) = (op(B)ᵀ·op(A)ᵀ)ᵀ; a transposed operand is its own transpose as stored.
      const product = multiply(transposeB ? b : untransposed(b), transposeA ? a : untransposed(a));
      temporaries.push(product);
      return transposeLastTwo(product, args.backend);
    }
    if (!transposeA && !transposeB) return original.kernelFunc(args) as tfc.TensorInfo;
    return multiply(transposeA ? untransposed(a) : a, transposeB ? untransposed(b) : b);
  } finally {
    for (const temporary of temporaries) backend.disposeData(temporary.dataId);
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
