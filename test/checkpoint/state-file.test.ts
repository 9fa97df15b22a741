import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CheckpointFormatError,
  checkpointKey,
  escapeLocalName,
  latestCheckpoint,
  parseCheckpointState,
  readCheckpointState,
  slotVariablePath,
  writeBundle,
  writeCheckpointState,
} from "../../lib/formats/checkpoint/index.js";

test("parses every CheckpointState field, escapes and comments", () => {
  const state = parseCheckpointState(
    'model_checkpoint_path: "ckpt-\\"2\\""\n# a comment\nall_model_checkpoint_paths: "ckpt-1"\nall_model_checkpoint_paths: \'ckpt-\\0622\'\n' +
      "all_model_checkpoint_timestamps: 1700000000.5\nall_model_checkpoint_timestamps: 1700000100.25\nlast_preserved_timestamp: 1699999999.75\n",
  );
  assert.deepEqual(state, {
    modelCheckpointPath: 'ckpt-"2"',
    allModelCheckpointPaths: ["ckpt-1", "ckpt-22"],
    allModelCheckpointTimestamps: [1700000000.5, 1700000100.25],
    lastPreservedTimestamp: 1699999999.75,
  });
});

test("write → read keeps paths relative on disk and absolute in memory; latestCheckpoint follows it", () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-state-"));
  try {
    writeBundle(join(directory, "ckpt-2"), [["v", { dtype: "float32", shape: [], data: Float32Array.of(1) }]]);
    writeCheckpointState(directory, {
      modelCheckpointPath: join(directory, "ckpt-2"),
      allModelCheckpointPaths: ["ckpt-1", "ckpt-2"],
      allModelCheckpointTimestamps: [10.5, 20.5],
      lastPreservedTimestamp: 5,
    });
    assert.equal(
      readFileSync(join(directory, "checkpoint"), "utf8"),
      'model_checkpoint_path: "ckpt-2"\nall_model_checkpoint_paths: "ckpt-1"\nall_model_checkpoint_paths: "ckpt-2"\nall_model_checkpoint_timestamps: 10.5\nall_model_checkpoint_timestamps: 20.5\nlast_preserved_timestamp: 5\n',
    );
    assert.deepEqual(readCheckpointState(directory)!.allModelCheckpointPaths, [join(directory, "ckpt-1"), join(directory, "ckpt-2")]);
    assert.equal(latestCheckpoint(directory), join(directory, "ckpt-2"));
    // A state naming a prefix whose index is gone has no latest checkpoint.
    writeFileSync(join(directory, "checkpoint"), 'model_checkpoint_path: "ckpt-9"\n');
    assert.equal(latestCheckpoint(directory), undefined);
    // Absolute paths from another machine are re-rooted into the directory.
    writeFileSync(join(directory, "checkpoint"), 'model_checkpoint_path: "/elsewhere/run/ckpt-2"\n');
    assert.equal(latestCheckpoint(directory), join(directory, "ckpt-2"));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("a relative path escaping the directory is refused", () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-state-"));
  try {
    writeFileSync(join(directory, "checkpoint"), 'model_checkpoint_path: "../../etc/ckpt"\n');
    assert.throws(
      () => readCheckpointState(directory),
      (error: unknown) => error instanceof CheckpointFormatError && /points outside the checkpoint directory/.test(error.message),
    );
    writeFileSync(join(directory, "checkpoint"), "model_checkpoint_path ckpt\n");
    assert.throws(() => readCheckpointState(directory), /expected lines like model_checkpoint_path/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("key escaping follows trackable_utils: '.' → '..', '/' → '.S'", () => {
  assert.equal(escapeLocalName("a/b.c"), "a.Sb..c");
  assert.equal(checkpointKey("layer_with_weights-0/kernel"), "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  assert.equal(checkpointKey("x", "a.b"), "x/.ATTRIBUTES/a..b");
  assert.equal(slotVariablePath("layer_with_weights-0/kernel", "optimizer", "m"), "layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m");
});
