import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import { selectBackend } from "../../lib/backend/select.js";
import { latestCheckpoint } from "../../lib/formats/checkpoint/state-file.js";
import { loadCheckpoint } from "../../lib/formats/checkpoint/reader.js";
import * as keras from "../../lib/keras/index.js";
import { LayersModel } from "../../lib/api/tf.js";
import { pythonFormat, type FormatValue } from "../../lib/keras/callbacks/python-format.js";
import { captureLog } from "../support/capture-log.js";

/** The tutorial's create_model(). */
function createModel() {
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
  return model;
}

/** The tutorial's data: the first 1,000 training and test digits, flattened and scaled to [0, 1]. */
function mnistSlice(count: number) {
  const [[xTrainAll, yTrainAll], [xTestAll, yTestAll]] = keras.datasets.mnist.loadData();
  const flatten = (images: tfc.Tensor3D) => tfc.div(tfc.reshape(tfc.slice(images, 0, count), [count, 784]), 255) as tfc.Tensor2D;
  return { xTrain: flatten(xTrainAll), yTrain: tfc.slice(yTrainAll, 0, count), xTest: flatten(xTestAll), yTest: tfc.slice(yTestAll, 0, count) };
}

const folder = () => mkdtempSync(join(tmpdir(), "tskeras-model-checkpoint-"));

describe("keras.callbacks.ModelCheckpoint", () => {
  before(async () => {
    // The native pass of test/run.mjs runs it on the native TensorFlow backend instead.
    process.env.TSKERAS_BACKEND = process.env.TSKERAS_BACKEND === "tensorflow" ? "tensorflow" : "wasm";
    await selectBackend();
  });

  it("fills Python format templates exactly as Python's str.format does", () => {
    const cases: Array<[string, Record<string, FormatValue>]> = [
      ["cp-{epoch:04d}.ckpt", { epoch: { integer: 5 } }],
      ["weights.{epoch:02d}-{val_loss:.2f}.hdf5", { epoch: { integer: 12 }, val_loss: 0.4567 }],
      ["{epoch}-{loss}", { epoch: { integer: 3 }, loss: 0.5 }],
      ["{loss}|{whole}|{tiny}", { loss: 0.1234567891, whole: 2, tiny: 0.00001234 }],
      ["{x:e}|{x:.3E}|{x:g}|{x:.3g}|{y:g}|{y:.2g}", { x: 12345.678, y: 0.0001234 }],
      ["{x:>9.3f}|{x:<9.2f}|{x:^9.1f}|{x:+.1f}|{n:,}|{n:_d}|{n:08d}|{m:05d}", { x: 3.14159, n: { integer: 1234567 }, m: { integer: -42 } }],
      ["{{literal}} {x:.1%} {best:.5f} {nan:.2f}", { x: 0.8765, best: Infinity, nan: NaN }],
      ["{z:g}|{h:g}|{big:g}|{x:.0f}|{x:#.3g}", { z: 0, h: 100, big: 1e20, x: 2.5 }],
    ];
    // Python is the reference: the same templates and values through str.format.
    const script = `
import json, sys
cases = json.loads(sys.stdin.read())
def value(v):
    if isinstance(v, dict): return v["integer"]
    if v == "inf": return float("inf")
    if v == "nan": return float("nan")
    return float(v)
print(json.dumps([t.format(**{k: value(v) for k, v in vals.items()}) for t, vals in cases]))`;
    const encoded = JSON.stringify(
      cases.map(([template, values]) => [
        template,
        Object.fromEntries(
          Object.entries(values).map(([key, value]) => [
            key,
            typeof value === "number" && !Number.isFinite(value) ? (Number.isNaN(value) ? "nan" : "inf") : value,
          ]),
        ),
      ]),
    );
    const python = spawnSync("/usr/bin/python3", ["-c", script], { input: encoded, encoding: "utf8" });
    assert.equal(python.status, 0, python.stderr);
    const expected = JSON.parse(python.stdout) as string[];
    assert.deepEqual(
      cases.map(([template, values]) => pythonFormat(template, values)),
      expected,
    );
    assert.throws(() => pythonFormat("cp-{step}.ckpt", { epoch: { integer: 1 } }), /uses \{step\}, but only \{epoch\} are known/);
    assert.throws(() => pythonFormat("{loss:d}", { loss: 0.5 }), /Unknown format code 'd' for \{loss\}, which is a float/);
  });

  it("the docs' flow: saves weights every 5 epochs as cp-0005.ckpt … cp-0050.ckpt; the newest reloads with the same accuracy", async () => {
    // The docs train on 1,000 digits; 320 keep the test short while the 50 epochs (the point) stay.
    const { xTrain: xAll, yTrain: yAll, xTest, yTest } = mnistSlice(1000);
    const [xTrain, yTrain] = [tfc.slice(xAll, 0, 320), tfc.slice(yAll, 0, 320)];
    const batchSize = 32;
    const batchesPerEpoch = Math.ceil(320 / batchSize);
    const directory = folder();
    const checkpointPath = join(directory, "training_2", "cp-{epoch:04d}.ckpt");
    const model = createModel();
    // Python: ModelCheckpoint(filepath=checkpoint_path, verbose=1, save_weights_only=True, save_freq=5*n_batches)
    const callback = new keras.callbacks.ModelCheckpoint(checkpointPath, { verbose: 1, saveWeightsOnly: true, saveFreq: 5 * batchesPerEpoch });
    await model.saveWeights(pythonFormat(checkpointPath, { epoch: { integer: 0 } }));
    const { lines } = await captureLog(() => model.fit(xTrain, yTrain, { epochs: 50, batchSize, callbacks: [callback], verbose: 0 }));
    const saved = readdirSync(join(directory, "training_2"))
      .filter((name) => name.endsWith(".index"))
      .sort();
    const expectedEpochs = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50];
    assert.deepEqual(
      saved,
      expectedEpochs.map((epoch) => `cp-${String(epoch).padStart(4, "0")}.ckpt.index`),
    );
    for (const epoch of expectedEpochs) assert.ok(existsSync(join(directory, "training_2", `cp-${String(epoch).padStart(4, "0")}.ckpt.data-00000-of-00001`)));
    // Keras prints one line per save, after a line break, with the 1-based epoch and the formatted path.
    assert.deepEqual(
      lines,
      expectedEpochs.slice(1).map((epoch) => `\nEpoch ${epoch}: saving model to ${join(directory, "training_2", `cp-${String(epoch).padStart(4, "0")}.ckpt`)}`),
    );
    const latest = latestCheckpoint(join(directory, "training_2"));
    assert.equal(relative(directory, latest ?? ""), join("training_2", "cp-0050.ckpt"));
    // The weights at epoch 5 are not the final ones (training went on), the ones at epoch 50 are.
    const finalKernel = Array.from(model.getWeights()[0]!.dataSync());
    const read = (epoch: string) =>
      Array.from(
        loadCheckpoint(join(directory, "training_2", `cp-${epoch}.ckpt`)).getTensor("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")
          .data as Float32Array,
      );
    assert.deepEqual(read("0050"), finalKernel);
    assert.notDeepEqual(read("0005"), finalKernel);

    const fresh = createModel();
    (await fresh.loadWeights(latest!))!.assertConsumed();
    const accuracy = (candidate: keras.Sequential) => {
      const predicted = Array.from(tfc.argMax(candidate.predict(xTest) as tfc.Tensor, -1).dataSync());
      const labels = Array.from(yTest.dataSync());
      return predicted.reduce((count, value, index) => count + (value === labels[index] ? 1 : 0), 0) / labels.length;
    };
    const trainedAccuracy = accuracy(model);
    assert.ok(trainedAccuracy > 0.7, `the tutorial's model reaches > 70% on the test digits (got ${trainedAccuracy})`);
    assert.equal(accuracy(fresh), trainedAccuracy);
    assert.ok(accuracy(createModel()) < 0.5, "an untrained model is far worse, so the equality above means something");
  });

  it("the docs' per-epoch flow: training_1/cp.ckpt rewritten each epoch, with Keras's log lines", async () => {
    const { xTrain, yTrain, xTest, yTest } = mnistSlice(128);
    const directory = folder();
    const checkpointPath = join(directory, "training_1", "cp.ckpt");
    const model = createModel();
    const callback = new keras.callbacks.ModelCheckpoint({ filepath: checkpointPath, saveWeightsOnly: true, verbose: 1 });
    const { lines } = await captureLog(() => model.fit(xTrain, yTrain, { epochs: 3, batchSize: 64, validationData: [xTest, yTest], callbacks: [callback] }));
    // Our progress lines come first, then Keras's save message for that epoch.
    assert.deepEqual(
      lines.filter((line) => line.includes("saving model")),
      [1, 2, 3].map((epoch) => `\nEpoch ${epoch}: saving model to ${checkpointPath}`),
    );
    const order = lines.map((line) => (line.startsWith("Epoch ") ? "epoch" : line.startsWith("\nEpoch") ? "save" : "progress"));
    assert.deepEqual(order, ["epoch", "progress", "save", "epoch", "progress", "save", "epoch", "progress", "save"]);
    assert.deepEqual(readdirSync(join(directory, "training_1")).sort(), ["checkpoint", "cp.ckpt.data-00000-of-00001", "cp.ckpt.index"]);
    assert.match(readFileSync(join(directory, "training_1", "checkpoint"), "utf8"), /^model_checkpoint_path: "cp\.ckpt"$/m);
    const fresh = createModel();
    (await fresh.loadWeights(checkpointPath))!.assertConsumed();
    assert.deepEqual(
      fresh.getWeights().map((weight) => Array.from(weight.dataSync())),
      model.getWeights().map((weight) => Array.from(weight.dataSync())),
    );
    assert.equal(fresh.optimizer.iterations, 6, "3 epochs × 2 batches of Adam state");
    // The key set tf.keras 2 writes for this model after fit with Adam (format facts §4.4, as in the real
    // ckpt_k2.4.0_conv): layers with weights by position (Dropout has none), attribute names, Adam's
    // iter and hyperparameters, slots m and v per trainable variable; no save_counter for save_weights.
    const variables = ["layer_with_weights-0/kernel", "layer_with_weights-0/bias", "layer_with_weights-1/kernel", "layer_with_weights-1/bias"];
    const expectedKeys = [
      "_CHECKPOINTABLE_OBJECT_GRAPH",
      ...variables.map((path) => `${path}/.ATTRIBUTES/VARIABLE_VALUE`),
      ...variables.flatMap((path) => ["m", "v"].map((slot) => `${path}/.OPTIMIZER_SLOT/optimizer/${slot}/.ATTRIBUTES/VARIABLE_VALUE`)),
      ...["beta_1", "beta_2", "decay", "iter", "learning_rate"].map((name) => `optimizer/${name}/.ATTRIBUTES/VARIABLE_VALUE`),
    ].sort();
    const reader = loadCheckpoint(checkpointPath);
    assert.deepEqual(reader.keys(), expectedKeys);
    const shapes = reader.getVariableToShapeMap();
    assert.deepEqual(shapes["layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"], [784, 512]);
    assert.deepEqual(shapes["layer_with_weights-1/kernel/.OPTIMIZER_SLOT/optimizer/v/.ATTRIBUTES/VARIABLE_VALUE"], [512, 10]);
    assert.equal(reader.getVariableToDtypeMap()["optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"], "int64");
  });

  it("saveBestOnly saves only improvements of the monitored value, named from the logs", async () => {
    const directory = folder();
    const model = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: "sgd", loss: "mean_squared_error" });
    const callback = new keras.callbacks.ModelCheckpoint(join(directory, "best-{epoch:02d}-{loss:.4f}.ckpt"), {
      monitor: "loss",
      saveBestOnly: true,
      saveWeightsOnly: true,
      verbose: 1,
    });
    assert.equal(callback.mode, "min", "auto mode: losses shrink");
    assert.equal(new keras.callbacks.ModelCheckpoint("x", { monitor: "val_accuracy" }).mode, "max", "auto mode: accuracies grow");
    callback.setModel(model);
    // Drive the hooks with chosen logs, as fit would: epoch 1 improves on +inf, 2 is worse, 3 improves.
    const { lines } = await captureLog(async () => {
      for (const [epoch, loss] of [
        [0, 0.5],
        [1, 0.75],
        [2, 0.25],
      ] as const) {
        callback.onEpochBegin(epoch);
        await callback.onEpochEnd(epoch, { loss });
      }
    });
    assert.deepEqual(lines, [
      `\nEpoch 1: loss improved from inf to 0.50000, saving model to ${join(directory, "best-01-0.5000.ckpt")}`,
      "\nEpoch 2: loss did not improve from 0.50000",
      `\nEpoch 3: loss improved from 0.50000 to 0.25000, saving model to ${join(directory, "best-03-0.2500.ckpt")}`,
    ]);
    assert.deepEqual(
      readdirSync(directory)
        .filter((name) => name.endsWith(".index"))
        .sort(),
      ["best-01-0.5000.ckpt.index", "best-03-0.2500.ckpt.index"],
    );
    assert.equal(relative(directory, latestCheckpoint(directory) ?? ""), "best-03-0.2500.ckpt");
  });

  it("says what is wrong with bad arguments and with whole-model saves the model cannot do", async () => {
    assert.throws(
      () => new keras.callbacks.ModelCheckpoint("cp.ckpt", { saveFreq: 0 }),
      /Unrecognized saveFreq: 0\. Expected "epoch" or a positive whole number of batches/,
    );
    assert.throws(() => new keras.callbacks.ModelCheckpoint({ filepath: "" }), /ModelCheckpoint needs a file path/);
    const model = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: "sgd", loss: "mean_squared_error" });
    const callback = new keras.callbacks.ModelCheckpoint(join(folder(), "model.keras"));
    callback.setModel(model);
    // Keras's save comes from the shared model API (keras-model-api.ts), not tfjs's LayersModel.save.
    const hasKerasSave = keras.Sequential.prototype.save !== LayersModel.prototype.save;
    if (!hasKerasSave)
      await assert.rejects(
        callback.onEpochEnd(0, { loss: 1 }),
        /cannot save the whole model to .*model\.keras: this model has no Keras model\.save\(path\)\. Pass saveWeightsOnly: true/,
      );
    else {
      await callback.onEpochEnd(0, { loss: 1 });
      assert.ok(readdirSync(join(callback.filepath, "..")).length > 0, "model.save wrote the model");
    }
  });
});
