import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { loadCheckpoint } from "../../lib/formats/checkpoint/reader.js";
import { repositoryRoot } from "../support/kernelspec.js";

// The docs' MNIST model (create_model in the checkpoint tutorial), built the same way in both processes.
const createModelSource = `
function createModel(keras) {
  const model = new keras.Sequential([
    new keras.layers.Dense(512, { activation: "relu", inputShape: [784] }),
    new keras.layers.Dropout(0.2),
    new keras.layers.Dense(10),
  ]);
  model.compile({ optimizer: "adam", loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: [new keras.metrics.SparseCategoricalAccuracy()] });
  return model;
}
function trainingData(tf) {
  return [tf.randomUniform([48, 784], 0, 1, "float32", 11), tf.tensor1d(Array.from({ length: 48 }, (_, index) => (index * 7) % 10), "int32")];
}`;
const { createModel, trainingData } = new Function(`${createModelSource}; return { createModel, trainingData };`)() as {
  createModel: (library: typeof keras) => keras.Sequential;
  trainingData: (library: typeof tf) => [tf.Tensor, tf.Tensor];
};

/** Every tensor of two checkpoints, compared byte for byte. */
function assertSameCheckpoint(actualPrefix: string, expectedPrefix: string): void {
  const actual = loadCheckpoint(actualPrefix);
  const expected = loadCheckpoint(expectedPrefix);
  assert.deepEqual(actual.keys(), expected.keys());
  for (const key of expected.keys()) {
    if (key === "_CHECKPOINTABLE_OBJECT_GRAPH") continue;
    const bytes = (prefix: typeof actual) => {
      const data = prefix.getTensor(key).data as ArrayBufferView;
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    };
    assert.ok(bytes(actual).equals(bytes(expected)), `${key} differs`);
  }
}

describe("the docs' MNIST model in a fresh process", () => {
  it("reloads weights and Adam state bit-exactly (assertConsumed) and resumes training exactly as the original", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-resume-"));
    const model = createModel(keras);
    const [x, y] = trainingData(tf);
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
    await model.saveWeights(join(directory, "trained", "cp.ckpt"));
    const script = `
      import { keras, tf } from ${JSON.stringify(join(repositoryRoot, "dist/lib/index.js"))};
      ${createModelSource}
      const model = createModel(keras);
      (await model.loadWeights(${JSON.stringify(join(directory, "trained", "cp.ckpt"))})).assertConsumed();
      await model.saveWeights(${JSON.stringify(join(directory, "reloaded", "cp.ckpt"))});
      model.layers[1].rate = 0;
      const [x, y] = trainingData(tf);
      await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
      await model.saveWeights(${JSON.stringify(join(directory, "resumed-child", "cp.ckpt"))});`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(child.status, 0, child.stderr);
    // Loaded then saved again: the same bytes for weights, m, v, iter and hyperparameters.
    assertSameCheckpoint(join(directory, "reloaded", "cp.ckpt"), join(directory, "trained", "cp.ckpt"));
    const iterations = loadCheckpoint(join(directory, "reloaded", "cp.ckpt")).getTensor("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE").data as BigInt64Array;
    assert.equal(iterations[0], 3n, "48 samples in batches of 16");
    // One more epoch here (dropout off in both, so no randomness): the same weights and optimizer state.
    (model.layers[1] as unknown as { rate: number }).rate = 0;
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
    await model.saveWeights(join(directory, "resumed-parent", "cp.ckpt"));
    assertSameCheckpoint(join(directory, "resumed-child", "cp.ckpt"), join(directory, "resumed-parent", "cp.ckpt"));
    const resumedIterations = loadCheckpoint(join(directory, "resumed-child", "cp.ckpt")).getTensor("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE")
      .data as BigInt64Array;
    assert.equal(resumedIterations[0], 6n);
  });
});
