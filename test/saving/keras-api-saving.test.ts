import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { repositoryRoot } from "../support/kernelspec.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const real = realFixturesDirectory;

function tutorialModel() {
  const model = new keras.Sequential([
    new keras.layers.Dense(32, { activation: "relu", inputShape: [20] }),
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

describe("model.saveWeights / model.loadWeights / keras.models.loadModel", () => {
  it("saves a TensorFlow checkpoint that a fresh process reloads bit-exactly", async () => {
    const model = tutorialModel();
    await model.fit(tf.randomNormal([16, 20], 0, 1, "float32", 3), tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], "int32"), {
      epochs: 1,
      batchSize: 8,
      verbose: 0,
    });
    const directory = mkdtempSync(join(tmpdir(), "tskeras-api-"));
    await model.saveWeights(join(directory, "cp.ckpt"));
    const expected = model.getWeights().map((weight) => Array.from(weight.dataSync()));
    const script = `
      import { keras } from ${JSON.stringify(join(repositoryRoot, "dist/lib/index.js"))};
      const model = new keras.Sequential([new keras.layers.Dense(32, { activation: "relu", inputShape: [20] }), new keras.layers.Dropout(0.2), new keras.layers.Dense(10)]);
      model.compile({ optimizer: "adam", loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
      (await model.loadWeights(${JSON.stringify(join(directory, "cp.ckpt"))})).assertConsumed();
      process.stdout.write(JSON.stringify({ weights: model.getWeights().map((weight) => Array.from(weight.dataSync())), iterations: model.optimizer.iterations }));`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(child.status, 0, child.stderr);
    const restored = JSON.parse(child.stdout);
    assert.deepEqual(restored.weights, expected);
    assert.equal(restored.iterations, 2);
  });

  it("loads real Keras files with keras.models.loadModel and predicts their reference outputs", async () => {
    for (const [file, id] of [
      ["k2h5_2.12.0_dense/AlphabetSoupCharity.h5", "k2h5_2.12.0_dense"],
      ["k3_3.10.0_cnn/model.keras", "k3_3.10.0_cnn"],
    ] as const) {
      const reference = JSON.parse(readFileSync(join(real, "reference", `${id}.json`), "utf8")).prediction;
      const model = await keras.models.loadModel(join(real, file));
      const input = reference.inputs[0];
      const output = (model.predict(tf.tensor(input.values, input.shape)) as tf.Tensor).arraySync() as number[][];
      const expected = reference.outputs[0].values as number[][];
      output.forEach((row, i) => row.forEach((value, j) => assert.ok(Math.abs(value - expected[i]![j]!) <= reference.tolerance_abs, `${id}[${i}][${j}]`)));
    }
  });

  it("says what to do for files that are not whole models", async () => {
    await assert.rejects(
      keras.models.loadModel(join(real, "ckpt_k2.4.0_conv/cp.ckpt")),
      /holds weights, not an architecture\. Build the model, then await model\.loadWeights/,
    );
    await assert.rejects(keras.models.loadModel(join(real, "adv_k2h5_2.11.0_lambda/exploit.h5")), /Lambda/);
  });
});
