import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot } from "../support/kernelspec.js";

/** Imports tskeras in a fresh process and runs a small computation; returns what the process printed. */
function importInFreshProcess(environment: NodeJS.ProcessEnv): { stdout: string; stderr: string; status: number | null } {
  const script = `
    import { tf, keras } from ${JSON.stringify(join(repositoryRoot, "dist/lib/index.js"))};
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0];
    // LSTM's Orthogonal initializer uses chained tensor methods (x.flatten()).
    const lstm = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [3, 4] })] });
    const lstmShape = lstm.predict(tf.ones([1, 3, 4])).shape;
    process.stdout.write(JSON.stringify({ backend: tf.getBackend(), product, hasDense: typeof keras.layers.Dense, lstmShape }));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, ...environment } });
  return { stdout: child.stdout, stderr: child.stderr, status: child.status };
}

describe("backend selection", () => {
  it("uses wasm by default when no native TensorFlow is built, and prints nothing", () => {
    const run = importInFreshProcess({ TSKERAS_BACKEND: "", TSKERAS_NATIVE_DIR: mkdtempSync(join(tmpdir(), "tskeras-no-native-")) });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { backend: "wasm", product: 11, hasDense: "function", lstmShape: [1, 2] });
    assert.equal(run.stderr, "");
  });
  it("honours TSKERAS_BACKEND=cpu without tfjs's 'install tfjs-node' banner", () => {
    const run = importInFreshProcess({ TSKERAS_BACKEND: "cpu" });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { backend: "cpu", product: 11, hasDense: "function", lstmShape: [1, 2] });
    assert.doesNotMatch(run.stdout + run.stderr, /tfjs-node|Hi, looks like/);
  });
});
