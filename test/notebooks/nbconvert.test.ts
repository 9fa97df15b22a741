import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { kernelEnvironment, repositoryRoot as root } from "../support/kernelspec.js";

const text = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value));

describe("jupyter nbconvert --execute with the tskeras kernel", () => {
  it("runs typed cells, a redeclared const, top-level await, rich display, expected errors and a tslab cell", () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-nbconvert-"));
    const notebook = join(directory, "kernel-features.ipynb");
    copyFileSync(join(root, "test/notebooks/kernel-features.ipynb"), notebook);
    const run = spawnSync(
      "jupyter",
      [
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.timeout=120",
        "--ExecutePreprocessor.kernel_name=tskeras",
        "--output",
        "executed.ipynb",
        notebook,
      ],
      { encoding: "utf8", env: kernelEnvironment(), timeout: 180_000 },
    );
    assert.equal(run.status, 0, `nbconvert failed:\n${run.stderr}`);
    const executed = JSON.parse(readFileSync(join(directory, "executed.ipynb"), "utf8"));
    const cells = executed.cells.filter((cell: { cell_type: string }) => cell.cell_type === "code");
    type Output = { output_type: string; name?: string; text?: unknown; data?: Record<string, unknown>; ename?: string; evalue?: string };
    const outputs = (index: number): Output[] => cells[index].outputs;
    assert.deepEqual(
      outputs(0).map((output) => output.output_type),
      ["stream", "execute_result"],
    );
    assert.equal(text(outputs(0)[0]!.text), "hello x3\n");
    assert.equal(text(outputs(0)[1]!.data!["text/plain"]), "42");
    assert.equal(text(outputs(1)[0]!.data!["text/plain"]), "'THREE'");
    assert.equal(text(outputs(2)[0]!.data!["text/plain"]), "42");
    assert.equal(text(outputs(3)[0]!.data!["text/html"]), "<table><tr><td>rich</td><td>display</td></tr></table>");
    assert.equal(text(outputs(3)[1]!.data!["text/markdown"]), "**bold** text");
    assert.equal(outputs(4)[0]!.ename, "TypeScriptError");
    assert.match(outputs(4)[0]!.evalue!, /^1:7 - Type 'string' is not assignable to type 'number'/);
    assert.equal(outputs(5)[0]!.ename, "RangeError");
    assert.equal(text(outputs(6)[0]!.data!["text/html"]), "<b>from a tslab notebook</b>");
    assert.equal(text(outputs(7)[0]!.data!["text/plain"]), "26"); // "hello".length + 21
    assert.deepEqual(
      cells.map((cell: { execution_count: number }) => cell.execution_count),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });
});
