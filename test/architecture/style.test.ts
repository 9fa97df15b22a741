// One look for the code base: biome's formatter and linter (biome.json) pass over the tree, so a
// change that is not formatted (`npm run format`) or breaks a lint rule fails the suite.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { repositoryRoot } from "../support/kernelspec.js";

const biome = join(repositoryRoot, "node_modules", ".bin", "biome");

for (const [command, fix] of [
  ["format", "npm run format"],
  ["lint", "npm run lint, then fix what it reports"],
] as const) {
  test(`biome ${command} reports nothing`, () => {
    const run = spawnSync(biome, [command, "--max-diagnostics=20", "."], { cwd: repositoryRoot, encoding: "utf8" });
    assert.equal(run.error, undefined, `biome did not run (${run.error?.message}); run npm ci`);
    assert.equal(run.status, 0, `biome ${command} failed (fix: ${fix}):\n${run.stdout}${run.stderr}`);
  });
}
