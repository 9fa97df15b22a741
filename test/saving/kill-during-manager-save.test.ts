import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tf } from "../../lib/index.js";
import { loadCheckpoint } from "../../lib/formats/checkpoint/reader.js";
import { latestCheckpoint } from "../../lib/formats/checkpoint/state-file.js";
import { repositoryRoot } from "../support/kernelspec.js";

describe("CheckpointManager.save killed mid-save", () => {
  it("leaves the previous numbered checkpoint as the latest, loadable with its values", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-kill-manager-"));
    // The child saves ckpt-1 (step = 1), then starts ckpt-2 with a 32 MB variable; the parent kills it
    // as soon as ckpt-2's temporary data file exists, long before that much data is written and renamed.
    const script = `
      import { tf } from ${JSON.stringify(join(repositoryRoot, "dist/lib/index.js"))};
      const step = tf.variable(tf.scalar(1));
      const big = tf.variable(tf.zeros([8 * 1024 * 1024]));
      const manager = new tf.train.CheckpointManager(new tf.train.Checkpoint({ step, big }), ${JSON.stringify(directory)}, { maxToKeep: 3 });
      await manager.save();
      process.stdout.write("saved ckpt-1\\n");
      step.assign(tf.scalar(2));
      big.assign(tf.ones([8 * 1024 * 1024]));
      await manager.save();
      process.stdout.write("saved ckpt-2\\n");`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => void (output += chunk.toString()));
    const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    const temporaryOfSecond = () => readdirSync(directory).some((name) => name.startsWith(".ckpt-2.data-00000-of-00001.tmp-"));
    const poll = setInterval(() => {
      if (output.includes("saved ckpt-1") && temporaryOfSecond()) child.kill("SIGKILL");
    }, 2);
    const signal = await exit;
    clearInterval(poll);
    assert.equal(signal, "SIGKILL", `the child was killed mid-save (its output: ${JSON.stringify(output)})`);
    assert.equal(output.includes("saved ckpt-2"), false);
    assert.equal(existsSync(join(directory, "ckpt-2.index")), false, "no index for the interrupted save");
    assert.match(readFileSync(join(directory, "checkpoint"), "utf8"), /^model_checkpoint_path: "ckpt-1"$/m);
    assert.equal(latestCheckpoint(directory), join(directory, "ckpt-1"));
    const reader = loadCheckpoint(directory);
    assert.deepEqual(Array.from(reader.getTensor("step/.ATTRIBUTES/VARIABLE_VALUE").data as Float32Array), [1]);
    const step = tf.variable(tf.scalar(-1));
    const big = tf.variable(tf.fill([8 * 1024 * 1024], 5));
    (await new tf.train.Checkpoint({ step, big }).restore(directory)).assertConsumed();
    assert.equal(step.dataSync()[0], 1);
    assert.equal(tf.max(big).dataSync()[0], 0, "the big variable has ckpt-1's zeros");
  });
});
