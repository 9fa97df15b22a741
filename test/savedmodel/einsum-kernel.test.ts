// The SavedModel runtime's Einsum (transposes and one batched matMul, since tfjs's einsum has no
// wasm kernel), compared with numpy's einsum run by /usr/bin/python3 on the same operands.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs-core";
import "../../lib/index.js"; // the backend tskeras picks (wasm in the tests), where tfjs's own einsum is missing
import { einsum } from "../../lib/formats/savedmodel/graph/kernels/einsum.js";

// The equations Keras's exports use: EinsumDense's projection, MultiHeadAttention's scores and
// combination, an output axis order that differs from both operands, and an axis summed away.
const cases: Array<{ equation: string; shapes: [number[], number[]] }> = [
  {
    equation: "abc,cd->abd",
    shapes: [
      [2, 3, 4],
      [4, 5],
    ],
  },
  {
    equation: "aecd,abcd->acbe",
    shapes: [
      [2, 6, 2, 4],
      [2, 5, 2, 4],
    ],
  },
  {
    equation: "acbe,aecd->abcd",
    shapes: [
      [2, 2, 5, 6],
      [2, 6, 2, 4],
    ],
  },
  {
    equation: "abc,cde->abde",
    shapes: [
      [2, 3, 4],
      [4, 2, 3],
    ],
  },
  {
    equation: "abx,bc->ca",
    shapes: [
      [2, 3, 4],
      [3, 5],
    ],
  },
];

const operand = (shape: number[], seed: number) =>
  Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, index) => Math.round(Math.sin(index * 1.7 + seed) * 1000) / 1000);

test("Einsum equals numpy's einsum for the equations Keras exports", async () => {
  await tf.ready();
  const inputs = cases.map(({ equation, shapes }) => ({ equation, shapes, values: shapes.map((shape, index) => operand(shape, index + 1)) }));
  const script = `
import json, sys, numpy as np
cases = json.load(sys.stdin)
print(json.dumps([np.einsum(c["equation"], *[np.array(v, dtype=np.float64).reshape(s) for v, s in zip(c["values"], c["shapes"])]).tolist() for c in cases]))`;
  const python = spawnSync("/usr/bin/python3", ["-c", script], { input: JSON.stringify(inputs), encoding: "utf8" });
  assert.equal(python.status, 0, python.stderr);
  const expected = JSON.parse(python.stdout) as unknown[];
  inputs.forEach(({ equation, shapes, values }, index) => {
    const result = einsum(equation, tf.tensor(values[0]!, shapes[0]), tf.tensor(values[1]!, shapes[1]));
    const want = tf.tensor(expected[index] as number[]);
    assert.deepEqual(result.shape, want.shape, equation);
    const worst = tf.max(tf.abs(tf.sub(result, want))).dataSync()[0]!;
    assert.ok(worst < 1e-4, `${equation}: differs by ${worst}`);
  });
});
