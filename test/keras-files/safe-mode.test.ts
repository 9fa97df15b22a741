// The hostile Lambda file is refused before anything runs; unknown custom classes give the
// registration error; neither path spawns processes or writes files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadModel as loadKerasModel } from "../../lib/keras/saving/api.js";
import { findUnsafeContent, UnsafeConfigError } from "../../lib/keras/saving/safe-mode.js";
import { UnknownKerasClassError } from "../../lib/keras/saving/keras-json/class-registry.js";
import { fixturePath, readReference } from "./reference-fixtures.js";
// The loaders rebuild models with the Keras classes, which register themselves when lib/keras is loaded.
import "../../lib/keras/index.js";

tfc.env().set("IS_TEST", true); // silences the "install tfjs-node" banner
await tfc.setBackend("cpu");
const require = createRequire(import.meta.url);

/** Replaces every process-spawning and file-writing function with a recorder while `run` runs. */
async function watchSideEffects(run: () => Promise<void>): Promise<string[]> {
  const calls: string[] = [];
  const childProcess = require("node:child_process") as Record<string, unknown>;
  const fs = require("node:fs") as Record<string, unknown>;
  const fsPromises = require("node:fs/promises") as Record<string, unknown>;
  const targets: [Record<string, unknown>, string, string][] = [
    ...["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"].map(
      (name) => [childProcess, name, `child_process.${name}`] as [Record<string, unknown>, string, string],
    ),
    ...["writeFile", "writeFileSync", "appendFile", "appendFileSync", "createWriteStream", "mkdtemp", "mkdtempSync", "mkdir", "mkdirSync"].map(
      (name) => [fs, name, `fs.${name}`] as [Record<string, unknown>, string, string],
    ),
    ...["writeFile", "appendFile", "mkdtemp", "mkdir"].map((name) => [fsPromises, name, `fs/promises.${name}`] as [Record<string, unknown>, string, string]),
  ];
  const originals = targets.map(([module, name]) => module[name]);
  targets.forEach(([module, name, label]) => {
    module[name] = (..._args: unknown[]) => {
      calls.push(label);
      throw new Error(`${label} called during a guarded load`);
    };
  });
  syncBuiltinESMExports();
  try {
    await run();
  } finally {
    targets.forEach(([module, name], index) => {
      module[name] = originals[index];
    });
    syncBuiltinESMExports();
  }
  return calls;
}

test("adv_k2h5_2.11.0_lambda: refused with an error naming the Lambda layer and the opt-out, with no process spawned and no file written", async () => {
  const path = fixturePath(readReference("adv_k2h5_2.11.0_lambda"));
  // A private temporary folder (os.tmpdir() follows TMPDIR), so other processes writing to /tmp cannot
  // disturb the check that loading wrote nothing there.
  const privateTemporary = mkdtempSync(join(tmpdir(), "tskeras-safe-mode-"));
  const savedTemporary = process.env["TMPDIR"];
  process.env["TMPDIR"] = privateTemporary;
  let refusal: unknown;
  let calls: string[];
  let written: string[];
  try {
    assert.equal(tmpdir(), privateTemporary);
    calls = await watchSideEffects(async () => {
      refusal = await loadKerasModel(path).then(
        () => undefined,
        (error: unknown) => error,
      );
    });
    written = readdirSync(privateTemporary);
  } finally {
    if (savedTemporary === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = savedTemporary;
    rmSync(privateTemporary, { recursive: true, force: true });
  }
  assert.deepEqual(calls, []);
  assert.deepEqual(written, []);
  assert.ok(refusal instanceof UnsafeConfigError, `expected UnsafeConfigError, got ${String(refusal)}`);
  assert.match(refusal.message, /Lambda layer with marshalled Python bytecode/);
  assert.match(refusal.message, /\(lambda\)/);
  assert.match(refusal.message, /safeMode: false/);
  assert.match(refusal.message, /Nothing from the file was executed/);
  assert.equal(refusal.findings.length, 1);
  assert.equal(refusal.findings[0]!.kind, "lambda-bytecode");
});

test("adv_k2h5_2.11.0_lambda: even with safeMode false the Lambda is not rebuilt; the error asks for a registered class", async () => {
  const path = fixturePath(readReference("adv_k2h5_2.11.0_lambda"));
  await assert.rejects(loadKerasModel(path, { safeMode: false }), (error: Error) => {
    assert.ok(error instanceof UnknownKerasClassError);
    assert.match(error.message, /unknown class "Lambda"/);
    return true;
  });
});

test("findUnsafeContent flags __lambda__, functions outside Keras and non-modeling Keras APIs, and nothing in a plain config", () => {
  const findings = findUnsafeContent({
    class_name: "Functional",
    config: {
      layers: [
        {
          class_name: "Dense",
          config: { name: "ok", units: 2, activation: { module: "keras.activations", class_name: "function", config: "relu", registered_name: "function" } },
        },
        {
          class_name: "Dense",
          config: {
            name: "sneaky",
            units: 2,
            activation: { module: "my_package.activations", class_name: "function", config: "custom_act", registered_name: "function" },
          },
        },
        {
          class_name: "Dense",
          config: { name: "bytecode", units: 2, activation: { class_name: "__lambda__", config: { value: ["4wEAAAAAAAAA", null, null] } } },
        },
        { module: "keras.config", class_name: "function", config: "enable_unsafe_deserialization", registered_name: "function" } as never,
      ],
    },
  });
  assert.deepEqual(
    findings.map((finding) => [finding.kind, finding.location]),
    [
      ["external-function", "config.layers[1].config.activation"],
      ["serialized-lambda", "config.layers[2].config.activation"],
      ["non-modeling-api", "config.layers[3]"],
    ],
  );
  assert.deepEqual(
    findUnsafeContent({ class_name: "Sequential", config: { layers: [{ class_name: "Dense", config: { name: "d", units: 1, activation: "relu" } }] } }),
    [],
  );
});

test("k3_3.15.0_nested_custom: loading without the custom class names it and the three ways to register it", async () => {
  const path = fixturePath(readReference("k3_3.15.0_nested_custom"));
  await assert.rejects(loadKerasModel(path), (error: Error) => {
    assert.ok(error instanceof UnknownKerasClassError);
    assert.match(error.message, /"NestedDenseModel" \(registered in Python as "legacy_nested_container>NestedDenseModel"\)/);
    assert.match(error.message, /customObjects/);
    assert.match(error.message, /customObjectScope/);
    assert.match(error.message, /registerKerasSerializable\(\{ package: "legacy_nested_container", name: "NestedDenseModel" \}\)\(MyClass\)/);
    // Both ways to read it without the class are ones a user can reach (inspectFile is not exported).
    assert.ok(error.message.includes(`%inspect ${path} in a notebook, or npx tskeras inspect ${path}`), error.message);
    return true;
  });
});

test("Keras 3 model classes from keras.src.models are building blocks; other keras.models objects stay refused", () => {
  // Keras 3.x writes a functional model as module "keras.src.models.functional", class "Functional".
  assert.deepEqual(
    findUnsafeContent({ module: "keras.src.models.functional", class_name: "Functional", config: { layers: [] }, registered_name: "Functional" }),
    [],
  );
  assert.deepEqual(
    findUnsafeContent({
      module: "keras",
      class_name: "Sequential",
      config: { layers: [{ module: "keras.models", class_name: "Sequential", config: { layers: [] } } as never] },
    }),
    [],
  );
  const findings = findUnsafeContent({
    class_name: "Sequential",
    config: {
      layers: [
        { module: "keras.src.models.cloning", class_name: "clone_model", config: {} } as never,
        { module: "keras.models", class_name: "load_model", config: {} } as never,
      ],
    },
  });
  assert.deepEqual(
    findings.map((finding) => [finding.kind, finding.location]),
    [
      ["non-modeling-api", "config.layers[0]"],
      ["non-modeling-api", "config.layers[1]"],
    ],
  );
});
