import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { kernelEnvironment, repositoryRoot } from "../support/kernelspec.js";

describe("jupyter_kernel_test (the standard conformance suite)", () => {
  it("passes every test and subtest, none skipped", () => {
    const run = spawnSync("/usr/bin/python3", ["-m", "unittest", "-v", "test_tskeras_kernel"], {
      cwd: join(repositoryRoot, "test/jupyter"),
      env: kernelEnvironment(),
      encoding: "utf8",
      timeout: 300_000,
    });
    const report = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 0, report);
    const summary = /^Ran (\d+) tests? in/m.exec(report);
    assert.ok(summary, `no unittest summary in:\n${report}`);
    // Debian's jupyter_kernel_test 0.4.5 has 12 test methods (with their subtests); all must run and pass.
    assert.equal(Number(summary[1]), 12, report);
    assert.match(report, /^OK$/m, report);
    assert.doesNotMatch(report, /skipped|expected failure/i, report);
    assert.doesNotMatch(report, /terminate called|Napi::Error|Segmentation fault/, "the kernel must shut down cleanly");
  });
});
