// tskeras's leading-axes Sum on wasm (bias gradients) against sums computed here in double precision,
// and the reductions it leaves to tfjs's kernel against tfjs's CPU kernel.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import { selectBackend } from "../../lib/backend/select.js";

const shape = [3, 4, 5, 6];
const values = Array.from({ length: 3 * 4 * 5 * 6 }, (_, index) => Math.sin(index * 0.77) * 3);

/** Sum of `values` (shape [3,4,5,6]) over the first `count` axes, worked out here. */
function leadingSums(count: number): number[] {
  const columns = shape.slice(count).reduce((a, b) => a * b, 1);
  const sums = new Array<number>(columns).fill(0);
  values.forEach((value, index) => {
    sums[index % columns]! += value;
  });
  return sums;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++)
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= 1e-5 * Math.max(1, Math.abs(expected[i]!)), `[${i}]: ${actual[i]} vs ${expected[i]}`);
}

describe("wasm Sum over leading axes", () => {
  before(async () => {
    process.env.TSKERAS_BACKEND = "wasm";
    assert.equal(await selectBackend(), "wasm");
  });

  for (const [axes, keepDims, expectedShape] of [
    [[0], false, [4, 5, 6]],
    [[0, 1, 2], false, [6]],
    [[2, 0, 1], true, [1, 1, 1, 6]],
    [[-4, -3], false, [5, 6]],
  ] as const) {
    it(`axes ${JSON.stringify(axes)}, keepDims ${keepDims}: the column sums, shape ${JSON.stringify(expectedShape)}`, () => {
      const x = tfc.tensor4d(values, shape as [number, number, number, number]);
      const sum = tfc.sum(x, [...axes], keepDims);
      assert.deepEqual(sum.shape, expectedShape);
      assertClose(sum.dataSync(), leadingSums(axes.length));
      tfc.dispose([x, sum]);
    });
  }

  for (const [name, make] of [
    ["trailing axes", () => tfc.sum(tfc.tensor4d(values, [3, 4, 5, 6]), [2, 3])],
    ["a middle axis", () => tfc.sum(tfc.tensor4d(values, [3, 4, 5, 6]), 1, true)],
    ["all axes", () => tfc.sum(tfc.tensor4d(values, [3, 4, 5, 6]))],
    ["int32 over the first axis", () => tfc.sum(tfc.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], "int32"), 0)],
  ] as const) {
    it(`${name}: as tfjs's CPU kernel`, async () => {
      await tfc.setBackend("cpu");
      const expected = tfc.tidy(make);
      const expectedValues = Array.from(expected.dataSync());
      await tfc.setBackend("wasm");
      const actual = tfc.tidy(make);
      assert.deepEqual(actual.shape, expected.shape);
      assert.equal(actual.dtype, expected.dtype);
      assertClose(actual.dataSync(), expectedValues);
      tfc.dispose([actual]);
    });
  }
});
