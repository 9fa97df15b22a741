// tskeras's wasm MaxPoolGrad against tfjs's CPU kernel (which matches TensorFlow in the layer catalog)
// and against gradients worked out by hand for ties.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
// Registers tfjs-core's gradient functions, as tskeras does by loading tfjs-layers.
import "@tensorflow/tfjs-layers";
import { selectBackend } from "../../lib/backend/select.js";

function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  for (let index = 0; index < count; index++) out[index] = Math.sin(seed * 7.1 + index * 0.37) * 2;
  return out;
}

/** dL/dx of sum(maxPool(x) · weights) on a backend. */
async function poolGradient(
  backend: string,
  x: Float32Array,
  shape: [number, number, number, number],
  filter: number | [number, number],
  strides: number,
  pad: "same" | "valid",
): Promise<number[]> {
  await tfc.setBackend(backend);
  const input = tfc.tensor4d(x, shape);
  const gradient = tfc.grad((t: tfc.Tensor) => {
    const y = tfc.maxPool(t as tfc.Tensor4D, filter, strides, pad);
    return tfc.sum(tfc.mul(y, tfc.tensor(values(y.size, 5), y.shape)));
  })(input);
  const data = Array.from(await gradient.data());
  tfc.dispose([input, gradient]);
  return data;
}

describe("wasm MaxPoolGrad", () => {
  before(async () => {
    process.env.TSKERAS_BACKEND = "wasm";
    assert.equal(await selectBackend(), "wasm");
    assert.ok(!(tfc.getKernel("MaxPoolGrad", "wasm")!.kernelFunc as { onCpu?: boolean }).onCpu, "tskeras's own kernel, not the CPU fallback");
  });

  const cases: [string, [number, number, number, number], number | [number, number], number, "same" | "valid"][] = [
    ["the tutorial CNN's MaxPooling2D (2×2, stride 2, valid) on 26×26×32", [2, 26, 26, 32], 2, 2, "valid"],
    ["3×3 windows, stride 2, same (padding)", [2, 9, 7, 3], 3, 2, "same"],
    ["overlapping 3×2 windows, stride 1, valid", [1, 6, 5, 2], [3, 2], 1, "valid"],
    ["odd size, 2×2 stride 2 same", [3, 5, 5, 4], 2, 2, "same"],
  ];
  for (const [name, shape, filter, strides, pad] of cases) {
    it(`${name}: as tfjs's CPU kernel`, async () => {
      const x = values(
        shape.reduce((a, b) => a * b),
        1,
      );
      const expected = await poolGradient("cpu", x, shape, filter, strides, pad);
      const actual = await poolGradient("wasm", x, shape, filter, strides, pad);
      assert.equal(actual.length, expected.length);
      for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= 1e-6, `dx[${i}]: ${actual[i]} vs ${expected[i]}`);
    });
  }

  it("ties go to the first maximum of the window in row-major order (as TensorFlow)", async () => {
    // A constant 4×4 image, 2×2 windows: each window's gradient lands on its top-left pixel.
    const gradient = await poolGradient("wasm", new Float32Array(16).fill(1), [1, 4, 4, 1], 2, 2, "valid");
    const weights = Array.from(values(4, 5));
    assert.deepEqual(
      gradient.map((v) => Math.round(v * 1e6) / 1e6),
      [weights[0], 0, weights[1], 0, 0, 0, 0, 0, weights[2], 0, weights[3], 0, 0, 0, 0, 0].map((v) => Math.round(v! * 1e6) / 1e6),
    );
  });
});
