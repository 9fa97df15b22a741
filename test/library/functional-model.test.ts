import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import * as keras from "../../lib/keras/index.js";

describe("keras.Model (functional)", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("accepts both constructor forms and computes Dense by hand-checked numbers", () => {
    const inputs = keras.Input({ shape: [2] });
    const dense = new keras.layers.Dense(1, { kernelInitializer: "ones", biasInitializer: "zeros" });
    const outputs = dense.apply(inputs) as tfl.SymbolicTensor;
    const positional = new keras.Model(inputs, outputs, { name: "positional" });
    const allOptions = new keras.Model({ inputs, outputs, name: "options" });
    assert.equal(positional.name, "positional");
    assert.equal(allOptions.name, "options");
    // kernel of ones, zero bias: output = 1 + 2 = 3
    const result = positional.predict(tfc.tensor2d([[1, 2]])) as tfc.Tensor;
    assert.deepEqual(Array.from(result.dataSync()), [3]);
  });

  it("prints `Connected to` in Keras's 98-column layout for a branching model", () => {
    const inputs = keras.Input({ shape: [4], name: "features" });
    const left = new keras.layers.Dense(3, { name: "left" }).apply(inputs) as tfl.SymbolicTensor;
    const right = new keras.layers.Dense(3, { name: "right" }).apply(inputs) as tfl.SymbolicTensor;
    const merged = tfl.layers.add({ name: "merge" }).apply([left, right]) as tfl.SymbolicTensor;
    const model = new keras.Model(inputs, merged, { name: "branches" });
    // Columns end at floor(98 × [.3, .6, .7, 1]) = 29, 58, 68, 98; params: 4*3+3 = 15 per Dense.
    const row = (a: string, b: string, c: string, d: string) => ` ${a.padEnd(28)}${b.padEnd(29)}${c.padEnd(10)}${d.padEnd(30)}`;
    const blank = " ".repeat(98);
    const expected = [
      'Model: "branches"',
      "_".repeat(98),
      row("Layer (type)", "Output Shape", "Param #", "Connected to"),
      "=".repeat(98),
      // Keras 2.9+ prints the inbound list as Python's repr, `str(list)` (wrapping only after "',").
      row("features (InputLayer)", "[(None, 4)]", "0", "[]"),
      blank,
      row("left (Dense)", "(None, 3)", "15", "['features[0][0]']"),
      blank,
      row("right (Dense)", "(None, 3)", "15", "['features[0][0]']"),
      blank,
      row("merge (Add)", "(None, 3)", "0", "['left[0][0]', 'right[0][0]']"),
      blank,
      "=".repeat(98),
      "Total params: 30",
      "Trainable params: 30",
      "Non-trainable params: 0",
      "_".repeat(98),
    ].join("\n");
    assert.equal(model.summaryData().text, expected);
  });

  it("Sequential(functional.layers) drops the InputLayer, as Keras lists it (the guide's transfer-learning cell)", () => {
    const inputs = keras.Input({ shape: [784], name: "digits" });
    const hidden1 = new keras.layers.Dense(64, { activation: "relu" }).apply(inputs) as tfl.SymbolicTensor;
    const hidden2 = new keras.layers.Dense(64, { activation: "relu" }).apply(hidden1) as tfl.SymbolicTensor;
    const pretrained = new keras.Model(inputs, new keras.layers.Dense(10).apply(hidden2) as tfl.SymbolicTensor);
    const extracted: tfl.layers.Layer[] = pretrained.layers.slice(0, -1);
    assert.equal(extracted[0]!.getClassName(), "InputLayer");
    const head = new keras.layers.Dense(5);
    const model = new keras.Sequential([...extracted, head]);
    assert.deepEqual(
      model.layers.map((layer) => layer.getClassName()),
      ["Dense", "Dense", "Dense"],
    );
    assert.equal(model.layers[0], pretrained.layers[1], "the layers are shared with the pretrained model");
    assert.equal(model.countParams(), 784 * 64 + 64 + 64 * 64 + 64 + 64 * 5 + 5);
    assert.ok(!model.summaryData().text.includes("InputLayer"));
    const x = tfc.randomNormal([3, 784]);
    const trunk = new keras.Model(inputs, hidden2);
    const expected = head.apply(trunk.predict(x) as tfc.Tensor) as tfc.Tensor;
    assert.ok(tfc.max(tfc.abs(tfc.sub(model.predict(x) as tfc.Tensor, expected))).dataSync()[0]! < 1e-6);
  });
});
