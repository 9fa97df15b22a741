import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { kernelEnvironment, repositoryRoot } from "../support/kernelspec.js";
import { compareNotebooks, type NotebookDocument } from "../support/notebook-compare.js";

const notebooksDirectory = join(repositoryRoot, "notebooks");
// TSKERAS_NOTEBOOKS=a.ipynb,b.ipynb checks only those (while working on one notebook); CI checks all.
const only = process.env.TSKERAS_NOTEBOOKS?.split(",").filter(Boolean);
const notebooks = readdirSync(notebooksDirectory).filter((name) => name.endsWith(".ipynb") && (!only || only.includes(name))).sort();
// The committed outputs were made with the default backend (wasm), so the runs here use it too.
// The committed outputs come from wasm (cell 1 prints the backend); the native pass of test/run.mjs
// runs the notebooks whose outputs do not depend on it (TSKERAS_NOTEBOOKS) on the native backend.
const environment = { ...kernelEnvironment(), TSKERAS_BACKEND: process.env.TSKERAS_BACKEND === "tensorflow" ? "tensorflow" : "wasm" };

function freshCopy(name: string): string {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-tutorial-"));
  copyFileSync(join(notebooksDirectory, name), join(directory, name));
  // Notebooks read their input files (e.g. Python-written models) from data/, relative to themselves.
  const data = join(notebooksDirectory, "data");
  if (existsSync(data)) cpSync(data, join(directory, "data"), { recursive: true });
  return directory;
}

const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as NotebookDocument;

describe("tutorial notebooks reproduce their committed outputs", () => {
  it("has tutorial notebooks to check", () => {
    assert.ok(notebooks.length > 0, `no notebooks in ${notebooksDirectory}`);
  });

  for (const name of notebooks) {
    it(`${name} through jupyter nbconvert --execute`, () => {
      const directory = freshCopy(name);
      const run = spawnSync("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=tskeras", "--output", "executed.ipynb", join(directory, name)], {
        encoding: "utf8",
        env: environment,
        timeout: 900_000,
      });
      assert.equal(run.status, 0, `nbconvert failed:\n${run.stderr}`);
      const problems = compareNotebooks(read(join(notebooksDirectory, name)), read(join(directory, "executed.ipynb")));
      assert.deepEqual(problems, [], `outputs differ from the committed ones:\n${problems.join("\n\n")}`);
    });

    it(`${name} through tskeras run (no Python)`, () => {
      const directory = freshCopy(name);
      const run = spawnSync(process.execPath, [join(repositoryRoot, "dist/kernel/cli.js"), "run", join(directory, name), "--output", join(directory, "out")], { encoding: "utf8", env: environment, timeout: 900_000 });
      assert.equal(run.status, 0, `tskeras run failed:\n${run.stdout}\n${run.stderr}`);
      const executed = join(directory, "out", name);
      const check = spawnSync("/usr/bin/python3", ["-c", "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], 4)); print(nbformat.read(sys.argv[1], 4).nbformat_minor)", executed], { encoding: "utf8" });
      assert.equal(check.status, 0, `the executed notebook is not valid nbformat:\n${check.stderr}`);
      assert.equal(check.stdout.trim(), "5");
      const problems = compareNotebooks(read(join(notebooksDirectory, name)), read(executed));
      assert.deepEqual(problems, [], `outputs differ from the committed ones:\n${problems.join("\n\n")}`);
    });
  }
});
