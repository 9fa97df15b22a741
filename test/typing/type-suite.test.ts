// The public types cannot regress: tsc checks test/types/*.ts (docs' Python written as TypeScript,
// strict like a notebook cell) against the built tskeras package, including lines marked
// `@ts-expect-error`, which fail the check if they ever type-check.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot } from "../support/kernelspec.js";

describe("type-level suite (test/types)", () => {
  it("tsc -p test/types reports no errors", () => {
    const run = spawnSync(process.execPath, [join(repositoryRoot, "node_modules/typescript/bin/tsc"), "-p", join(repositoryRoot, "test/types/tsconfig.json")], {
      encoding: "utf8",
      timeout: 300_000,
    });
    assert.equal(run.status, 0, `type errors in test/types:\n${run.stdout}${run.stderr}`);
  });
});
