import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { listTfjsVariables, TfjsFormatError } from "../../lib/formats/tfjs/model-json.js";
import { loadTfjsLayersModel, saveTfjsLayersModel } from "../../lib/keras/saving/stores/tfjs.js";
import { repositoryRoot } from "../support/kernelspec.js";
import * as keras from "../../lib/keras/index.js";

function smallModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 3, activation: "relu", inputShape: [4], name: "hidden" }), tfl.layers.dense({ units: 2, name: "logits" })],
  });
  model.compile({ optimizer: "adam", loss: "meanSquaredError" });
  return model;
}

const input = [[0.5, -1, 2, 0.25]];

describe("TensorFlow.js model.json format", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("writes model.json and shards whose bytes are the model's weights in manifest order", async () => {
    const model = smallModel();
    const directory = mkdtempSync(join(tmpdir(), "tskeras-tfjs-"));
    const files = await saveTfjsLayersModel(model, directory, { shardBytes: 40 });
    const json = JSON.parse(readFileSync(files.modelJsonPath, "utf8"));
    assert.equal(json.format, "layers-model");
    assert.equal(json.modelTopology.class_name, "Sequential");
    const specs = json.weightsManifest[0].weights as Array<{ name: string; shape: number[]; dtype: string }>;
    assert.deepEqual(
      specs.map((spec) => spec.shape),
      [[4, 3], [3], [3, 2], [2]],
    );
    // 4·3 + 3 + 3·2 + 2 = 23 float32 values = 92 bytes → three shards of at most 40 bytes.
    assert.equal(files.weightPaths.length, 3);
    const bytes = Buffer.concat(files.weightPaths.map((path) => readFileSync(path)));
    assert.equal(bytes.length, 92);
    const stored = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 23));
    const expected = model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
    assert.deepEqual(stored, expected);
    assert.deepEqual(
      listTfjsVariables(directory).map((variable) => variable.shape),
      [[4, 3], [3], [3, 2], [2]],
    );
  });

  it("reloads in a fresh process with identical predictions", async () => {
    const model = smallModel();
    const directory = mkdtempSync(join(tmpdir(), "tskeras-tfjs-"));
    await saveTfjsLayersModel(model, directory);
    const original = Array.from((model.predict(tfc.tensor2d(input)) as tfc.Tensor).dataSync());
    const script = `
      import * as tfc from "@tensorflow/tfjs-core";
      import "@tensorflow/tfjs-backend-cpu";
      import { loadTfjsLayersModel } from ${JSON.stringify(join(repositoryRoot, "dist/lib/keras/saving/stores/tfjs.js"))};
      await tfc.setBackend("cpu");
      const model = await loadTfjsLayersModel(${JSON.stringify(directory)});
      process.stdout.write(JSON.stringify(Array.from(model.predict(tfc.tensor2d(${JSON.stringify(input)})).dataSync())));`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: repositoryRoot, encoding: "utf8" });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout.slice(child.stdout.indexOf("["))), original);
  });

  it("replaces a previous save atomically and removes its old shards", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-tfjs-"));
    const first = await saveTfjsLayersModel(smallModel(), directory);
    const second = await saveTfjsLayersModel(smallModel(), directory);
    assert.notDeepEqual(first.weightPaths, second.weightPaths, "new weights get new shard names");
    assert.deepEqual(readdirSync(directory).sort(), ["model.json", ...second.weightPaths.map((path) => path.split("/").pop()!)].sort());
  });

  it("refuses truncated shards, missing shards and paths outside the folder with clear errors", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-tfjs-"));
    const files = await saveTfjsLayersModel(smallModel(), directory);
    truncateSync(files.weightPaths[0]!, 10);
    await assert.rejects(
      loadTfjsLayersModel(directory),
      (error: Error) => error instanceof TfjsFormatError && /describes 92 bytes but the weight files hold 10/.test(error.message),
    );
    const json = JSON.parse(readFileSync(files.modelJsonPath, "utf8"));
    json.weightsManifest[0].paths = ["../../etc/passwd"];
    writeFileSync(files.modelJsonPath, JSON.stringify(json));
    await assert.rejects(loadTfjsLayersModel(directory), /outside its folder; refusing to read it/);
    json.weightsManifest[0].paths = ["gone.bin"];
    writeFileSync(files.modelJsonPath, JSON.stringify(json));
    await assert.rejects(loadTfjsLayersModel(directory), /gone\.bin listed in .* is missing/);
  });

  it("keeps a tskeras-compiled loss by its Keras name, so the reloaded model is compiled with it", async () => {
    const model = new keras.Sequential([new keras.layers.Dense(3, { activation: "softmax", inputShape: [4] })]);
    model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const directory = mkdtempSync(join(tmpdir(), "tskeras-tfjs-"));
    const files = await saveTfjsLayersModel(model, directory, { includeOptimizer: true });
    const json = JSON.parse(readFileSync(files.modelJsonPath, "utf8"));
    // tfjs alone writes {} for a loss function, and the reloaded model then has no loss.
    assert.equal(json.trainingConfig.loss, "sparse_categorical_crossentropy");
    const loaded = await loadTfjsLayersModel(directory);
    assert.equal((loaded as unknown as { loss: unknown }).loss, "sparseCategoricalCrossentropy");
  });

  it("does not name a from_logits crossentropy after tfjs's loss of that name, which expects probabilities", async () => {
    const model = new keras.Sequential([new keras.layers.Dense(3, { inputShape: [4] })]);
    model.compile({ optimizer: "adam", loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    const directory = mkdtempSync(join(tmpdir(), "tskeras-tfjs-"));
    const files = await saveTfjsLayersModel(model, directory, { includeOptimizer: true });
    const json = JSON.parse(readFileSync(files.modelJsonPath, "utf8"));
    assert.notEqual(json.trainingConfig.loss, "sparse_categorical_crossentropy");
  });
});
