import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot } from "../support/kernelspec.js";

/** Width and height from a PNG's IHDR chunk (bytes 16–23), read without the code under test. */
function pngSize(bytes: Buffer): [number, number] {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG signature");
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe("tskeras install", () => {
  it("writes kernel.json and the launcher logos (32 and 64 px PNGs, an SVG) beside it", () => {
    const prefix = mkdtempSync(join(tmpdir(), "tskeras-install-"));
    const install = spawnSync(process.execPath, [join(repositoryRoot, "dist/kernel/cli.js"), "install", "--prefix", prefix], { encoding: "utf8" });
    assert.equal(install.status, 0, install.stderr);
    const directory = join(prefix, "share/jupyter/kernels/tskeras");
    assert.equal(JSON.parse(readFileSync(join(directory, "kernel.json"), "utf8")).display_name, "TypeScript (tskeras)");
    assert.deepEqual(pngSize(readFileSync(join(directory, "logo-32x32.png"))), [32, 32]);
    assert.deepEqual(pngSize(readFileSync(join(directory, "logo-64x64.png"))), [64, 64]);
    assert.match(readFileSync(join(directory, "logo-svg.svg"), "utf8"), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 64 64"/);
  });
});
