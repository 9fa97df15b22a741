import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import * as keras from "../../lib/keras/index.js";
import { loadCheckpoint } from "../../lib/formats/checkpoint/reader.js";
import { Checkpoint } from "../../lib/keras/saving/train-checkpoint.js";

const folder = () => mkdtempSync(join(tmpdir(), "tskeras-deferred-"));
const values = (tensor: tfc.Tensor) => Array.from(tensor.dataSync());

/** Two built Dense layers with random weights, saved as `{ hidden, output }`. */
async function savedPair(seed: number) {
  const hidden = new keras.layers.Dense(4, { activation: "relu", kernelInitializer: tfl.initializers.randomNormal({ seed }), biasInitializer: "randomNormal" });
  const output = new keras.layers.Dense(2, { kernelInitializer: tfl.initializers.randomNormal({ seed: seed + 1 }), biasInitializer: "randomNormal" });
  const x = tfc.randomNormal([5, 3], 0, 1, "float32", seed + 2);
  const expected = output.apply(hidden.apply(x)) as tfc.Tensor;
  const prefix = await new Checkpoint({ hidden, output }).write(join(folder(), "pair"));
  return { prefix, x, expected, hidden, output };
}

describe("deferred restoration (layers built after restore)", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("a layer restored before its first call takes the checkpoint's values when it builds", async () => {
    const { prefix } = await savedPair(1);
    const reader = loadCheckpoint(prefix);
    const layer = new keras.layers.Dense(4, { activation: "relu" });
    const status = await new Checkpoint({ hidden: layer }).restore(prefix);
    assert.equal(layer.weights.length, 0, "not built yet: no variables");
    status.assertExistingObjectsMatched();
    assert.throws(() => status.assertConsumed(), /Unused values in checkpoint .*hidden\/kernel.* Still waiting to be built .*: Dense layer/);
    layer.apply(tfc.ones([1, 3]));
    assert.deepEqual(values(layer.getWeights()[0]!), Array.from(reader.getTensor("hidden/kernel/.ATTRIBUTES/VARIABLE_VALUE").data as Float32Array));
    assert.deepEqual(values(layer.getWeights()[1]!), Array.from(reader.getTensor("hidden/bias/.ATTRIBUTES/VARIABLE_VALUE").data as Float32Array));
    // The checkpoint also holds `output`, which this restore never had: still unused; the rest (the
    // layer's values and save_counter, which every Checkpoint has) consumed.
    assert.deepEqual(status.unusedKeys.sort(), ["output/bias/.ATTRIBUTES/VARIABLE_VALUE", "output/kernel/.ATTRIBUTES/VARIABLE_VALUE"]);
    assert.deepEqual(status.pendingObjects, []);
  });

  it("a functional model built from restored layers predicts what the saved layers predicted", async () => {
    const { prefix, x, expected } = await savedPair(10);
    const hidden = new keras.layers.Dense(4, { activation: "relu" });
    const output = new keras.layers.Dense(2);
    const checkpoint = new Checkpoint({ hidden, output });
    const status = await checkpoint.restore(prefix);
    assert.throws(() => status.assertConsumed(), /Still waiting to be built/);
    const inputs = keras.Input({ shape: [3] });
    const model = new keras.Model(inputs, output.apply(hidden.apply(inputs)) as ReturnType<typeof keras.Input>);
    status.assertConsumed();
    assert.deepEqual(values(model.predict(x) as tfc.Tensor), values(expected));
  });

  it("a Sequential model assembled after restore from restored layers, and the newest restore wins", async () => {
    const first = await savedPair(20);
    const second = await savedPair(30);
    const hidden = new keras.layers.Dense(4, { activation: "relu" });
    const output = new keras.layers.Dense(2);
    const checkpoint = new Checkpoint({ hidden, output });
    const older = await checkpoint.restore(first.prefix);
    const newer = await checkpoint.restore(second.prefix);
    const model = new keras.Sequential([keras.Input({ shape: [3] }), hidden, output]);
    newer.assertConsumed();
    older.assertConsumed();
    assert.deepEqual(values(model.predict(second.x) as tfc.Tensor), values(second.expected));
    assert.notDeepEqual(values(model.predict(first.x) as tfc.Tensor), values(first.expected));
  });

  it("an unbuilt layer whose shapes disagree with the checkpoint fails at build, naming both shapes", async () => {
    const { prefix } = await savedPair(40);
    const layer = new keras.layers.Dense(4);
    await new Checkpoint({ hidden: layer }).restore(prefix);
    assert.throws(
      () => layer.apply(tfc.ones([1, 7])),
      /Shape mismatch for .*kernel.*: the checkpoint's hidden\/kernel\/\.ATTRIBUTES\/VARIABLE_VALUE has shape \[3, 4\], the model expects \[7, 4\]/,
    );
  });
});
