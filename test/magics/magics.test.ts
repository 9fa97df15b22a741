import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { formatTime } from "../../kernel/magics/format-time.js";
import { resultText, runCells, streamText } from "../engine/run-cells.js";

describe("IPython's time format", () => {
  it("uses three significant digits and the largest fitting unit", () => {
    assert.equal(formatTime(0.0020212), "2.02 ms");
    assert.equal(formatTime(3e-6), "3 \u00b5s");
    assert.equal(formatTime(0.5), "500 ms");
    assert.equal(formatTime(1.23456), "1.23 s");
    assert.equal(formatTime(0), "0 ns");
    assert.equal(formatTime(4.2e-9), "4.2 ns");
  });
  it("writes spans of a minute or more as d/h/min/s", () => {
    assert.equal(formatTime(65.2), "1min 5s");
    assert.equal(formatTime(3600 + 120), "1h 2min");
  });
});

describe("magics", () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-magics-"));
  const reports = runCells(
    [
      "%time 6 * 7", // 0
      "%%time\nconst timed: number = 40;\ntimed + 2", // 1
      "%timeit -n 3 -r 2 Math.sqrt(2)", // 2
      "!echo from the shell", // 3
      "const lines = !printf 'a\\nb\\n'\nlines", // 4
      '%%bash\necho "bash $BASH_VERSION" | cut -c1-4', // 5
      "%%writefile notes.txt\nfirst line", // 6
      "%who", // 7
      "%whos", // 8
      "%pwd", // 9
      "%env TSKERAS_MAGIC_TEST=on\nprocess.env.TSKERAS_MAGIC_TEST", // 10
      "%nosuchmagic", // 11
      'registerMagic("shout", { line: (text: string) => text.toUpperCase(), help: "Shouts." });', // 12
      "%shout hello", // 13
      "%lsmagic", // 14
      "%typecheck maybe", // 15
      "%reset -f", // 16
      "%who", // 17
      "%time?", // 18
      "%%time\nconst broken: string = 1;", // 19
      "%%html\n<em>inline</em>", // 20
    ],
    { workingDirectory: directory },
  );

  it("%time prints CPU and wall time in IPython's format and returns the value", () => {
    assert.match(streamText(reports[0]!), /^CPU times: user [\d.]+ \S+, sys: [\d.]+ \S+, total: [\d.]+ \S+\nWall time: [\d.]+ \S+\n$/);
    assert.equal(resultText(reports[0]!), "42");
  });
  it("%%time runs the typed body as a cell", () => {
    assert.match(streamText(reports[1]!), /Wall time:/);
    assert.equal(resultText(reports[1]!), "42");
  });
  it("%timeit reports mean ± std. dev. with the run and loop counts", () => {
    assert.match(streamText(reports[2]!), /^[\d.]+ \S+ \u00b1 [\d.]+ \S+ per loop \(mean \u00b1 std\. dev\. of 2 runs, 3 loops each\)\n$/);
  });
  it("runs shell commands, captures their lines, and runs %%bash", () => {
    assert.equal(streamText(reports[3]!), "from the shell\n");
    assert.equal(resultText(reports[4]!), "[ 'a', 'b' ]");
    assert.equal(streamText(reports[5]!), "bash\n");
  });
  it("%%writefile writes the body to the notebook's folder", () => {
    assert.equal(streamText(reports[6]!), "Writing notes.txt\n");
    assert.equal(readFileSync(join(directory, "notes.txt"), "utf8"), "first line\n");
  });
  it("%who and %whos list the user's names", () => {
    assert.match(streamText(reports[7]!), /lines\ttimed/);
    assert.match(streamText(reports[8]!), /^Variable\s+Type\s+Data\/Info\n-+\n/);
    assert.match(streamText(reports[8]!), /\ntimed\s+number\s+40\n/);
  });
  it("%pwd and %env work on the notebook's process", () => {
    assert.equal(resultText(reports[9]!), `'${directory}'`);
    assert.equal(resultText(reports[10]!), "'on'");
  });
  it("an unknown magic is a one-line UsageError listing the available ones", () => {
    const outcome = reports[11]!.outcome;
    assert.equal(outcome.status, "error");
    assert.equal(outcome.ename, "UsageError");
    assert.match(outcome.evalue, /^Line magic function %nosuchmagic not found\. Available magics: [^\n]*$/);
    assert.match(outcome.evalue, / %time, /);
    assert.match(outcome.evalue, / %%writefile, /);
  });
  it("registerMagic adds a magic usable in later cells and in %lsmagic", () => {
    assert.equal(resultText(reports[13]!), "'HELLO'");
    assert.match(streamText(reports[14]!), /Available line magics:\n.*%shout.*\n\nAvailable cell magics:\n.*%%writefile/);
  });
  it("bad arguments are clear errors and the kernel stays usable", () => {
    assert.equal(reports[15]!.outcome.status, "error");
    assert.match((reports[15]!.outcome as { evalue: string }).evalue, /%typecheck takes "on" or "off", not "maybe"/);
    assert.equal(reports[16]!.outcome.status, "ok");
  });
  it("%reset -f forgets the user's names", () => {
    assert.equal(streamText(reports[17]!), "Interactive namespace is empty.\n");
  });
  it("`%name?` pages the magic's help", () => {
    const outcome = reports[18]!.outcome;
    assert.equal(outcome.status === "ok" && outcome.payload[0]?.data["text/plain"]?.startsWith("%time CODE"), true);
  });
  it("%%html shows the body as HTML", () => {
    assert.deepEqual(reports[20]!.outputs.find((output) => output.type === "display")?.data, { "text/html": "<em>inline</em>" });
  });
  it("%%time keeps the body's line numbers in type errors", () => {
    const outcome = reports[19]!.outcome;
    assert.equal(outcome.status, "error");
    assert.match((outcome as { evalue: string }).evalue, /^2:7 - Type 'number' is not assignable/);
  });
});
