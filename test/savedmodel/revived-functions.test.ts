// Real TensorFlow 2 modules (the tfjs test objects times_three_float and
// module_with_multiple_signatures, written by Python TF from a tf.Module with a variable `v`,
// `__call__(x) = x·v`, `mutate(new_v)` assigning v, and `timestwo(x) = x·two`): tf.savedModel.load
// revives their attributes without the Python class. Variable values come from the fixtures'
// reference JSON (read with an independent reader); the functions' results follow from them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { tf } from "../../lib/index.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const fixtures = realFixturesDirectory;
tfc.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tfc.setBackend("cpu");

const storedValue = (id: string, key: string): number => {
  const reference = JSON.parse(readFileSync(join(fixtures, "reference", `${id}.json`), "utf8")) as {
    bundle: { variables: Array<{ key: string; first_values?: number[] }> };
  };
  return reference.bundle.variables.find((variable) => variable.key === key)!.first_values![0]!;
};
const ownKeys = (loaded: object): string[] =>
  Object.keys(loaded)
    .filter((key) => !["signatures", "variables", "tags", "savedModel", "dispose"].includes(key))
    .sort();
type Fn = (...inputs: tfc.Tensor[]) => tfc.Tensor | undefined;

test("times_three_float: v, __call__ and mutate come back; mutate assigns v and __call__ sees it", async () => {
  const v = storedValue("tfjs_sm_times_three_float", "v/.ATTRIBUTES/VARIABLE_VALUE");
  const loaded = await tf.savedModel.load(join(fixtures, "tfjs_sm_times_three_float", "times_three_float"));
  assert.deepEqual(ownKeys(loaded), ["__call__", "mutate", "v"]);
  assert.ok(loaded["v"] instanceof tfc.Variable);
  assert.equal((loaded["v"] as tfc.Variable).arraySync(), v);
  const call = loaded["__call__"] as Fn;
  assert.equal(call(tf.scalar(2))!.arraySync(), 2 * v);
  assert.equal((loaded["mutate"] as Fn)(tf.scalar(5)), undefined);
  assert.equal((loaded["v"] as tfc.Variable).arraySync(), 5);
  assert.equal(call(tf.scalar(2))!.arraySync(), 10);
  assert.throws(() => call(tf.tensor1d([1, 2])), /No saved concrete function takes \(float32\[2\]\)/);
  loaded.dispose();
});

test("module_with_multiple_signatures: timestwo reads `two`, __call__ reads `v`", async () => {
  const two = storedValue("tfjs_sm_module_with_multiple_signatures", "two/.ATTRIBUTES/VARIABLE_VALUE");
  const v = storedValue("tfjs_sm_module_with_multiple_signatures", "v/.ATTRIBUTES/VARIABLE_VALUE");
  const loaded = await tf.savedModel.load(join(fixtures, "tfjs_sm_module_with_multiple_signatures", "module_with_multiple_signatures"));
  assert.deepEqual(ownKeys(loaded), ["__call__", "mutate", "timestwo", "two", "v"]);
  assert.equal((loaded["timestwo"] as Fn)(tf.scalar(7))!.arraySync(), 7 * two);
  assert.equal((loaded["__call__"] as Fn)(tf.scalar(7))!.arraySync(), 7 * v);
  loaded.dispose();
});
