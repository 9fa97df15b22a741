/**
 * `tskeras run --check / --update / -p` end to end through the CLI, on the fixture notebooks in
 * test/notebooks/regression (made by make-fixtures.py: five committed outputs changed on purpose).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot } from "../support/kernelspec.js";

const fixtures = join(repositoryRoot, "test/notebooks/regression");
const sanitizers = join(fixtures, "sanitizers.txt");
const changedCells = [3, 10, 13, 15, 17];

function tskerasRun(args: string[]) {
  const run = spawnSync(process.execPath, [join(repositoryRoot, "dist/kernel/cli.js"), "run", ...args], {
    encoding: "utf8",
    env: { ...process.env, TSKERAS_BACKEND: "cpu" },
    timeout: 300_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, all: `${run.stdout}\n${run.stderr}` };
}

/** Cell numbers the text report flags with `✗ PATH cell N: …`. */
const flaggedCells = (stdout: string) => [...stdout.matchAll(/^✗ \S+ cell (\d+):/gm)].map((match) => Number(match[1]));

function copyFixtures(...names: string[]): string {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-check-test-"));
  for (const name of names) copyFileSync(join(fixtures, name), join(directory, name));
  return directory;
}

/** The JUnit XML read by Python's standard-library XML parser: per test case, its outcome. */
function parseJunit(path: string): {
  suites: Array<{ name: string; tests: number; failures: number; skipped: number }>;
  cases: Array<{ suite: string; name: string; outcome: string; message: string; body: string }>;
} {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites, cases = [], []
for suite in root.findall("testsuite"):
    suites.append({"name": suite.get("name"), "tests": int(suite.get("tests")), "failures": int(suite.get("failures")), "skipped": int(suite.get("skipped"))})
    for case in suite.findall("testcase"):
        outcome, message, body = "passed", "", ""
        for child in case:
            outcome, message, body = child.tag, child.get("message") or "", child.text or ""
        cases.append({"suite": suite.get("name"), "name": case.get("name"), "outcome": outcome, "message": message, "body": body})
print(json.dumps({"suites": suites, "cases": cases}))
`;
  const run = spawnSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

describe("tskeras run --check", () => {
  it("flags exactly the changed cells, with diffs, a JUnit report a standard parser reads, and exit code 1", () => {
    const directory = copyFixtures("checked.ipynb", "clean.ipynb");
    const junit = join(directory, "report.xml");
    const run = tskerasRun([
      join(directory, "checked.ipynb"),
      join(directory, "clean.ipynb"),
      "--check",
      "--sanitize",
      sanitizers,
      "--junit",
      junit,
      "--jobs",
      "2",
    ]);
    assert.equal(run.status, 1, run.all);
    assert.deepEqual(flaggedCells(run.stdout), changedCells, run.stdout);
    // Readable diffs: the cell, its first source line, expected vs got.
    assert.match(
      run.stdout,
      /✗ \S+checked\.ipynb cell 3: console\.log\("answer:", 40 \+ 2\);\n {2}outputs differ from the committed ones\n {4}--- expected\n {4}\+\+\+ got\n {4}@@ -1,2 \+1,2 @@\n {5}\[stdout\]\n {4}-answer: 41\n {4}\+answer: 42\n/,
    );
    assert.match(run.stdout, /cell 10: .*\n(.*\n)*? {4}-TypeError: bad shape \[3, 2\]\n {4}\+TypeError: bad shape \[2, 3\]/);
    assert.match(run.stdout, /output 1 \(display_data\): text\/html tag structure or text differs\n(.*\n)*? {4}- +precision\n {4}\+ +accuracy/);
    assert.match(run.stdout, /output 1 \(display_data\): application\/json JSON value differs\n(.*\n)*? {4}- "layers": 2,\n {4}\+ "layers": 3,/);
    // One line per notebook (in parallel: with a counter), then the table.
    assert.match(run.stdout, /^\[\d\/2\] FAIL \S+checked\.ipynb {2}16 cells: 9 passed, 5 failed, 2 skipped \(\d+\.\ds\)$/m);
    assert.match(run.stdout, /^\[\d\/2\] PASS \S+clean\.ipynb {2}3 cells: 3 passed, 0 failed, 0 skipped/m);
    assert.match(run.stdout, /^ +notebook +passed +failed +skipped +time\nFAIL +\S+checked\.ipynb +9 +5 +2 +\S+\nPASS +\S+clean\.ipynb +3 +0 +0 /m);

    const report = parseJunit(junit);
    assert.deepEqual(
      report.suites.map(({ tests, failures, skipped }) => [tests, failures, skipped]),
      [
        [16, 5, 2],
        [3, 0, 0],
      ],
    );
    const checked = report.cases.filter((testCase) => testCase.suite.endsWith("checked.ipynb"));
    assert.equal(checked.length, 16, "one test case per code cell");
    assert.deepEqual(
      checked.filter((testCase) => testCase.outcome === "failure").map((testCase) => Number(/^cell (\d+):/.exec(testCase.name)![1])),
      changedCells,
    );
    assert.deepEqual(
      checked.filter((testCase) => testCase.outcome === "skipped").map((testCase) => testCase.name),
      ['cell 7: throw new Error("this cell must never run under --check");', 'cell 8: console.log("skipped by a first-line comment");'],
    );
    const answer = checked.find((testCase) => testCase.name.startsWith("cell 3:"))!;
    assert.equal(answer.message, "outputs differ from the committed ones");
    assert.match(answer.body, /-answer: 41\n\+answer: 42/);
  });

  it("without the sanitizer the random run id differs too; --lax compares only nbval-check-output cells", () => {
    const directory = copyFixtures("checked.ipynb");
    const strict = tskerasRun([join(directory, "checked.ipynb"), "--check"]);
    assert.equal(strict.status, 1, strict.all);
    assert.deepEqual(flaggedCells(strict.stdout), [3, 10, 11, 13, 15, 17]);
    assert.match(strict.stdout, /-run id: k3j2h1g0\n {4}\+run id: [a-z0-9]+\n/);
    const lax = tskerasRun([join(directory, "checked.ipynb"), "--check", "--lax", "--sanitize-with", sanitizers]);
    assert.equal(lax.status, 1, lax.all);
    assert.deepEqual(flaggedCells(lax.stdout), [17]);
  });

  it("exits 0 when every checked cell matches", () => {
    const directory = copyFixtures("clean.ipynb");
    const run = tskerasRun([join(directory, "clean.ipynb"), "--check"]);
    assert.equal(run.status, 0, run.all);
    assert.match(run.stdout, /^PASS \S+clean\.ipynb {2}3 cells: 3 passed, 0 failed, 0 skipped/m);
  });

  it("--update rewrites the committed outputs (keeping nbval-skip cells' ones) and a later --check accepts them", () => {
    const directory = copyFixtures("checked.ipynb");
    const notebook = join(directory, "checked.ipynb");
    const update = tskerasRun([notebook, "--update"]);
    assert.equal(update.status, 0, update.all);
    assert.match(update.stdout, /UPDATED \S+checked\.ipynb/);
    const rewritten = JSON.parse(readFileSync(notebook, "utf8"));
    const text = (cellNumber: number) => rewritten.cells[cellNumber - 1].outputs.map((output: { text?: string[] }) => (output.text ?? []).join("")).join("");
    assert.equal(text(3), "answer: 42\n");
    assert.equal(text(7), "kept as committed (nbval-skip)\n");
    assert.equal(rewritten.cells[9].outputs[0].evalue, "bad shape [2, 3]");
    const valid = spawnSync("/usr/bin/python3", ["-c", "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], 4))", notebook], {
      encoding: "utf8",
    });
    assert.equal(valid.status, 0, valid.stderr);
    const check = tskerasRun([notebook, "--check", "--sanitize", sanitizers]);
    assert.equal(check.status, 0, check.all);
    assert.match(check.stdout, /PASS \S+checked\.ipynb {2}16 cells: 14 passed, 0 failed, 2 skipped/);
  });

  it("reports an unexpected error and the cells it left unexecuted", () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-check-test-"));
    const path = join(directory, "broken.ipynb");
    const cell = (source: string) => ({ cell_type: "code", metadata: {}, execution_count: 1, outputs: [], source });
    writeFileSync(
      path,
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell("1 + 1;"), cell("const broken: number = 'text';"), cell("2 + 2;")] }),
    );
    const run = tskerasRun([path, "--check"]);
    assert.equal(run.status, 1, run.all);
    assert.match(run.stdout, /cell 2: const broken: number = 'text';\n {2}raised TypeScriptError: .*Type 'string' is not assignable to type 'number'/);
    assert.match(run.stdout, /cell 3: 2 \+ 2;\n {2}not executed: an earlier cell failed/);
  });

  it("rejects bad usage with exit code 2 and a message", () => {
    for (const [args, message] of [
      [["x.ipynb", "--junit", "r.xml"], /--junit reports a --check run; add --check/],
      [["x.ipynb", "--check", "--update"], /--check and --update exclude each other/],
      [["x.ipynb", "--float-digits", "many"], /--float-digits takes a whole number from 0 to 17, got many/],
      [["x.ipynb", "-p", "2fast", "1"], /-p 2fast: a parameter name must be a TypeScript identifier/],
      [["x.ipynb", "--sanitize", "/nonexistent/rules.txt"], /cannot read the sanitizers file \/nonexistent\/rules\.txt/],
      [["x.ipynb", "--frobnicate"], /unknown option --frobnicate/],
    ] as const) {
      const run = tskerasRun([...args]);
      assert.equal(run.status, 2, `${args.join(" ")}: ${run.all}`);
      assert.match(run.stderr, message);
    }
  });
});

describe("tskeras run --jobs", () => {
  it("runs a folder's notebooks in parallel processes, one progress line per notebook, then a table", () => {
    const directory = copyFixtures("clean.ipynb", "parameters.ipynb");
    const run = tskerasRun([directory, "--jobs", "2", "--output", join(directory, "out")]);
    assert.equal(run.status, 0, run.all);
    const progress = run.stdout.split("\n").filter((line) => /^\[\d\/2\] /.test(line));
    assert.equal(progress.length, 2, run.stdout);
    for (const name of ["clean", "parameters"])
      assert.ok(
        progress.some((line) => line.includes(`ok → ${join(directory, "out", `${name}.ipynb`)}`)),
        run.stdout,
      );
    assert.match(run.stdout, /^ +notebook +time\nok +\S+clean\.ipynb +\d+\.\ds\nok +\S+parameters\.ipynb +\d+\.\ds$/m);
    // Per-cell progress of parallel children is not interleaved on the terminal.
    assert.doesNotMatch(run.stderr, /^\[1\/3\] ok/m);
  });
});

describe("tskeras run -p (papermill-style parameters)", () => {
  it("injects typed const declarations after the parameters cell, in a cell tagged injected-parameters", () => {
    const directory = copyFixtures("parameters.ipynb");
    const output = join(directory, "out");
    const run = tskerasRun([
      join(directory, "parameters.ipynb"),
      "-p",
      "epochs",
      "3",
      "-p",
      "name",
      '"x"',
      "--parameter",
      "rates",
      "[0.5, 0.25]",
      "--output",
      output,
    ]);
    assert.equal(run.status, 0, run.all);
    const executed = JSON.parse(readFileSync(join(output, "parameters.ipynb"), "utf8"));
    assert.deepEqual(
      executed.cells.map((cell: { metadata: { tags?: string[] } }) => cell.metadata.tags ?? []),
      [[], ["parameters"], ["injected-parameters"], []],
    );
    assert.equal(
      executed.cells[2].source.join(""),
      '// Parameters injected by tskeras run -p\nconst epochs: number = 3;\nconst name: string = "x";\nconst rates: number[] = [0.5,0.25];\n',
    );
    assert.equal(executed.cells[3].outputs[0].text.join(""), "x trains for 3 epochs at 0.5,0.25\n");
    assert.equal(executed.cells[3].outputs[1].data["text/plain"].join(""), "30");
    assert.deepEqual(JSON.parse(readFileSync(join(directory, "parameters.ipynb"), "utf8")).cells.length, 3, "the input notebook is left as it was");
  });

  it("takes non-JSON text as a string, and reports a wrong type as a type error in the injected cell", () => {
    const directory = copyFixtures("parameters.ipynb");
    const plain = tskerasRun([join(directory, "parameters.ipynb"), "-p", "name", "plain words", "--output", join(directory, "plain")]);
    assert.equal(plain.status, 0, plain.all);
    assert.equal(
      JSON.parse(readFileSync(join(directory, "plain", "parameters.ipynb"), "utf8")).cells[3].outputs[0].text.join(""),
      "plain words trains for 2 epochs at 0.1\n",
    );

    const wrong = tskerasRun([join(directory, "parameters.ipynb"), "-p", "epochs", '"three"', "--output", join(directory, "wrong")]);
    assert.equal(wrong.status, 1, wrong.all);
    const executed = JSON.parse(readFileSync(join(directory, "wrong", "parameters.ipynb"), "utf8"));
    const injected = executed.cells[2];
    assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
    assert.equal(injected.outputs[0].ename, "TypeScriptError");
    assert.match(injected.outputs[0].evalue, /Type 'string' is not assignable to type 'number'/);
    assert.equal(executed.cells[3].execution_count, null, "the cells after it did not run");
  });

  it("warns about a parameter the parameters cell does not declare and injects it untyped", () => {
    const directory = copyFixtures("parameters.ipynb");
    const run = tskerasRun([join(directory, "parameters.ipynb"), "-p", "seed", "7", "--output", join(directory, "out")]);
    assert.equal(run.status, 0, run.all);
    assert.match(run.stderr, /warning: parameter "seed" is not declared \(with a known type\) in the "parameters" cell: injected untyped/);
    const executed = JSON.parse(readFileSync(join(directory, "out", "parameters.ipynb"), "utf8"));
    assert.match(executed.cells[2].source.join(""), /^const seed = 7;$/m);
  });
});
