import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { registerChainedOps } from "../../lib/backend/chained-ops.js";
import * as keras from "../../lib/keras/index.js";
import { snakeCase } from "../../lib/util/naming.js";

describe("keras.layers: Python's positional-first constructors", () => {
  before(async () => {
    registerChainedOps();
    (tfc.findBackend("cpu") as { firstUse?: boolean } | null)!.firstUse = false;
    await tfc.setBackend("cpu");
  });

  it("maps positional arguments onto the Keras config fields (snake_case, as Python get_config)", () => {
    const conv = new keras.layers.Conv2D(32, 3, { activation: "relu", padding: "same" });
    assert.equal(conv.getConfig().filters, 32);
    assert.deepEqual(conv.getConfig().kernel_size, [3, 3]);
    assert.equal(conv.getConfig().padding, "same");
    assert.deepEqual(new keras.layers.MaxPooling2D().getConfig().pool_size, [2, 2]);
    assert.deepEqual(new keras.layers.MaxPooling2D(3).getConfig().pool_size, [3, 3]);
    assert.equal(new keras.layers.LSTM(16, { returnSequences: true }).getConfig().units, 16);
    const embedding = new keras.layers.Embedding(1000, 8);
    assert.deepEqual([embedding.getConfig().input_dim, embedding.getConfig().output_dim], [1000, 8]);
    assert.equal(new keras.layers.Dropout(0.25).getConfig().rate, 0.25);
    assert.equal(new keras.layers.Activation("tanh").getConfig().activation, "tanh");
    assert.deepEqual(new keras.layers.Reshape([7, 4]).getConfig().target_shape, [7, 4]);
    assert.equal(new keras.layers.Dense({ units: 5 }).getConfig().units, 5);
  });

  it("names layers the Keras way (snake_case class name, then _1, _2)", () => {
    assert.equal(snakeCase("BatchNormalization"), "batch_normalization");
    assert.equal(snakeCase("Conv2D"), "conv2d");
    assert.equal(snakeCase("MaxPooling2D"), "max_pooling2d");
    assert.equal(snakeCase("LSTM"), "lstm");
    const first = new keras.layers.BatchNormalization();
    const second = new keras.layers.BatchNormalization();
    // Each test file runs in its own process, so these are the first two of their class.
    assert.deepEqual([first.name, second.name], ["batch_normalization", "batch_normalization_1"]);
    assert.equal(new keras.layers.Dense(1, { name: "mine" }).name, "mine");
  });

  it("explains a missing positional argument", () => {
    assert.throws(
      () => new (keras.layers.Conv2D as unknown as new (filters: number) => unknown)(32),
      /needs a kernel size, e\.g\. new keras\.layers\.Conv2D\(32, 3\)/,
    );
  });

  it("accepts keras.Input as the first Sequential item and computes Dense like x·W + b", () => {
    const model = new keras.Sequential([keras.Input({ shape: [2] }), new keras.layers.Dense(1, { kernelInitializer: "ones", biasInitializer: "ones" })]);
    assert.deepEqual(Array.from((model.predict(tfc.tensor2d([[2, 3]])) as tfc.Tensor).dataSync()), [2 + 3 + 1]);
    assert.equal(model.layers.length, 1); // the InputLayer is not listed, as in Keras
  });

  it("takes layers extracted from a functional model, InputLayer first (the saving guide's HDF5 transfer learning)", () => {
    const inputs = keras.Input({ shape: [3], name: "digits" });
    const hidden = new keras.layers.Dense(2, { name: "hidden" }).apply(inputs);
    const outputs = new keras.layers.Dense(4, { name: "head" }).apply(hidden);
    const functional = new keras.Model(inputs, outputs);
    const extracted = functional.layers.slice(0, -1);
    assert.deepEqual(
      extracted.map((layer) => layer.name),
      ["digits", "hidden"],
    );
    const model = new keras.Sequential([...extracted, new keras.layers.Dense(1, { name: "new_head", kernelInitializer: "ones", biasInitializer: "zeros" })]);
    // As in Keras 2, the InputLayer fixes the input but is not one of the Sequential's layers.
    assert.deepEqual(
      model.layers.map((layer) => layer.name),
      ["hidden", "new_head"],
    );
    assert.deepEqual(
      model.summaryData().rows.map((row) => row.name),
      ["hidden", "new_head"],
    );
    // The extracted layer keeps its weights: new_head sums hidden's outputs, computed here by hand.
    functional.layers[1]!.setWeights([
      tfc.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      tfc.tensor1d([1, -1]),
    ]);
    const x = tfc.tensor2d([[1, 1, 1]]);
    // hidden = [1+3+5+1, 2+4+6-1] = [10, 11]; new_head = 21.
    assert.deepEqual(Array.from((model.predict(x) as tfc.Tensor).dataSync()), [21]);
  });

  it("honours trainable flags in the summary counts and round-trips weights with getWeights/setWeights", () => {
    const frozen = new keras.layers.Dense(2, { inputShape: [3] });
    const model = new keras.Sequential([frozen, new keras.layers.Dense(1)]);
    frozen.trainable = false;
    const data = model.summaryData();
    assert.deepEqual([data.trainableParams, data.nonTrainableParams], [2 + 1, 3 * 2 + 2]);
    const weights = model.getWeights();
    // Trainable weights first, then frozen ones (Keras 2's `weights = trainable + non_trainable`).
    assert.deepEqual(
      weights.map((weight) => weight.shape),
      [[2, 1], [1], [3, 2], [2]],
    );
    model.setWeights(weights.map((weight) => tfc.fill(weight.shape, 0.5)));
    // 3 inputs of 1 → hidden = 3*0.5 + 0.5 = 2 each; output = 2*0.5*2 + 0.5 = 2.5
    assert.deepEqual(Array.from((model.predict(tfc.ones([1, 3])) as tfc.Tensor).dataSync()), [2.5]);
  });
});
