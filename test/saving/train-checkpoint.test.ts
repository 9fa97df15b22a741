import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { loadCheckpoint, listVariables } from "../../lib/formats/checkpoint/reader.js";
import { Checkpoint, CheckpointManager } from "../../lib/keras/saving/train-checkpoint.js";

const folder = () => mkdtempSync(join(tmpdir(), "tskeras-train-ckpt-"));

/** A tf.Module-like object: variables and sub-objects as properties (the modules guide's SequentialModule). */
function sequentialModule(seed: number) {
  const dense = (inFeatures: number, outFeatures: number) => ({
    w: tfc.variable(tfc.randomNormal([inFeatures, outFeatures], 0, 1, "float32", seed++), true, undefined),
    b: tfc.variable(tfc.zeros([outFeatures])),
  });
  return { dense_1: dense(3, 3), dense_2: dense(3, 2) };
}

describe("tf.train.Checkpoint", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("names a layer's variable by its attribute, with save_counter (the guide's CustomLayer)", async () => {
    const layer = { var: tfc.variable(tfc.scalar(5, "int32"), true, "var_a", "int32") };
    const path = await new Checkpoint({ layer }).save(join(folder(), "custom_layer"));
    assert.match(path, /custom_layer-1$/);
    // The guide prints exactly these three keys and dtypes.
    assert.deepEqual(loadCheckpoint(path).getVariableToDtypeMap(), {
      _CHECKPOINTABLE_OBJECT_GRAPH: "string",
      "layer/var/.ATTRIBUTES/VARIABLE_VALUE": "int32",
      "save_counter/.ATTRIBUTES/VARIABLE_VALUE": "int64",
    });
  });

  // write() before any save() has no save_counter yet: the modules guide's list_variables output has none.
  it("writes and restores module-like objects by property names into a fresh structure", async () => {
    const model = sequentialModule(1);
    const prefix = await new Checkpoint({ model }).write(join(folder(), "my_checkpoint"));
    assert.deepEqual(
      listVariables(prefix).map(([name, shape]) => `${name} [${shape.join(",")}]`),
      [
        "_CHECKPOINTABLE_OBJECT_GRAPH []",
        "model/dense_1/b/.ATTRIBUTES/VARIABLE_VALUE [3]",
        "model/dense_1/w/.ATTRIBUTES/VARIABLE_VALUE [3,3]",
        "model/dense_2/b/.ATTRIBUTES/VARIABLE_VALUE [2]",
        "model/dense_2/w/.ATTRIBUTES/VARIABLE_VALUE [3,2]",
      ],
    );
    const fresh = sequentialModule(99);
    const freshCheckpoint = new Checkpoint({ model: fresh });
    (await freshCheckpoint.restore(prefix)).assertConsumed();
    assert.deepEqual(Array.from(fresh.dense_2.w.dataSync()), Array.from(model.dense_2.w.dataSync()));
    // After a restore (or a save) the counter exists, so later writes carry it.
    const again = await freshCheckpoint.write(join(folder(), "again"));
    assert.ok(listVariables(again).some(([name]) => name === "save_counter/.ATTRIBUTES/VARIABLE_VALUE"));
  });

  it("restores a model and its optimizer given separately, keys by shortest path", async () => {
    const build = () => {
      const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
      model.compile({ optimizer: tfc.train.adam(0.01), loss: "meanSquaredError" });
      return model;
    };
    const model = build();
    await model.fit(tfc.ones([4, 3]), tfc.zeros([4, 2]), { epochs: 1, batchSize: 2, verbose: 0 });
    const path = await new Checkpoint({ model, optimizer: model.optimizer }).save(join(folder(), "ckpt"));
    const keys = loadCheckpoint(path).keys();
    assert.ok(keys.includes("model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
    assert.ok(keys.includes("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"));
    assert.ok(keys.includes("model/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"));
    const restored = build();
    (await new Checkpoint({ model: restored, optimizer: restored.optimizer }).restore(path)).assertConsumed();
    assert.equal(restored.optimizer.iterations, 2);
    assert.deepEqual(Array.from(restored.getWeights()[0]!.dataSync()), Array.from(model.getWeights()[0]!.dataSync()));
  });

  it("CheckpointManager numbers saves, keeps the newest maxToKeep and knows the latest", async () => {
    const directory = folder();
    const state = { v: tfc.variable(tfc.scalar(0)) };
    const manager = new CheckpointManager(new Checkpoint({ state }), directory, { maxToKeep: 3 });
    for (let step = 1; step <= 5; step++) {
      state.v.assign(tfc.scalar(step));
      await manager.save();
    }
    assert.deepEqual(
      manager.checkpoints.map((path) => path.split("/").pop()),
      ["ckpt-3", "ckpt-4", "ckpt-5"],
    );
    assert.equal(manager.latestCheckpoint, join(directory, "ckpt-5"));
    assert.equal(existsSync(join(directory, "ckpt-1.index")), false);
    assert.deepEqual(
      readdirSync(directory).filter((name) => name.startsWith("ckpt-1")),
      [],
    );
    const restored = { v: tfc.variable(tfc.scalar(-1)) };
    (await new Checkpoint({ state: restored }).restore(directory)).assertConsumed();
    assert.equal(restored.v.dataSync()[0], 5);
  });
});
