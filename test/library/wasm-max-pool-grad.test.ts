// tskeras's wasm MaxPoolGrad against tfjs's CPU kernel, against gradients worked out by hand for ties,
// and against TensorFlow's own gradient (tf.GradientTape) on windows with ties and on random values.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
// Registers tfjs-core's gradient functions, as tskeras does by loading tfjs-layers.
import "@tensorflow/tfjs-layers";
import { selectBackend } from "../../lib/backend/select.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

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

  it("equals TensorFlow's gradient, ties included (tf.GradientTape through tf.nn.max_pool2d)", async (t) => {
    if (!requireOracle(t)) return;
    const shape: [number, number, number, number] = [1, 5, 6, 2];
    // Rounded values so that windows hold ties, plus the same 3×3 stride-2 same-padded pooling.
    const x = Array.from(values(60, 3), (v) => Math.round(v));
    const weights = Array.from(values(3 * 3 * 2, 5));
    const script = `
import json, sys
import numpy as np, tensorflow as tf
x = tf.constant(np.array(json.loads(sys.argv[1]), dtype="float32").reshape([1, 5, 6, 2]))
w = tf.constant(np.array(json.loads(sys.argv[2]), dtype="float32").reshape([1, 3, 3, 2]))
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.nn.max_pool2d(x, 3, 2, "SAME")
    loss = tf.reduce_sum(y * w)
print(json.dumps(tape.gradient(loss, x).numpy().reshape(-1).tolist()))
`;
    const expected = await oracleJson<number[]>(script, [JSON.stringify(x), JSON.stringify(weights)]);
    await tfc.setBackend("wasm");
    const input = tfc.tensor4d(x, shape);
    const gradient = tfc.grad((value: tfc.Tensor) => tfc.sum(tfc.mul(tfc.maxPool(value as tfc.Tensor4D, 3, 2, "same"), tfc.tensor(weights, [1, 3, 3, 2]))))(
      input,
    );
    const actual = Array.from(await gradient.data());
    tfc.dispose([input, gradient]);
    assert.equal(actual.length, expected.length);
    for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= 1e-6, `dx[${i}]: ${actual[i]} vs TensorFlow ${expected[i]}`);
  });
});
