// Behaviour of the catalog's written layers that the oracle catalog (inference, one call) does not
// reach: Normalization.adapt, training-mode SpatialDropout2D, Discretization's buckets, gradients
// through comparisons (Keras's Masking) and through a transposed 3D convolution. Expected values
// are computed here independently (plain arithmetic), never by the layer under test.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { registerChainedOps } from "../../lib/backend/chained-ops.js";
import * as keras from "../../lib/keras/index.js";

const close = (actual: number[], expected: number[], tolerance = 1e-5) =>
  assert.ok(
    actual.length === expected.length && actual.every((value, index) => Math.abs(value - expected[index]!) <= tolerance),
    `${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`,
  );

describe("written catalog layers", () => {
  before(async () => {
    registerChainedOps();
    (tfc.findBackend("cpu") as { firstUse?: boolean } | null)!.firstUse = false;
    await tfc.setBackend("cpu");
  });

  it("Normalization.adapt(array) learns the per-feature mean and population variance, as Keras stores them", () => {
    const rows = [
      [1, 10],
      [3, 14],
      [5, 12],
      [7, 20],
    ];
    const norm = new keras.layers.Normalization();
    norm.adapt(rows);
    const mean = [4, 14];
    const variance = [5, 14]; // Σ(x − mean)² / n per column
    close(Array.from(norm.adaptMean!.dataSync()), mean);
    close(Array.from(norm.adaptVariance!.dataSync()), variance);
    assert.equal(norm.count!.dataSync()[0], 4);
    assert.deepEqual(
      norm.weights.map((weight) => weight.name.split("/").pop()!.replace(/:\d+$/, "")),
      ["mean", "variance", "count"],
    );
    const output = norm.apply(
      tfc.tensor2d([
        [4, 14],
        [6, 21],
      ]),
    ) as tfc.Tensor;
    close(Array.from(output.dataSync()), [0, 0, 2 / Math.sqrt(5), 7 / Math.sqrt(14)]);
    assert.throws(() => new keras.layers.Normalization({ mean: [1, 2], variance: [1, 1] }).adapt(rows), /given mean and variance/);
  });

  it("SpatialDropout2D drops whole channels in training and passes the input at inference", () => {
    const layer = new keras.layers.SpatialDropout2D(0.5, { seed: 7 });
    const x = tfc.ones([4, 3, 3, 8]);
    const trained = (layer.apply(x, { training: true }) as tfc.Tensor).arraySync() as number[][][][];
    let dropped = 0;
    for (const example of trained) {
      for (let channel = 0; channel < 8; channel++) {
        const values = example.flatMap((row) => row.map((pixel) => pixel[channel]!));
        assert.ok(values.every((value) => value === values[0]) && (values[0] === 0 || values[0] === 2), `channel ${channel}: ${values}`);
        if (values[0] === 0) dropped++;
      }
    }
    assert.ok(dropped > 0 && dropped < 32, `${dropped} of 32 channel maps dropped`);
    assert.deepEqual((layer.apply(x) as tfc.Tensor).arraySync(), x.arraySync());
  });

  it("Discretization puts x in bucket i when boundaries[i−1] ≤ x < boundaries[i]", () => {
    const layer = new keras.layers.Discretization({ binBoundaries: [0, 1, 2] });
    const output = layer.apply(tfc.tensor2d([[-0.5, 0, 0.99, 1, 2, 5]])) as tfc.Tensor;
    assert.deepEqual(Array.from(output.dataSync()), [0, 1, 1, 2, 3, 3]);
    assert.throws(() => new keras.layers.Discretization(), /binBoundaries/);
  });

  it("differentiates through masks built by comparisons (Keras's Masking): zero gradient for the comparison, as in TensorFlow", () => {
    const masking = new keras.layers.Masking(0);
    const x = tfc.tensor3d([
      [
        [1, 2],
        [0, 0],
        [3, 0],
      ],
    ]);
    const gradient = tfc.grad((input: tfc.Tensor) => tfc.sum(masking.apply(input) as tfc.Tensor))(x);
    // d(sum(x · any(x ≠ 0)))/dx: 1 where the step is kept, 0 on the masked step.
    assert.deepEqual(Array.from(gradient.dataSync()), [1, 1, 0, 0, 1, 1]);
  });

  it("differentiates tf.conv3dTranspose: d(sum(y))/dx for a ones filter counts the output cells each input reaches", () => {
    const x = tfc.ones([1, 2, 2, 2, 1]) as tfc.Tensor5D;
    const filter = tfc.ones([2, 2, 2, 1, 1]) as tfc.Tensor5D;
    const [dx, dFilter] = tfc.grads((input: tfc.Tensor, kernel: tfc.Tensor) =>
      tfc.sum(tfc.conv3dTranspose(input as tfc.Tensor5D, kernel as tfc.Tensor5D, [1, 3, 3, 3, 1], 1, "valid")),
    )([x, filter]);
    // Each input cell is spread over 2·2·2 output cells; each filter tap sees all 8 input cells.
    assert.deepEqual(Array.from(dx!.dataSync()), new Array(8).fill(8));
    assert.deepEqual(Array.from(dFilter!.dataSync()), new Array(8).fill(8));
  });
});
