/**
 * The pieces of `tskeras run --check`: normalization, sanitizer files, HTML structure, cell markers
 * and the unified diff (checked against GNU diff, an independent implementation).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cellMarkers } from "../../kernel/runner/check/cell-markers.js";
import { compareNotebook, defaultCheckOptions } from "../../kernel/runner/check/compare-notebook.js";
import { htmlStructure } from "../../kernel/runner/check/html-structure.js";
import { normalizeText } from "../../kernel/runner/check/normalize-outputs.js";
import { parseSanitizers } from "../../kernel/runner/check/sanitizers.js";
import { unifiedDiff } from "../../kernel/runner/check/unified-diff.js";
import type { Notebook } from "../../kernel/runner/notebook-format.js";

const options = (floatDigits = 5, sanitizers = parseSanitizers("")) => ({ floatDigits, sanitizers });

describe("--check normalization", () => {
  it("replaces timings, dates, temp paths, addresses and ids; keeps integers and words", () => {
    assert.equal(
      normalizeText(
        "32/32 [====] - 0s 5ms/step - ETA: 3s at 0x7f3a2b1c9d10 in /tmp/tskeras-x1/out on 2026-12-02 09:47:42, id 3f2a9c1e-1b2c-4d5e-8f90-123456789abc\nTotal params: 407,050\nWall time: 2.02 ms   ",
      ),
      "32/32 [====] - <time> <time> - ETA: <time> at <address> in <tmp>/out on <date>, id <uuid>\nTotal params: 407,050\nWall time: <time>",
    );
  });

  it("shows what a terminal shows for progress bars redrawn with carriage returns", () => {
    assert.equal(normalizeText("1/3 [==>....]\r2/3 [====>..]\r3/3 [=======] done\nnext"), "3/3 [=======] done\nnext");
  });

  it("compares floats to the configured number of significant digits, or not at all with 0", () => {
    assert.equal(normalizeText("loss: 0.30000000000000004 acc 0.91234"), normalizeText("loss: 0.3 acc 0.912341"));
    assert.notEqual(normalizeText("loss: 0.31"), normalizeText("loss: 0.3"));
    assert.equal(normalizeText("loss: 0.3124", options(2)), "loss: 0.31");
    assert.equal(normalizeText("loss: 0.3124 and 1e-7, epoch 3", options(0)), "loss: <float> and <float>, epoch 3");
  });

  it("reads nbval's sanitizer file format and applies the rules after the built-in ones", () => {
    const sanitizers = parseSanitizers(
      "# comment\n[first]\nregex: run id: [a-z0-9]+\nreplace: run id: <id>\n\n[second]\nregex: \\bcolou?r\\b\nreplace: COLOR\n",
    );
    assert.equal(sanitizers.length, 2);
    assert.equal(normalizeText("run id: k3j2 in colour\nrun id: zz9", options(5, sanitizers)), "run id: <id> in COLOR\nrun id: <id>");
    assert.throws(() => parseSanitizers("regex: a\n", "s.cfg"), /s\.cfg:1: "regex:" has no "replace:" line after it/);
    assert.throws(() => parseSanitizers("replace: b\n", "s.cfg"), /s\.cfg:1: "replace:" without a "regex:"/);
    assert.throws(() => parseSanitizers("regex: (unclosed\nreplace: x\n", "s.cfg"), /s\.cfg:1: invalid regular expression/);
    assert.throws(() => parseSanitizers("pattern = x\n", "s.cfg"), /s\.cfg:1: expected "regex: PATTERN" or "replace: TEXT"/);
  });
});

describe("--check HTML comparison", () => {
  it("ignores attributes, comments and whitespace layout but not tags or text", () => {
    const a = htmlStructure('<div id="plot-1" style="height:300px"><b>Loss</b> curve<br><!-- x --></div>');
    const b = htmlStructure('<div id="plot-2" class="x">\n  <b>Loss</b>\n   curve<br/>\n</div>');
    assert.equal(a, b);
    assert.equal(a, "<div>\n  <b>\n    Loss\n  curve\n  <br>");
    assert.notEqual(htmlStructure("<div><i>Loss</i> curve</div>"), a);
    assert.notEqual(htmlStructure("<div><b>Accuracy</b> curve</div>"), a);
    // Script bodies are text (a plot's data), not markup.
    assert.equal(htmlStructure("<script>if (a < b) draw('<div>');</script><p>x &amp; y</p>"), "<script>\n  if (a < b) draw('<div>');\n<p>\n  x & y");
  });

  it("treats an inline <svg> chart as an image: present or not, never its drawing", () => {
    const chart = (ticks: string) => `<div><b>Loss</b><svg width="300"><g><svg>${ticks}</svg></g><text>epoch</text></svg><p>after</p></div>`;
    const one = htmlStructure(chart("<text>1</text><text>1.5</text><text>2</text>"));
    assert.equal(one, htmlStructure(chart("<text>1</text><text>2</text>")));
    assert.equal(one, "<div>\n  <b>\n    Loss\n  <svg>\n    (image: not compared)\n  <p>\n    after");
    assert.notEqual(htmlStructure("<div><b>Loss</b><p>after</p></div>"), one);
  });
});

describe("--check cell markers", () => {
  it("reads nbval's tag names and the same names as a first-line // comment", () => {
    const cell = (source: string, tags: string[] = []) => ({ source, metadata: { tags } });
    assert.deepEqual(cellMarkers(cell("x", ["nbval-ignore-output", "nbval-raises-exception"])), {
      skip: false,
      ignoreOutput: true,
      raisesException: true,
      checkOutput: false,
    });
    assert.deepEqual(cellMarkers(cell("x", ["raises-exception", "nbval-skip", "nbval-check-output"])), {
      skip: true,
      ignoreOutput: false,
      raisesException: true,
      checkOutput: true,
    });
    assert.equal(cellMarkers(cell("// NBVAL_IGNORE_OUTPUT\nx")).ignoreOutput, true);
    assert.equal(cellMarkers(cell("  //NBVAL_SKIP  \nx")).skip, true);
    assert.equal(cellMarkers(cell("x\n// NBVAL_SKIP")).skip, false, "only the first line counts");
    assert.equal(cellMarkers(cell("// NBVAL_RAISES_EXCEPTION")).raisesException, true);
  });

  it("fails a cell marked raises-exception that raised nothing, and an unexpected error", () => {
    const notebook = (outputs: unknown[][], tags: string[][]): Notebook => ({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: outputs.map((cellOutputs, index) => ({
        cell_type: "code",
        source: `cell${index}`,
        metadata: { tags: tags[index] },
        execution_count: index + 1,
        outputs: cellOutputs as never,
      })),
    });
    const error = { output_type: "error", ename: "Error", evalue: "boom", traceback: ["Error: boom"] };
    const committed = notebook([[error], [], [error]], [["raises-exception"], [], []]);
    const executed = notebook([[], [error], [error]], [["raises-exception"], [], []]);
    const results = compareNotebook(committed, executed, defaultCheckOptions);
    assert.deepEqual(
      results.map((cell) => [cell.status, cell.reason]),
      [
        ["failed", "marked raises-exception but raised nothing"],
        ["failed", "raised Error: boom"],
        ["failed", "raised Error: boom"],
      ],
    );
  });
});

describe("--check unified diff", () => {
  it("produces the hunks GNU diff -u produces", () => {
    const expected = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"];
    const actual = ["a", "B", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m", "n"];
    const directory = mkdtempSync(join(tmpdir(), "tskeras-diff-"));
    writeFileSync(join(directory, "expected"), `${expected.join("\n")}\n`);
    writeFileSync(join(directory, "got"), `${actual.join("\n")}\n`);
    const gnu = spawnSync("diff", ["-u", "expected", "got"], { cwd: directory, encoding: "utf8" });
    assert.equal(gnu.status, 1, gnu.stderr);
    const gnuLines = gnu.stdout.trimEnd().split("\n").slice(2); // drop the ---/+++ lines with file dates
    assert.deepEqual(unifiedDiff(expected, actual).slice(2), gnuLines);
    assert.deepEqual(unifiedDiff(["same"], ["same"]), ["--- expected", "+++ got"]);
  });
});
