// keras.models.cloneModel: same architecture, fresh weights, no compile state (Keras docs).
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as keras from "../../lib/keras/index.js";

function sameValues(left: tfc.Tensor[], right: tfc.Tensor[]): boolean {
  return left.every((tensor, index) => tfc.util.arraysEqual(Array.from(tensor.dataSync()), Array.from(right[index]!.dataSync())));
}

describe("keras.models.cloneModel", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("Sequential: same layers and config, different (fresh) weights, not compiled", () => {
    const model = new keras.Sequential([new keras.layers.Dense(8, { inputShape: [4], activation: "relu" }), new keras.layers.Dense(2)], { name: "original" });
    model.compile({ optimizer: "adam", loss: "mse" });
    const clone = keras.models.cloneModel(model);
    assert.ok(clone instanceof keras.Sequential);
    assert.notEqual(clone, model);
    assert.deepEqual(clone.getConfig(), model.getConfig());
    assert.deepEqual(
      clone.getWeights().map((weight) => weight.shape),
      model.getWeights().map((weight) => weight.shape),
    );
    // Glorot-uniform kernels drawn again: equal values would mean copied weights.
    assert.equal(sameValues([clone.getWeights()[0]!], [model.getWeights()[0]!]), false);
    assert.equal(clone.optimizer, undefined);
  });

  it("functional: same graph; training the clone leaves the original untouched", async () => {
    const inputs = keras.Input({ shape: [3], name: "clone_in" });
    const outputs = new keras.layers.Dense(1, { name: "clone_out" }).apply(new keras.layers.Dense(5, { name: "clone_hidden" }).apply(inputs));
    const model = new keras.Model(inputs, outputs, { name: "graph" });
    const before = model.getWeights().map((weight) => weight.clone());
    const clone = keras.models.cloneModel(model);
    assert.ok(clone instanceof keras.Model);
    assert.deepEqual(
      clone.layers.map((layer) => layer.name),
      ["clone_in", "clone_hidden", "clone_out"],
    );
    assert.equal(sameValues([clone.getWeights()[0]!], [model.getWeights()[0]!]), false);
    clone.compile({ optimizer: "sgd", loss: "mse" });
    await clone.fit(tfc.ones([4, 3]), tfc.zeros([4, 1]), { epochs: 1, verbose: 0 });
    assert.equal(sameValues(model.getWeights(), before), true);
  });
});
