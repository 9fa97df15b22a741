/**
 * Library behaviours the "Save and load models" tutorial notebook shows, checked against TensorFlow's
 * and Keras's documented behaviour (not against the code's own output).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import { selectBackend } from "../../lib/backend/select.js";
import { latestCheckpoint } from "../../lib/formats/checkpoint/state-file.js";
import * as keras from "../../lib/keras/index.js";
import { captureLog } from "../support/capture-log.js";

describe("behaviours the save-and-load notebooks rely on", () => {
  before(async () => {
    process.env.TSKERAS_BACKEND = "cpu";
    await selectBackend();
  });

  it("tf.train.latestCheckpoint joins a relative stored path to the directory as given, like TensorFlow", () => {
    const root = mkdtempSync(join(tmpdir(), "tskeras-latest-"));
    const previous = process.cwd();
    process.chdir(root);
    try {
      mkdirSync("training_2");
      for (const name of ["cp-0005.ckpt.index", "cp-0050.ckpt.index"]) writeFileSync(join("training_2", name), "");
      // The state file as TensorFlow writes it: paths relative to the directory.
      writeFileSync(
        "training_2/checkpoint",
        'model_checkpoint_path: "cp-0050.ckpt"\nall_model_checkpoint_paths: "cp-0005.ckpt"\nall_model_checkpoint_paths: "cp-0050.ckpt"\n',
      );
      assert.equal(latestCheckpoint("training_2"), "training_2/cp-0050.ckpt");
      assert.equal(latestCheckpoint("./training_2/"), "training_2/cp-0050.ckpt");
      assert.equal(latestCheckpoint(join(root, "training_2")), join(root, "training_2", "cp-0050.ckpt"));
    } finally {
      process.chdir(previous);
    }
  });

  it("evaluate({ verbose: 2 }) prints Keras's one-line summary and resolves to [loss, accuracy]", async () => {
    const model = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3], kernelInitializer: "zeros" })]);
    model.compile({
      optimizer: "adam",
      loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: [new keras.metrics.SparseCategoricalAccuracy()],
    });
    // Zero kernel and bias: equal logits, so the loss is ln 2 for every sample; argmax picks class 0.
    const x = tfc.ones([40, 3]);
    const y = tfc.tensor1d([...Array(30).fill(0), ...Array(10).fill(1)], "int32");
    const { value, lines } = await captureLog(async () => await model.evaluate(x, y, { verbose: 2 }));
    assert.ok(Math.abs(value[0]! - Math.LN2) < 1e-6, `loss ${value[0]}`);
    assert.ok(Math.abs(value[1]! - 0.75) < 1e-6, `accuracy ${value[1]}`);
    assert.equal(lines.length, 1);
    // 40 samples in batches of 32: 2 steps; no progress bar in verbose 2.
    assert.match(lines[0]!, /^2\/2 - \d+s - loss: 0\.6931 - sparse_categorical_accuracy: 0\.7500 - \d+s\/epoch - \d+m?s\/step$/);
  });

  it("a model compiled with SparseCategoricalCrossentropy({ fromLogits: true }) reloads from .h5, .keras and SavedModel with the same loss", async () => {
    const model = new keras.Sequential([new keras.layers.Dense(3, { inputShape: [2] })]);
    // SGD: an untrained Adam model's SavedModel does not reload yet (its slots are expected but not written).
    model.compile({
      optimizer: "sgd",
      loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: [new keras.metrics.SparseCategoricalAccuracy()],
    });
    model.setWeights([
      tfc.tensor2d([
        [1, -2, 0.5],
        [3, 0, -1],
      ]),
      tfc.tensor1d([0.1, 0.2, -0.3]),
    ]);
    const inputs = [
      [1, 2],
      [-1, 0.5],
      [0, -2],
      [2, 2],
    ];
    const labels = [0, 1, 2, 1];
    // Independent: logits = x·W + b, loss = mean(logsumexp(logits) - logits[label]).
    const kernel = [
      [1, -2, 0.5],
      [3, 0, -1],
    ];
    const bias = [0.1, 0.2, -0.3];
    const expected =
      inputs.reduce((total, x, row) => {
        const logits = bias.map((b, j) => b + x[0]! * kernel[0]![j]! + x[1]! * kernel[1]![j]!);
        return total + Math.log(logits.reduce((sum, logit) => sum + Math.exp(logit), 0)) - logits[labels[row]!]!;
      }, 0) / inputs.length;
    const x = tfc.tensor2d(inputs);
    const y = tfc.tensor1d(labels, "int32");
    const [originalLoss] = await model.evaluate(x, y, { verbose: 0 });
    assert.ok(Math.abs(originalLoss! - expected) < 1e-5, `original loss ${originalLoss}, expected ${expected}`);
    const directory = mkdtempSync(join(tmpdir(), "tskeras-logits-"));
    for (const name of ["model.h5", "model.keras", "saved_model_dir"]) {
      await model.save(join(directory, name));
      const loaded = (await keras.models.loadModel(join(directory, name))) as keras.Sequential;
      const [loss] = await loaded.evaluate(x, y, { verbose: 0 });
      assert.ok(Math.abs(loss! - expected) < 1e-5, `${name}: reloaded loss ${loss}, expected ${expected}`);
    }
    // The files say so the way Keras writes it (read with h5py and zipfile, not with tskeras).
    const script = `
import h5py, json, sys, zipfile
h5 = json.loads(h5py.File(sys.argv[1] + "/model.h5").attrs["training_config"])["loss"]
k3 = json.loads(zipfile.ZipFile(sys.argv[1] + "/model.keras").read("config.json"))["compile_config"]["loss"]
print(json.dumps([h5["class_name"], h5["config"]["from_logits"], k3["module"], k3["class_name"], k3["config"]["from_logits"]]))`;
    const python = spawnSync("/usr/bin/python3", ["-c", script, directory], { encoding: "utf8" });
    assert.equal(python.status, 0, python.stderr);
    assert.deepEqual(JSON.parse(python.stdout), ["SparseCategoricalCrossentropy", true, "keras.losses", "SparseCategoricalCrossentropy", true]);
  });

  it("Sequential([keras.Input({ shape: [32] }), Dense(1)]) keeps its input shape in getConfig, toJSON and the rebuilt model", () => {
    const model = new keras.Sequential([keras.Input({ shape: [32] }), new keras.layers.Dense(1)]);
    const config = model.getConfig() as { layers: Array<{ class_name: string; config: Record<string, unknown> }> };
    // As Keras 2 writes it (see the real k2h5_2.12.0_dense file): an InputLayer entry with the batch shape, then the layers.
    assert.deepEqual(
      config.layers.map((layer) => layer.class_name),
      ["InputLayer", "Dense"],
    );
    assert.deepEqual(config.layers[0]!.config["batch_input_shape"], [null, 32]);
    for (const rebuilt of [keras.Sequential.fromConfig(config), keras.models.modelFromJSON(model.toJSON())]) {
      assert.deepEqual(rebuilt.inputs[0]!.shape, [null, 32]);
      assert.deepEqual(rebuilt.outputs[0]!.shape, [null, 1]);
      assert.deepEqual(
        rebuilt.layers.map((layer) => layer.getClassName()),
        ["Dense"],
      );
      rebuilt.setWeights(model.getWeights());
      const x = tfc.ones([2, 32]);
      // Independent: ones · kernel + bias, summed by hand.
      const kernel = Array.from(model.getWeights()[0]!.dataSync());
      const expected = kernel.reduce((sum, value) => sum + value, 0);
      const output = Array.from((rebuilt.predict(x) as tfc.Tensor).dataSync());
      output.forEach((value) => assert.ok(Math.abs(value - expected) < 1e-5, `${value} vs ${expected}`));
    }
  });
});
