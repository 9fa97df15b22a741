// `tskeras predict` / `tskeras inspect` on what Python users hand over (issue #21): a SavedModel without
// keras_metadata.pb (Keras 3 `model.export()`, `tf.saved_model.save(module)`) runs its serving_default
// without --signature, and a folder holding a Keras `to_json()` architecture plus an older-Keras
// `save_weights()` .h5 (layer_names layout) is accepted, as is `WEIGHTS.h5 --config ARCH.json`.
// Keras writes every file and computes the expected outputs in one Python process.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { oracleJson, requireOracle } from "../support/oracle.js";
import { repositoryRoot } from "../support/kernelspec.js";

const cli = join(repositoryRoot, "dist/kernel/cli.js");

const script = `
import json, os, sys
import numpy as np, h5py, keras, tensorflow as tf
from keras.src.legacy.saving import legacy_h5_format
out = sys.argv[1]
keras.utils.set_random_seed(3)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dense(2, activation="softmax")])
x = np.random.RandomState(1).uniform(-1, 1, size=(3, 4)).astype("float32")
np.save(os.path.join(out, "x.npy"), x)
model.export(os.path.join(out, "exported"), verbose=False)
folder = os.path.join(out, "zoo")
os.makedirs(folder)
open(os.path.join(folder, "model_arch.json"), "w").write(model.to_json())
# What save_weights(".h5") wrote before Keras 3: the layer_names/weight_names layout.
with h5py.File(os.path.join(folder, "model_weights.h5"), "w") as f:
    legacy_h5_format.save_weights_to_hdf5_group(f, model)
print(json.dumps({"expected": model.predict(x, verbose=0).astype("float64").tolist()}))
`;

function run(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
}

function flatten(values: unknown): number[] {
  return Array.isArray(values) ? values.flatMap(flatten) : [Number(values)];
}

test("tskeras predict/inspect take a keras_metadata-less SavedModel and a to_json + save_weights folder", { timeout: 300_000 }, async (t) => {
  if (!requireOracle(t)) return;
  const directory = mkdtempSync(join(tmpdir(), "tskeras-cli-interop-"));
  mkdirSync(directory, { recursive: true });
  const { expected } = await oracleJson<{ expected: number[][] }>(script, [directory]);
  const x = join(directory, "x.npy");
  const check = (output: string) => {
    const written = JSON.parse(readFileSync(output, "utf8")) as { outputs: Array<{ shape: number[]; values: number[] }> };
    assert.deepEqual(written.outputs[0]!.shape, [3, 2]);
    written.outputs[0]!.values.forEach((value, index) =>
      assert.ok(Math.abs(value - flatten(expected)[index]!) <= 1e-5, `output ${index}: ${value} vs Keras ${flatten(expected)[index]}`),
    );
  };

  await t.test("model.export() SavedModel: serving_default without --signature", () => {
    const output = join(directory, "exported.json");
    const child = run(["predict", join(directory, "exported"), "--input", x, "--output", output]);
    assert.equal(child.status, 0, child.stderr);
    check(output);
  });

  await t.test("a folder with a to_json() architecture and a save_weights() .h5", () => {
    const output = join(directory, "zoo.json");
    const child = run(["predict", join(directory, "zoo"), "--input", x, "--output", output]);
    assert.equal(child.status, 0, child.stderr);
    check(output);
    const inspected = run(["inspect", join(directory, "zoo"), "--json"]);
    assert.equal(inspected.status, 0, inspected.stderr);
    const summary = JSON.parse(inspected.stdout) as { format: string; model: { className: string; parameters: number } };
    assert.equal(summary.format, "keras-architecture+weights");
    assert.equal(summary.model.className, "Sequential");
    assert.equal(summary.model.parameters, 4 * 5 + 5 + 5 * 2 + 2);
  });

  await t.test("WEIGHTS.h5 --config ARCH.json", () => {
    const output = join(directory, "config.json");
    const child = run([
      "predict",
      join(directory, "zoo", "model_weights.h5"),
      "--config",
      join(directory, "zoo", "model_arch.json"),
      "--input",
      x,
      "--output",
      output,
    ]);
    assert.equal(child.status, 0, child.stderr);
    check(output);
  });
});
