// model.save → keras.models.loadModel in a fresh `node` process, for both Keras formats and both
// model kinds: the reloaded model must predict exactly what the saved one predicts, keep its compile
// state and Adam state, and train on exactly like the model that was never saved.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { repositoryRoot } from "../support/kernelspec.js";

const inputs = () => tf.randomNormal([12, 5], 0, 1, "float32", 7);
const labels = () => tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2], "int32");

function sequentialModel() {
  return new keras.Sequential([new keras.layers.Dense(8, { activation: "relu", inputShape: [5] }), new keras.layers.Dense(3, { activation: "softmax" })]);
}

function functionalModel() {
  const input = keras.Input({ shape: [5] });
  const hidden = new keras.layers.Dense(6, { activation: "tanh" }).apply(input) as tf.SymbolicTensor;
  const output = new keras.layers.Dense(3, { activation: "softmax" }).apply(hidden) as tf.SymbolicTensor;
  return new keras.Model(input, output);
}

const fitOptions = { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 } as const;

/** Loads `path` in a new process, predicts, trains one more epoch exactly like the parent, predicts again. */
function reloadInFreshProcess(path: string): {
  before: number[];
  after: number[];
  loss: string;
  metrics: string[];
  optimizer: string;
  config: Record<string, number>;
  iterations: number;
} {
  const script = `
    import { keras, tf } from ${JSON.stringify(join(repositoryRoot, "dist/lib/index.js"))};
    const x = tf.randomNormal([12, 5], 0, 1, "float32", 7);
    const y = tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2], "int32");
    const model = await keras.models.loadModel(${JSON.stringify(path)});
    const before = Array.from(model.predict(x).dataSync());
    const compiled = { loss: model.loss.name, metrics: model.metricsNames, optimizer: model.optimizer.getClassName(), config: model.optimizer.getConfig(), iterations: model.optimizer.iterations };
    await model.fit(x, y, ${JSON.stringify(fitOptions)});
    process.stdout.write(JSON.stringify({ before, after: Array.from(model.predict(x).dataSync()), ...compiled }));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

describe("model.save round trips in a fresh process", () => {
  for (const [kind, build] of [
    ["Sequential", sequentialModel],
    ["Functional", functionalModel],
  ] as const) {
    for (const suffix of [".h5", ".keras", ""]) {
      it(`${kind} → ${suffix || "SavedModel directory"}: same predictions, compile and Adam state, identical resumed training`, async () => {
        const model = build();
        model.compile({ optimizer: tf.train.adam(0.01, 0.8, 0.99, 1e-6), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
        const x = inputs();
        const y = labels();
        await model.fit(x, y, { ...fitOptions, epochs: 2 });
        const path = join(mkdtempSync(join(tmpdir(), "tskeras-save-")), `model${suffix}`);
        await model.save(path);
        const expectedBefore = Array.from((model.predict(x) as tf.Tensor).dataSync());
        await model.fit(x, y, fitOptions);
        const expectedAfter = Array.from((model.predict(x) as tf.Tensor).dataSync());

        const reloaded = reloadInFreshProcess(path);
        assert.deepEqual(reloaded.before, expectedBefore);
        assert.equal(reloaded.loss, "sparse_categorical_crossentropy");
        assert.deepEqual(reloaded.metrics, ["loss", "accuracy"]);
        assert.equal(reloaded.optimizer, "Adam");
        // The compile arguments above, as float32 round trips them.
        assert.equal(Math.fround(reloaded.config["learningRate"]!), Math.fround(0.01));
        assert.equal(Math.fround(reloaded.config["beta1"]!), Math.fround(0.8));
        assert.equal(Math.fround(reloaded.config["beta2"]!), Math.fround(0.99));
        // 12 samples in batches of 4 for 2 epochs.
        assert.equal(reloaded.iterations, 6);
        assert.deepEqual(reloaded.after, expectedAfter);
        assert.notDeepEqual(reloaded.after, reloaded.before);
      });
    }
  }

  it("refuses an unknown saveFormat with a clear message and writes nothing", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-save-"));
    await assert.rejects(
      sequentialModel().save(join(directory, "exported"), { saveFormat: "onnx" as "tf" }),
      /Unknown saveFormat "onnx"\. Expected "h5", "keras", "tf" \(SavedModel directory\) or "tfjs"/,
    );
    assert.deepEqual(readdirSync(directory), []);
  });

  it("saveFormat overrides the suffix: a .h5-named path saved as 'tf' is a SavedModel directory", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-save-"));
    await sequentialModel().save(join(directory, "odd.h5"), { saveFormat: "tf" });
    assert.deepEqual(readdirSync(join(directory, "odd.h5")).sort(), ["assets", "fingerprint.pb", "keras_metadata.pb", "saved_model.pb", "variables"]);
  });
  it("saveFormat 'tfjs' writes model.json in the Keras schema that tfjs and keras.models.loadModel read back identically", async () => {
    const directory = join(mkdtempSync(join(tmpdir(), "tskeras-save-")), "web_model");
    const model = sequentialModel();
    await model.save(directory, { saveFormat: "tfjs" });
    const json = JSON.parse(readFileSync(join(directory, "model.json"), "utf8")) as {
      modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
    };
    // Keras class names and keys (not tfjs's camelCase, not respelled twice); Keras 2 lists the input first.
    assert.deepEqual(
      json.modelTopology.config.layers.map((layer) => layer.class_name),
      ["InputLayer", "Dense", "Dense"],
    );
    assert.deepEqual((json.modelTopology.config.layers[1]!.config["kernel_initializer"] as { class_name: string }).class_name, "VarianceScaling");
    const reloaded = await keras.models.loadModel(join(directory, "model.json"));
    const x = inputs();
    assert.deepEqual(Array.from((reloaded.predict(x) as tf.Tensor).dataSync()), Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
  it("a Sequential started with keras.Input saves (.h5, .keras, SavedModel) and reloads with the same layers and predictions", async () => {
    const model = new keras.Sequential([keras.Input({ shape: [5] }), new keras.layers.Dense(3, { activation: "tanh" })]);
    const x = inputs();
    for (const suffix of [".h5", ".keras", ""]) {
      const path = join(mkdtempSync(join(tmpdir(), "tskeras-save-")), `input_first${suffix}`);
      await model.save(path);
      const reloaded = await keras.models.loadModel(path);
      assert.deepEqual(
        reloaded.layers.map((layer) => layer.getClassName()),
        ["Dense"],
        suffix,
      );
      assert.deepEqual(Array.from((reloaded.predict(x) as tf.Tensor).dataSync()), Array.from((model.predict(x) as tf.Tensor).dataSync()), suffix);
    }
  });
  it("a compiled model saved before its first training step reloads from a SavedModel (no Adam slots yet) and trains like the original", async () => {
    const model = sequentialModel();
    model.compile({ optimizer: tf.train.adam(0.01), loss: "sparse_categorical_crossentropy" });
    const path = join(mkdtempSync(join(tmpdir(), "tskeras-save-")), "untrained");
    await model.save(path);
    const reloaded = await keras.models.loadModel(path);
    assert.equal((reloaded.optimizer as unknown as { iterations: number }).iterations, 0);
    const x = inputs();
    const y = labels();
    await model.fit(x, y, fitOptions);
    await reloaded.fit(x, y, fitOptions);
    assert.deepEqual(Array.from((reloaded.predict(x) as tf.Tensor).dataSync()), Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
});
