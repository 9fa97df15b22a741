import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { resultText, runCells, streamText } from "./run-cells.js";

/** A notebook folder outside the repository, so resolution cannot lean on the repo's node_modules. */
function notebookDirectory(): string {
  return mkdtempSync(join(tmpdir(), "tskeras-engine-"));
}

describe("TypeScript engine: state and types across cells", () => {
  const reports = runCells(
    [
      "const x: number = 41;\n// a comment before the result must not end the cell early\nx + 1",
      'const x = "now a string";\nx.toUpperCase()',
      "let count = 0;\nfunction increment(): number { return ++count; }",
      "count = 10;\nincrement()",
      "class Point { constructor(public x: number, public y: number) {} norm() { return Math.hypot(this.x, this.y); } }\nconst { a, b: [c] } = { a: 3, b: [4] };",
      "new Point(a, c).norm()",
      "interface Named { name: string }\nenum Color { Red, Green }\nconst named: Named = { name: Color[1] };\nnamed.name",
      "const later: Named = { name: 'ok' }; later.name.length",
    ],
    { workingDirectory: notebookDirectory() },
  );

  it("evaluates the last expression as the cell's result", () => {
    assert.equal(resultText(reports[0]!), "42");
  });
  it("lets a later cell redeclare a const with another type", () => {
    assert.equal(resultText(reports[1]!), "'NOW A STRING'");
  });
  it("carries let variables that later cells may assign, and functions that see the new value", () => {
    assert.equal(reports[2]!.outcome.status, "ok");
    assert.equal(resultText(reports[2]!), undefined, "a cell ending in a declaration has no result");
    assert.equal(resultText(reports[3]!), "11");
  });
  it("carries classes and destructured names", () => {
    assert.equal(resultText(reports[5]!), "5");
  });
  it("carries interfaces and enums (types and values)", () => {
    assert.equal(resultText(reports[6]!), "'Green'");
    assert.equal(resultText(reports[7]!), "2");
  });
});

describe("TypeScript engine: type errors", () => {
  const reports = runCells([
    'let total: number = 1;\nconst label: string = total;\nconsole.log("ran");',
    "%typecheck off",
    'const forced: string = 5 as unknown as number;\nconsole.log("ran anyway", typeof forced);',
    "%typecheck on",
    "const again: string = 5;",
  ]);

  it("reports the cell's line:col and does not run the cell", () => {
    const outcome = reports[0]!.outcome;
    assert.equal(outcome.status, "error");
    assert.equal(outcome.ename, "TypeScriptError");
    assert.match(outcome.evalue, /^2:7 - Type 'number' is not assignable to type 'string'\. \(TS2322\)$/);
    assert.equal(streamText(reports[0]!), "", "nothing from the cell may have run");
  });
  it("runs a cell with type errors when %typecheck is off, and checks again when on", () => {
    assert.equal(reports[2]!.outcome.status, "ok");
    assert.equal(streamText(reports[2]!), "ran anyway number\n");
    assert.equal(reports[4]!.outcome.status, "error");
  });
});

describe("TypeScript engine: runtime", () => {
  it("supports top-level await and keeps output order", () => {
    const [report] = runCells([
      'console.log("before");\nconst value = await new Promise<number>((resolve) => setTimeout(() => resolve(7), 20));\nconsole.log("after");\nvalue * 6',
    ]);
    assert.equal(streamText(report!), "before\nafter\n");
    assert.equal(resultText(report!), "42");
  });

  it("maps runtime errors to cell line and column", () => {
    const [report] = runCells(['function fail(): never {\n  throw new RangeError("out of range");\n}\nfail();']);
    const outcome = report!.outcome;
    assert.equal(outcome.status, "error");
    assert.equal(outcome.ename, "RangeError");
    assert.equal(outcome.evalue, "out of range");
    const text = outcome.traceback.join("\n").replace(/\u001b\[[0-9;]*m/g, "");
    assert.match(text, /at fail Cell In\[1\], line 2, col 9/);
    assert.match(text, /Cell In\[1\], line 4, col 1/);
  });

  it("imports an ESM-only package (exports with only an import condition) from the notebook's folder", () => {
    const directory = notebookDirectory();
    const packageDirectory = join(directory, "node_modules", "esm-only-demo");
    mkdirSync(join(packageDirectory, "dist"), { recursive: true });
    writeFileSync(
      join(packageDirectory, "package.json"),
      JSON.stringify({ name: "esm-only-demo", type: "module", exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" } } }),
    );
    writeFileSync(join(packageDirectory, "dist/index.js"), "await Promise.resolve();\nexport function triple(value) { return value * 3; }\n");
    writeFileSync(join(packageDirectory, "dist/index.d.ts"), "export declare function triple(value: number): number;\n");
    const reports = runCells(
      ['import { triple } from "esm-only-demo";\ntriple(14)', "triple(2) + 1 // a trailing comment", "const wrong: string = triple(1);"],
      { workingDirectory: directory },
    );
    assert.equal(resultText(reports[0]!), "42");
    assert.equal(resultText(reports[1]!), "7", "imports carry to later cells (and never become the result)");
    assert.equal(reports[2]!.outcome.status, "error", "the package's types are used");
  });

  it("imports tskeras from a notebook in any folder, with its types, in later cells too", () => {
    const reports = runCells(
      [
        'import { tf, keras } from "tskeras";\nconst ones: tf.Tensor = tf.ones([2, 2]);\n[tf.getBackend(), ones.sum().dataSync()[0]]',
        "const later: tf.Tensor = tf.zeros([3]);\nlater.shape",
        "const wrong: tf.Tensor = 5;",
      ],
      { workingDirectory: notebookDirectory() },
    );
    assert.equal(resultText(reports[0]!), "[ 'cpu', 4 ]");
    assert.equal(resultText(reports[1]!), "[ 3 ]");
    assert.equal(reports[2]!.outcome.status, "error", "tf's types are checked");
  });

  it("imports the kernel's own ESM-only dependencies from any folder (h5wasm/node)", () => {
    const [report] = runCells(['import h5wasm from "h5wasm/node";\nawait h5wasm.ready;\ntypeof h5wasm.File'], { workingDirectory: notebookDirectory() });
    assert.equal(resultText(report!), "'function'");
  });

  it("supports dynamic import() and require() from the notebook's folder", () => {
    const [report] = runCells([
      'const { join } = await import("node:path");\nconst os = require("node:os") as typeof import("node:os");\n[join("a", "b"), typeof os.cpus]',
    ]);
    assert.equal(resultText(report!), "[ 'a/b', 'function' ]");
  });

  it("answers prompt() through the frontend's input", () => {
    const [report] = runCells(['const name = prompt("Your name?");\n`hello ${name}`'], { inputs: ["Ada"] });
    assert.deepEqual(
      report!.outputs.find((output) => output.type === "input"),
      { type: "input", prompt: "Your name?" },
    );
    assert.equal(resultText(report!), "'hello Ada'");
  });

  it("waits for asynchronous display hooks before the cell ends", () => {
    const [report] = runCells([
      'const slow = { async [Symbol.for("Jupyter.display")]() { await new Promise((resolve) => setTimeout(resolve, 200)); return { "text/plain": "late but in time" }; } };\ndisplay(slow);\n"done"',
    ]);
    assert.deepEqual(report!.outputs.find((output) => output.type === "display")?.data, { "text/plain": "late but in time" });
  });

  it("shows display() bundles and the Jupyter.display hook", () => {
    const [report] = runCells([
      'display.html("<b>bold</b>");\nconst card = { [Symbol.for("Jupyter.display")]() { return { "text/markdown": "**card**" }; } };\ncard',
    ]);
    const display = report!.outputs.find((output) => output.type === "display");
    assert.deepEqual(display?.data, { "text/html": "<b>bold</b>" });
    assert.deepEqual(report!.outcome.status === "ok" && report!.outcome.result, { "text/markdown": "**card**" });
  });

  it("runs notebooks written for tslab (import * as tslab)", () => {
    const [report] = runCells([
      'import * as tslab from "tslab";\ntslab.display.html("<i>from tslab</i>");\nconst entry = tslab.newDisplay();\nentry.text("first");\nentry.text("second");',
    ]);
    const displays = report!.outputs.filter((output) => output.type === "display") as unknown as Array<{
      data: Record<string, string>;
      transient: { display_id?: string };
      update: boolean;
    }>;
    assert.deepEqual(
      displays.map((d) => d.data),
      [{ "text/html": "<i>from tslab</i>" }, { "text/plain": "first" }, { "text/plain": "second" }],
    );
    assert.equal(displays[1]!.update, false);
    assert.equal(displays[2]!.update, true, "newDisplay() overwrites its entry");
    assert.equal(displays[1]!.transient.display_id, displays[2]!.transient.display_id);
  });
});

describe("TypeScript engine: interrupts", () => {
  it("stops a synchronous infinite loop on SIGINT and keeps earlier state", () => {
    const reports = runCells(["const kept = 5;", { code: "while (true) {}", sigintAfterMs: 500 }, "kept * 2"]);
    const outcome = reports[1]!.outcome;
    assert.equal(outcome.status, "error");
    assert.equal(outcome.ename, "KeyboardInterrupt");
    assert.equal(resultText(reports[2]!), "10");
  });

  it("stops a pending await on interrupt and keeps earlier state", () => {
    const reports = runCells(["let progress = 1;", { code: "progress = 2;\nawait new Promise(() => {});\nprogress = 3;", interruptAfterMs: 300 }, "progress"]);
    assert.equal(reports[1]!.outcome.status, "error");
    assert.equal((reports[1]!.outcome as { ename: string }).ename, "KeyboardInterrupt");
    assert.equal(resultText(reports[2]!), "2");
  });
});

describe("TypeScript engine: help", () => {
  it("pages documentation for `expr?`", () => {
    const [, report] = runCells(["/** Adds one to its argument. */\nfunction addOne(value: number): number { return value + 1; }", "addOne?"]);
    assert.equal(report!.outcome.status, "ok");
    const page = report!.outcome.status === "ok" ? report!.outcome.payload[0] : undefined;
    assert.equal(page?.source, "page");
    assert.match(page!.data["text/plain"]!, /function addOne\(value: number\): number/);
    assert.match(page!.data["text/plain"]!, /Adds one to its argument\./);
  });
});

describe("TypeScript engine: completion and inspection", () => {
  it("completes members with the types of earlier cells, magic names, and inspects symbols", async () => {
    const { createEngine } = await import("../../kernel/engine/create.js");
    // complete/inspect write nothing, so they can run in the test process with a silent sink.
    const engine = createEngine({
      workingDirectory: process.cwd(),
      outputs: { stream: () => {}, displayData: () => {}, clearOutput: () => {}, input: () => "" },
    });
    try {
      const code = "const words = ['a'];\nwords.fil";
      const completion = await engine.complete(code, code.length);
      assert.deepEqual(completion.matches, ["fill", "filter"]);
      assert.equal(completion.cursorStart, code.length - 3);
      const magics = await engine.complete("%tim", 4);
      assert.deepEqual(magics.matches, ["%time", "%timeit"]);
      assert.equal(magics.cursorStart, 0);
      const cellMagics = await engine.complete("%%wr", 4);
      assert.deepEqual(cellMagics.matches, ["%%writefile"]);
      const inspected = await engine.inspect("Math.max(1, 2)", 6, 0);
      assert.equal(inspected.found, true);
      assert.match(inspected.data["text/plain"] as string, /max\(\.\.\.values: number\[\]\): number/);
      assert.equal((await engine.inspect("   ", 1, 0)).found, false);

      // Completions carry Jupyter's types (JupyterLab's icon and type column).
      const typed = await engine.complete("class Greeter {}\nfunction greet() {}\nconst greeting = 1;\ngre", 58);
      const types = typed.metadata._jupyter_types_experimental as Array<{ text: string; type: string; start: number; end: number }>;
      assert.deepEqual(
        types.map((entry) => [entry.text, entry.type]).filter(([text]) => text!.startsWith("gre") || text === "Greeter"),
        [
          ["greet", "function"],
          ["greeting", "variable"],
        ],
      );
      assert.ok(types.every((entry) => entry.start === typed.cursorStart && entry.end === typed.cursorEnd));
      const members = await engine.complete("const words = ['a'];\nwords.le", 29);
      assert.deepEqual(
        (members.metadata._jupyter_types_experimental as Array<{ text: string; type: string }>).map((entry) => [entry.text, entry.type]),
        [["length", "property"]],
      );
      const classes = await engine.complete("class Greeter {}\nGree", 21);
      assert.deepEqual(
        (classes.metadata._jupyter_types_experimental as Array<{ text: string; type: string }>).map((entry) => [entry.text, entry.type]),
        [["Greeter", "class"]],
      );

      // tfjs documentation as clean Markdown: the signature as code, parameters listed, no doc-build tags.
      const tensorDocs = await engine.inspect('import { tf } from "tskeras";\ntf.tensor2d([[1]])', 34, 0);
      assert.equal(tensorDocs.found, true);
      const markdown = tensorDocs.data["text/markdown"] as string;
      assert.match(markdown, /^```typescript\n.*tensor2d\(values: /);
      assert.match(markdown, /\*\*Parameters\*\*\n\n- `values` — /);
      assert.doesNotMatch(markdown, /@doc|@param|heading:/);
      assert.equal(markdown.match(/^```/gm)!.length % 2, 0, "every code fence is closed");
      assert.doesNotMatch(tensorDocs.data["text/plain"] as string, /@doc|```/);
    } finally {
      // The engine captured this process's output streams; give them back to the test runner.
      (await import("../../kernel/engine/output-capture.js")).releaseProcessOutput();
    }
  });
});
