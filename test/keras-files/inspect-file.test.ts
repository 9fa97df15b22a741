// inspectFile lists exactly the variables the independent h5py reader found in each real file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspectFile } from "../../lib/inspect/index.js";
import { fixturePath, readReference } from "./reference-fixtures.js";

const ids = [
  "k2h5_2.12.0_dense",
  "k2h5_2.3.1_cnn",
  "k2h5_2.3.1_lstm",
  "k2h5_2.4.0_conv",
  "wh5_2.12.0_dense",
  "k3_3.10.0_cnn",
  "k3_3.15.0_nested_custom",
  "adv_k2h5_2.11.0_lambda",
];

for (const id of ids) {
  test(`${id}: inspectFile lists exactly the reference variables and layers`, async () => {
    const reference = readReference(id);
    const inspection = await inspectFile(fixturePath(reference));
    const byName = (left: { name: string }, right: { name: string }) => (left.name < right.name ? -1 : 1);
    const expected = reference.variables.map((variable) => ({ name: variable.path, dtype: variable.dtype, shape: variable.shape })).sort(byName);
    assert.deepEqual([...inspection.variables].sort(byName), expected);
    const summary = reference.model_config_summary;
    if (inspection.model && summary) {
      assert.equal(inspection.model.className, summary.class_name);
      if (summary.layers)
        assert.deepEqual(
          inspection.model.layers.map((layer) => ({ class_name: layer.className, name: layer.name })),
          summary.layers,
        );
    } else {
      assert.equal(id, "wh5_2.12.0_dense", "only the weights-only file has no model config");
      assert.equal(inspection.format, "keras-h5-weights");
    }
  });
}

test("inspectFile reports producers from the file's own metadata", async () => {
  assert.equal((await inspectFile(fixturePath(readReference("k2h5_2.3.1_lstm")))).producer, "keras 2.3.1 (backend tensorflow)");
  const archive = await inspectFile(fixturePath(readReference("k3_3.15.0_nested_custom")));
  assert.equal(archive.producer, "keras 3.15.0");
  assert.equal(archive.format, "keras3-zip");
  assert.equal(archive.model?.config.registered_name, "legacy_nested_container>NestedDenseModel");
});

test("tskeras inspect PATH --json, for every real .h5 and .keras file, lists exactly the reference variables", () => {
  const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "kernel", "cli.js");
  for (const id of ids) {
    const reference = readReference(id);
    const run = spawnSync(process.execPath, [cli, "inspect", fixturePath(reference), "--json"], { encoding: "utf8" });
    assert.equal(run.status, 0, `${id}: ${run.stderr}`);
    const json = JSON.parse(run.stdout) as {
      format: string;
      producer: string | null;
      model: unknown;
      variables: { name: string; dtype: string; shape: number[] }[];
    };
    assert.deepEqual(Object.keys(json), ["format", "producer", "model", "variables"], id);
    const listed = json.variables.map((variable) => `${variable.name} ${variable.dtype} [${variable.shape.join(",")}]`).sort();
    const expected = reference.variables.map((variable) => `${variable.path} ${variable.dtype} [${variable.shape.join(",")}]`).sort();
    assert.deepEqual(listed, expected, id);
    assert.equal(json.model === null, id === "wh5_2.12.0_dense", `${id}: a model summary exactly when the file has an architecture`);
  }
});
