import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { describeSavedFile } from "../../lib/inspect/index.js";
import { repositoryRoot } from "../support/kernelspec.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const real = realFixturesDirectory;

/** Fixture path → its reference JSON id. */
const fixtures: Record<string, string> = {
  "k2h5_2.3.1_cnn/mnist_cnn.h5": "k2h5_2.3.1_cnn",
  "k2h5_2.3.1_lstm/model.h5": "k2h5_2.3.1_lstm",
  "k2h5_2.4.0_conv/vw_model.h5": "k2h5_2.4.0_conv",
  "k2h5_2.12.0_dense/AlphabetSoupCharity.h5": "k2h5_2.12.0_dense",
  "wh5_2.12.0_dense/model_weights.h5": "wh5_2.12.0_dense",
  "k3_3.10.0_cnn/model.keras": "k3_3.10.0_cnn",
  "k3_3.15.0_nested_custom/pre_pr22362_nested_container.keras": "k3_3.15.0_nested_custom",
  "adv_k2h5_2.11.0_lambda/exploit.h5": "adv_k2h5_2.11.0_lambda",
  "ckpt_k2.4.0_conv/cp.ckpt": "ckpt_k2.4.0_conv",
  "sm_k2_dense/my_model": "sm_k2_dense",
  "tfjs_sm_times_three_float/times_three_float": "tfjs_sm_times_three_float",
  "tfjs_sm_module_with_multiple_signatures/module_with_multiple_signatures": "tfjs_sm_module_with_multiple_signatures",
};

/** The reference's variables as `name dtype [shape]` lines (HDF5 dataset paths, or bundle keys). */
function referenceVariables(id: string): string[] {
  const reference = JSON.parse(readFileSync(join(real, "reference", `${id}.json`), "utf8"));
  const list = (reference.variables ?? reference.bundle.variables) as Array<{ path?: string; key?: string; dtype: string; shape: number[] }>;
  return list
    .map((variable) => ({ name: variable.path ?? variable.key!, dtype: variable.dtype, shape: variable.shape }))
    .filter((variable) => variable.name !== "_CHECKPOINTABLE_OBJECT_GRAPH")
    .map((variable) => `${variable.name} ${variable.dtype} [${variable.shape.join(",")}]`)
    .sort();
}

describe("inspecting the real files Python wrote (tskeras inspect)", () => {
  for (const [path, id] of Object.entries(fixtures)) {
    it(`${id}: lists exactly the reference variables`, async () => {
      const description = await describeSavedFile(join(real, path));
      const listed = description.variables.map((variable) => `${variable.name} ${variable.dtype} [${variable.shape.join(",")}]`).sort();
      assert.deepEqual(listed, referenceVariables(id));
    });
  }

  it("prints the JSON form from the command line", () => {
    const run = spawnSync(
      process.execPath,
      [join(repositoryRoot, "dist/kernel/cli.js"), "inspect", join(real, "k2h5_2.12.0_dense/AlphabetSoupCharity.h5"), "--json"],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(json), ["format", "producer", "model", "variables"]);
    assert.equal(json.format, "keras2-h5-model");
    assert.equal(json.model.className, "Sequential");
    assert.deepEqual(
      json.variables
        .map((variable: { name: string; dtype: string; shape: number[] }) => `${variable.name} ${variable.dtype} [${variable.shape.join(",")}]`)
        .sort(),
      referenceVariables("k2h5_2.12.0_dense"),
    );
  });
});
