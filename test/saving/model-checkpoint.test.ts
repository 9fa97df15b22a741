import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { registerChainedOps } from "../../lib/backend/chained-ops.js";
import { loadCheckpoint } from "../../lib/formats/checkpoint/reader.js";
import { loadModelCheckpoint, saveModelCheckpoint } from "../../lib/keras/saving/stores/tf-checkpoint.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const real = realFixturesDirectory;

/** The architecture of k2h5_2.4.0_conv/vw_model.h5, as its model_config states it (read with h5py). */
function vwModel(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [5, 5, 4],
        filters: 32,
        kernelSize: [3, 3],
        strides: [1, 1],
        padding: "same",
        dataFormat: "channelsLast",
        activation: "relu",
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 64, activation: "relu" }),
      tfl.layers.dense({ units: 5, activation: "linear" }),
    ],
  });
}

function mnistLikeModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 16, activation: "relu", inputShape: [12] }), tfl.layers.dropout({ rate: 0.2 }), tfl.layers.dense({ units: 3 })],
  });
  model.compile({ optimizer: tfc.train.adam(0.01), loss: "meanSquaredError" });
  return model;
}

describe("TensorFlow checkpoints of Keras models", () => {
  before(async () => {
    registerChainedOps();
    await tfc.setBackend("cpu");
  });

  it("loads the real tf.keras 2.4 checkpoint into its architecture and predicts the reference outputs", async () => {
    const reference = JSON.parse(readFileSync(join(real, "reference/ckpt_k2.4.0_conv.json"), "utf8"));
    const model = vwModel();
    const status = await loadModelCheckpoint(model, join(real, "ckpt_k2.4.0_conv/cp.ckpt"));
    // Not compiled here, so the Adam slots and hyperparameters stay unused; every weight matched.
    status.assertExistingObjectsMatched();
    assert.throws(() => status.assertConsumed(), /Unused values in checkpoint .*optimizer\/iter/);
    const input = reference.prediction.inputs[0];
    const output = model.predict(tfc.tensor(input.values, input.shape)) as tfc.Tensor;
    const expected = reference.prediction.outputs[0];
    assert.deepEqual(output.shape, expected.shape);
    const actual = output.arraySync() as number[][];
    actual.forEach((row, i) =>
      row.forEach((value, j) =>
        assert.ok(
          Math.abs(value - expected.values[i][j]) <= reference.prediction.tolerance_abs,
          `output[${i}][${j}] = ${value}, reference ${expected.values[i][j]}`,
        ),
      ),
    );
  });

  it("writes the keys tf.keras writes for a trained Sequential model (weights, Adam state)", async () => {
    const model = mnistLikeModel();
    await model.fit(tfc.randomNormal([8, 12]), tfc.randomNormal([8, 3]), { epochs: 2, batchSize: 4, verbose: 0 });
    const directory = mkdtempSync(join(tmpdir(), "tskeras-ckpt-"));
    saveModelCheckpoint(model, join(directory, "cp.ckpt"));
    // Written from the format facts (tf.keras 2 naming, as in the real ckpt_k2.4.0_conv): layers with
    // weights by position, Adam's iter/beta_1/beta_2/decay/learning_rate, slots m and v per variable.
    const variables = ["layer_with_weights-0/kernel", "layer_with_weights-0/bias", "layer_with_weights-1/kernel", "layer_with_weights-1/bias"];
    const expected = [
      "_CHECKPOINTABLE_OBJECT_GRAPH",
      ...variables.map((path) => `${path}/.ATTRIBUTES/VARIABLE_VALUE`),
      ...variables.flatMap((path) => ["m", "v"].map((slot) => `${path}/.OPTIMIZER_SLOT/optimizer/${slot}/.ATTRIBUTES/VARIABLE_VALUE`)),
      ...["beta_1", "beta_2", "decay", "iter", "learning_rate"].map((name) => `optimizer/${name}/.ATTRIBUTES/VARIABLE_VALUE`),
    ].sort();
    const reader = loadCheckpoint(join(directory, "cp.ckpt"));
    assert.deepEqual(reader.keys(), expected);
    const dtypes = reader.getVariableToDtypeMap();
    assert.equal(dtypes["optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"], "int64");
    assert.equal(Number((reader.getTensor("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE").data as BigInt64Array)[0]), 4, "2 epochs × 2 batches");
    assert.match(readFileSync(join(directory, "checkpoint"), "utf8"), /^model_checkpoint_path: "cp\.ckpt"$/m);
  });

  it("restores weights bit-exactly and resumes training with the same optimizer state", async () => {
    const x = tfc.randomNormal([8, 12], 0, 1, "float32", 7);
    const y = tfc.randomNormal([8, 3], 0, 1, "float32", 8);
    const trained = mnistLikeModel();
    await trained.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, shuffle: false });
    const directory = mkdtempSync(join(tmpdir(), "tskeras-ckpt-"));
    saveModelCheckpoint(trained, join(directory, "cp.ckpt"));
    const restored = mnistLikeModel();
    (await loadModelCheckpoint(restored, directory)).assertConsumed();
    const flat = (model: tfl.LayersModel) => model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
    assert.deepEqual(flat(restored), flat(trained));
    // One more identical epoch on both (dropout off: inference-free comparison needs no randomness).
    for (const model of [trained, restored]) (model.layers[1] as unknown as { rate: number }).rate = 0;
    await trained.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    await restored.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    assert.deepEqual(flat(restored), flat(trained), "Adam's moments and iteration count were restored");
  });

  it("names the layer and both shapes when the architecture differs", async () => {
    const other = tfl.sequential({ layers: [tfl.layers.dense({ units: 5, inputShape: [4] })] });
    const directory = mkdtempSync(join(tmpdir(), "tskeras-ckpt-"));
    saveModelCheckpoint(other, join(directory, "cp.ckpt"));
    const different = tfl.sequential({ layers: [tfl.layers.dense({ units: 6, inputShape: [4], name: "wide" })] });
    await assert.rejects(
      loadModelCheckpoint(different, join(directory, "cp.ckpt")),
      /Shape mismatch for kernel of Dense layer 'wide': the checkpoint's layer_with_weights-0\/kernel\/\.ATTRIBUTES\/VARIABLE_VALUE has shape \[4, 5\], the model expects \[4, 6\]/,
    );
  });
});
