// runSavedModelSignature and `tskeras inspect DIR` on the real tf.Module SavedModels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { runSavedModelSignature } from "../../lib/formats/savedmodel/index.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const multipleSignatures = join(realFixturesDirectory, "tfjs_sm_module_with_multiple_signatures", "module_with_multiple_signatures");

tf.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

test("runSavedModelSignature runs a named signature from plain numbers (timestwo: x·2, serving_default: x·3)", async () => {
  // Stored variables: v = 3, two = 2 (reference bundle first_values).
  assert.equal((await runSavedModelSignature(multipleSignatures, "timestwo", { x: 4 })).output_0!.dataSync()[0], 8);
  assert.equal((await runSavedModelSignature(multipleSignatures, "serving_default", { x: 4 })).output_0!.dataSync()[0], 12);
  await assert.rejects(runSavedModelSignature(multipleSignatures, "nope", { x: 1 }), /no signature "nope"; it has "serving_default", "timestwo"/);
});

test("tskeras inspect DIR lists tags, signatures with input/output names, dtypes, shapes, and variables", () => {
  const text = execFileSync(process.execPath, [join(root, "dist", "kernel", "cli.js"), "inspect", multipleSignatures], { encoding: "utf8" });
  assert.match(text, /MetaGraphDef with tag-set: 'serve'/);
  assert.match(text, /signature_def\['timestwo'\]:[\s\S]*inputs\['x'\] tensor_info:\s+dtype: DT_FLOAT\s+shape: \(\)\s+name: timestwo_x:0/);
  assert.match(text, /outputs\['output_0'\] tensor_info:\s+dtype: DT_FLOAT\s+shape: \(\)\s+name: StatefulPartitionedCall_1:0/);
  assert.match(text, /Variables \(2\):\n {2}v {2}\(Variable\) {2}float32 {2}\(\)\n {2}two {2}\(Variable\) {2}float32 {2}\(\)/);
});
