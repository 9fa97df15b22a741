import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCheckpoint, writeBundle } from "../../lib/formats/checkpoint/index.js";

const bundleModule = new URL("../../lib/formats/checkpoint/bundle.js", import.meta.url).href;

// The child writes 40 tensors of 1 MB over the existing checkpoint. Their data is produced lazily;
// when the 20th is reached (half the data file already written) it tells the parent and sleeps, so
// the SIGKILL lands mid-write every time.
const childSource = `
import { writeSync } from "node:fs";
import { writeBundle } from ${JSON.stringify(bundleModule)};
const prefix = process.argv[1];
const tensors = Array.from({ length: 40 }, (_, index) => [\`big/\${String(index).padStart(2, "0")}\`, {
  dtype: "float32",
  shape: [262144],
  get data() {
    if (index === 20) {
      writeSync(1, "midway\\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30000);
    }
    return new Float32Array(262144).fill(index);
  },
}]);
writeBundle(prefix, tensors);
writeSync(1, "finished\\n");
`;

test("a save killed mid-write leaves the previous checkpoint loadable with its values", async () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-kill-"));
  try {
    const prefix = join(directory, "model");
    writeBundle(prefix, [
      ["weights", { dtype: "float32", shape: [3], data: Float32Array.of(0.5, -1, 2) }],
      ["step", { dtype: "int64", shape: [], data: BigInt64Array.of(41n) }],
    ]);
    const child = spawn(process.execPath, ["--input-type=module", "-e", childSource, prefix], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("midway")) child.kill("SIGKILL");
    });
    assert.equal(await exit, "SIGKILL");
    assert.equal(output.includes("finished"), false);
    // The interrupted save left a partly written temporary data file, proving the kill was mid-write.
    assert.ok(readdirSync(directory).some((name) => name.startsWith(".model.data-00000-of-00001.tmp-")));
    const reader = loadCheckpoint(prefix);
    assert.deepEqual(reader.keys(), ["step", "weights"]);
    assert.deepEqual(Array.from(reader.getTensor("weights").data as Float32Array), [0.5, -1, 2]);
    assert.deepEqual(Array.from(reader.getTensor("step").data as BigInt64Array), [41n]);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
