import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { compareNotebook, defaultCheckOptions, type CheckOptions } from "../../kernel/runner/check/compare-notebook.js";
import { failureReport } from "../../kernel/runner/check/text-report.js";
import type { Notebook } from "../../kernel/runner/notebook-format.js";
import { kernelEnvironment, repositoryRoot } from "../support/kernelspec.js";

const notebooksDirectory = join(repositoryRoot, "notebooks");
// TSKERAS_NOTEBOOKS=a.ipynb,b.ipynb checks only those (while working on one notebook); CI checks all.
const only = process.env.TSKERAS_NOTEBOOKS?.split(",").filter(Boolean);
const notebooks = readdirSync(notebooksDirectory)
  .filter((name) => name.endsWith(".ipynb") && (!only || only.includes(name)))
  .sort();
// The committed outputs were made with the default backend (wasm), so the runs here use it too.
// The committed outputs come from wasm (cell 1 prints the backend); the native pass of test/run.mjs
// runs the notebooks whose outputs do not depend on it (TSKERAS_NOTEBOOKS) on the native backend.
const environment = { ...kernelEnvironment(), TSKERAS_BACKEND: process.env.TSKERAS_BACKEND === "tensorflow" ? "tensorflow" : "wasm" };
// The tutorials train from random initial weights, so losses, accuracies, weight differences and the
// plotted curves differ from run to run: float values are not compared (integers, text, shapes,
// structure and everything else are).
const floatDigits = 0;
const checkOptions: CheckOptions = { ...defaultCheckOptions, floatDigits };

/** A scratch copy of the notebooks (they write files next to themselves) with their data/ folder. */
function freshCopy(names: string[]): string {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-tutorial-"));
  for (const name of names) copyFileSync(join(notebooksDirectory, name), join(directory, name));
  const data = join(notebooksDirectory, "data");
  if (existsSync(data)) cpSync(data, join(directory, "data"), { recursive: true });
  return directory;
}

const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Notebook;

describe("tutorial notebooks reproduce their committed outputs", () => {
  it("has tutorial notebooks to check", () => {
    assert.ok(notebooks.length > 0, `no notebooks in ${notebooksDirectory}`);
  });

  it("tskeras run --check over notebooks/ (no Python), with a JUnit report", () => {
    const directory = freshCopy(notebooks);
    const junit = join(directory, "junit.xml");
    const run = spawnSync(
      process.execPath,
      [join(repositoryRoot, "dist/kernel/cli.js"), "run", "--check", directory, "--float-digits", String(floatDigits), "--junit", junit],
      {
        encoding: "utf8",
        env: environment,
        timeout: 1_800_000,
      },
    );
    assert.equal(run.status, 0, `tskeras run --check failed:\n${run.stdout}\n${run.stderr}`);
    for (const name of notebooks) assert.match(run.stdout, new RegExp(`PASS \\S+/${name.replace(/\./g, "\\.")} `), run.stdout);
    // Every code cell of every notebook is a passing test case in the report.
    const codeCells = notebooks.reduce((sum, name) => sum + read(join(notebooksDirectory, name)).cells.filter((cell) => cell.cell_type === "code").length, 0);
    const count = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(len(r.findall('testsuite')), len(r.findall('testsuite/testcase')), len(r.findall('testsuite/testcase/failure')))",
        junit,
      ],
      { encoding: "utf8" },
    );
    assert.equal(count.status, 0, count.stderr);
    assert.equal(count.stdout.trim(), `${notebooks.length} ${codeCells} 0`);
  });

  for (const name of notebooks) {
    it(`${name} through jupyter nbconvert --execute`, () => {
      const directory = freshCopy([name]);
      const run = spawnSync(
        "jupyter",
        [
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          "--ExecutePreprocessor.timeout=600",
          "--ExecutePreprocessor.kernel_name=tskeras",
          "--output",
          "executed.ipynb",
          join(directory, name),
        ],
        {
          encoding: "utf8",
          env: environment,
          timeout: 900_000,
        },
      );
      assert.equal(run.status, 0, `nbconvert failed:\n${run.stderr}`);
      const cells = compareNotebook(read(join(notebooksDirectory, name)), read(join(directory, "executed.ipynb")), checkOptions);
      const report = failureReport({ path: name, seconds: 0, cells });
      assert.equal(report, "", `outputs differ from the committed ones:\n${report}`);
    });
  }
});
