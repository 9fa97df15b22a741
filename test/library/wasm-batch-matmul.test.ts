import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { originalWasmBatchMatMul, patchWasmBatchMatMul } from "../../lib/backend/wasm-batch-matmul.js";

const require = createRequire(import.meta.url);

/** Deterministic values without a seeded RNG from the code under test. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  for (let index = 0; index < count; index++) out[index] = Math.sin(seed * 7.1 + index * 0.37) * 2;
  return out;
}

/** Runs matMul on a backend and returns the plain numbers. */
async function product(
  backend: string,
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): Promise<{ shape: number[]; data: Float32Array }> {
  await tfc.setBackend(backend);
  const a = tfc.tensor(
    values(
      aShape.reduce((x, y) => x * y, 1),
      1,
    ),
    aShape,
  );
  const b = tfc.tensor(
    values(
      bShape.reduce((x, y) => x * y, 1),
      2,
    ),
    bShape,
  );
  const result = tfc.matMul(a, b, transposeA, transposeB);
  const data = (await result.data()) as Float32Array;
  const shape = result.shape;
  tfc.dispose([a, b, result]);
  return { shape, data };
}

function assertClose(actual: Float32Array, expected: Float32Array): void {
  assert.equal(actual.length, expected.length);
  for (let index = 0; index < actual.length; index++) {
    assert.ok(
      Math.abs(actual[index] - expected[index]) <= 1e-4 * Math.max(1, Math.abs(expected[index])),
      `element ${index}: ${actual[index]} vs ${expected[index]}`,
    );
  }
}

describe("wasm BatchMatMul transpose-first kernel", () => {
  before(async () => {
    tfc.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
    assert.equal(patchWasmBatchMatMul(), true);
    assert.equal(await tfc.setBackend("wasm"), true);
  });

  it("replaces the registered kernel and keeps the original", () => {
    const original = originalWasmBatchMatMul();
    assert.ok(original);
    assert.notEqual(tfc.getKernel(tfc.BatchMatMul, "wasm")?.kernelFunc, original.kernelFunc);
  });

  // [m, k] × [k, n] in their stored (possibly transposed) layouts, with batch dims incl. broadcasting.
  const cases: Array<{ batchA: number[]; batchB: number[] }> = [
    { batchA: [], batchB: [] },
    { batchA: [3], batchB: [3] },
    { batchA: [2, 3], batchB: [2, 3] },
    { batchA: [4], batchB: [1] },
  ];
  for (const { batchA, batchB } of cases) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`matches cpu for batch ${JSON.stringify(batchA)}×${JSON.stringify(batchB)}, transposeA=${transposeA}, transposeB=${transposeB}`, async () => {
          const [m, k, n] = [5, 7, 3];
          const aShape = [...batchA, ...(transposeA ? [k, m] : [m, k])];
          const bShape = [...batchB, ...(transposeB ? [n, k] : [k, n])];
          const onWasm = await product("wasm", aShape, bShape, transposeA, transposeB);
          const onCpu = await product("cpu", aShape, bShape, transposeA, transposeB);
          assert.deepEqual(onWasm.shape, onCpu.shape);
          assert.deepEqual(onWasm.shape.slice(-2), [m, n]);
          assertClose(onWasm.data, onCpu.data);
        });
      }
    }
  }

  // A small A times a larger B (a batch through a Dense kernel): computed as (Bᵀ·Aᵀ)ᵀ the first time B
  // is seen, as the plain product (cached packing) the second time; both must match the cpu backend.
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`matches cpu when B is the larger operand, transposeA=${transposeA}, transposeB=${transposeB}, B used twice`, async () => {
        const [m, k, n] = [3, 37, 29];
        const aShape = transposeA ? [k, m] : [m, k];
        const bShape = transposeB ? [n, k] : [k, n];
        const expected = await product("cpu", aShape, bShape, transposeA, transposeB);
        await tfc.setBackend("wasm");
        const a = tfc.tensor(values(m * k, 1), aShape);
        const b = tfc.tensor(values(k * n, 2), bShape);
        const backend = tfc.backend() as unknown as { numDataIds(): number };
        const idsBefore = backend.numDataIds();
        for (let use = 0; use < 2; use++) {
          const result = tfc.matMul(a, b, transposeA, transposeB);
          assert.deepEqual(result.shape, [m, n]);
          assertClose((await result.data()) as Float32Array, expected.data);
          assert.equal(backend.numDataIds(), idsBefore + 1, "only the result is left");
          result.dispose();
        }
        tfc.dispose([a, b]);
      });
    }
  }

  it("frees its temporary transposes (no leaked tensors on wasm)", async () => {
    await tfc.setBackend("wasm");
    const a = tfc.tensor(values(12, 3), [4, 3]);
    const b = tfc.tensor(values(8, 4), [2, 4]);
    const bytesBefore = tfc.memory().numBytes;
    const backend = tfc.backend() as unknown as { numDataIds(): number };
    const idsBefore = backend.numDataIds();
    const result = tfc.matMul(a, b, true, true);
    assert.equal(backend.numDataIds(), idsBefore + 1);
    assert.equal(tfc.memory().numBytes, bytesBefore + 3 * 2 * 4);
    tfc.dispose([a, b, result]);
  });
});
