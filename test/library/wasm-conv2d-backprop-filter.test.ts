import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// Registers tfjs-core's gradient functions, as tskeras does by loading tfjs-layers.
import "@tensorflow/tfjs-layers";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { patchWasmBatchMatMul } from "../../lib/backend/wasm-batch-matmul.js";
import { registerWasmConv2DBackpropFilter } from "../../lib/backend/wasm-conv2d-backprop-filter.js";

const require = createRequire(import.meta.url);

/** Deterministic values without a seeded RNG from the code under test. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  for (let index = 0; index < count; index++) out[index] = Math.sin(seed * 7.1 + index * 0.37) * 2;
  return out;
}

/** dL/dW of sum(conv2d(x, w) · weights) on a backend: the Conv2DBackpropFilter kernel with a non-trivial dy. */
async function filterGradient(
  backend: string,
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number,
  pad: "same" | "valid",
): Promise<{ shape: number[]; data: Float32Array }> {
  await tfc.setBackend(backend);
  const x = tfc.tensor4d(
    values(
      xShape.reduce((a, b) => a * b),
      1,
    ),
    xShape,
  );
  const w = tfc.tensor4d(
    values(
      filterShape.reduce((a, b) => a * b),
      2,
    ),
    filterShape,
  );
  const gradient = tfc.grad((filter: tfc.Tensor) => {
    const y = tfc.conv2d(x, filter as tfc.Tensor4D, strides, pad);
    return tfc.sum(tfc.mul(y, tfc.tensor(values(y.size, 3), y.shape)));
  })(w);
  const data = (await gradient.data()) as Float32Array;
  const shape = gradient.shape;
  tfc.dispose([x, w, gradient]);
  return { shape, data };
}

describe("wasm Conv2DBackpropFilter (missing from tfjs-backend-wasm 4.22)", () => {
  before(async () => {
    tfc.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
    patchWasmBatchMatMul();
    registerWasmConv2DBackpropFilter();
  });

  const cases: [string, [number, number, number, number], [number, number, number, number], number, "same" | "valid"][] = [
    ["the tutorial CNN's first layer (1 → 32 channels, 3×3, valid)", [4, 28, 28, 1], [3, 3, 1, 32], 1, "valid"],
    ["3 → 8 channels, 5×5, stride 2, same (padding on every side)", [2, 11, 13, 3], [5, 5, 3, 8], 2, "same"],
    ["rectangular 2×3 filter, stride 1, same", [3, 7, 6, 4], [2, 3, 4, 5], 1, "same"],
    ["stride 2, valid, window does not tile the input", [2, 9, 9, 2], [3, 3, 2, 3], 2, "valid"],
  ];
  for (const [name, xShape, filterShape, strides, pad] of cases) {
    it(`equals the JavaScript cpu backend: ${name}`, async () => {
      const expected = await filterGradient("cpu", xShape, filterShape, strides, pad);
      const actual = await filterGradient("wasm", xShape, filterShape, strides, pad);
      assert.deepEqual(actual.shape, filterShape);
      assert.deepEqual(actual.shape, expected.shape);
      for (let index = 0; index < expected.data.length; index++) {
        assert.ok(
          Math.abs(actual.data[index]! - expected.data[index]!) <= 1e-3 * Math.max(1, Math.abs(expected.data[index]!)),
          `element ${index}: ${actual.data[index]} vs ${expected.data[index]}`,
        );
      }
    });
  }

  it("keeps no tensors or wasm memory behind", async () => {
    await tfc.setBackend("wasm");
    await filterGradient("wasm", [2, 8, 8, 2], [3, 3, 2, 4], 1, "same");
    const before = tfc.memory().numTensors;
    const dataBefore = (tfc.backend() as unknown as { numDataIds(): number }).numDataIds();
    await filterGradient("wasm", [2, 8, 8, 2], [3, 3, 2, 4], 1, "same");
    assert.equal(tfc.memory().numTensors, before);
    assert.equal((tfc.backend() as unknown as { numDataIds(): number }).numDataIds(), dataBefore);
  });
});
