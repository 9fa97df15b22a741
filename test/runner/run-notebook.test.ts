import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCommand } from "../../kernel/runner/run-command.js";
import { launchChromium } from "../browser/browser.js";
import { repositoryRoot } from "../support/kernelspec.js";

function code(source: string, tags: string[] = []) {
  return { cell_type: "code", metadata: tags.length ? { tags } : {}, execution_count: null, outputs: [], source };
}

function writeNotebook(directory: string, name: string, cells: unknown[]): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells }));
  return path;
}

const outputText = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value));

describe("tskeras run (headless notebook runner)", () => {
  it("executes typed cells, a redeclared const, top-level await, displays and a tagged error", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-run-"));
    const notebook = writeNotebook(directory, "demo.ipynb", [
      { cell_type: "markdown", metadata: {}, source: "# A *demo*" },
      code("const answer: number = 40;\nconsole.log('first line');\nanswer + 2"),
      code("const answer = 'text';\nanswer.length"),
      code("const waited = await new Promise<string>((resolve) => setTimeout(() => resolve('done'), 10));\nwaited"),
      code("display.html('<b>bold</b>');"),
      code("throw new TypeError('as planned')", ["raises-exception"]),
      code("import { readFileSync } from 'node:fs';\nreadFileSync('data.txt', 'utf8')"),
    ]);
    writeFileSync(join(directory, "data.txt"), "read from the notebook's folder");
    const output = join(directory, "out");
    assert.equal(await runCommand([notebook, "--output", output, "--html"]), 0);
    const executed = JSON.parse(readFileSync(join(output, "demo.ipynb"), "utf8"));
    const cells = executed.cells.filter((cell: { cell_type: string }) => cell.cell_type === "code");
    assert.deepEqual(
      cells.map((cell: { execution_count: number }) => cell.execution_count),
      [1, 2, 3, 4, 5, 6],
    );
    assert.equal(outputText(cells[0].outputs[0].text), "first line\n");
    assert.equal(outputText(cells[0].outputs[1].data["text/plain"]), "42");
    assert.equal(outputText(cells[1].outputs[0].data["text/plain"]), "4");
    assert.equal(outputText(cells[2].outputs[0].data["text/plain"]), "'done'");
    assert.equal(outputText(cells[3].outputs[0].data["text/html"]), "<b>bold</b>");
    assert.equal(cells[4].outputs[0].output_type, "error");
    assert.equal(cells[4].outputs[0].ename, "TypeError");
    assert.equal(outputText(cells[5].outputs[0].data["text/plain"]), '"read from the notebook\'s folder"');
    // Valid against the nbformat schema, checked by Jupyter's own validator.
    const check = spawnSync(
      "/usr/bin/python3",
      ["-c", "import nbformat,sys; nb=nbformat.read(sys.argv[1], 4); nbformat.validate(nb); print(nb.nbformat_minor)", join(output, "demo.ipynb")],
      { encoding: "utf8" },
    );
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout.trim(), "5");
    const html = readFileSync(join(output, "demo.html"), "utf8");
    assert.match(html, /<h1>A <em>demo<\/em><\/h1>/);
    assert.match(html, /<b>bold<\/b>/);
    assert.doesNotMatch(html, /<(link|script)[^>]+(href|src)="http/);
  });

  it("fails with exit code 1 on an untagged error and leaves later cells unexecuted", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-run-"));
    const notebook = writeNotebook(directory, "broken.ipynb", [code("const ok = 1;"), code("const wrong: string = 5;"), code("ok + 1")]);
    assert.equal(await runCommand([notebook, "--output", directory]), 1);
    const executed = JSON.parse(readFileSync(join(directory, "broken.executed.ipynb"), "utf8"));
    assert.equal(JSON.parse(readFileSync(notebook, "utf8")).cells[1].outputs.length, 0, "the input notebook is left as it was");
    assert.equal(executed.cells[1].outputs[0].ename, "TypeScriptError");
    assert.equal(executed.cells[2].execution_count, null);
    assert.deepEqual(executed.cells[2].outputs, []);
  });

  it("prints one progress line per cell on stderr and exits 1 through the CLI", () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-run-"));
    const notebook = writeNotebook(directory, "progress.ipynb", [
      { cell_type: "markdown", metadata: {}, source: "text" },
      code("console.log('to the notebook');\n1 + 1"),
      code("throw new Error('expected')", ["raises-exception"]),
      code("throw new RangeError('not expected')"),
      code("'never run'"),
    ]);
    const run = spawnSync(process.execPath, [join(repositoryRoot, "dist/kernel/cli.js"), "run", notebook, "--output", join(directory, "out")], {
      encoding: "utf8",
      env: { ...process.env, TSKERAS_BACKEND: "cpu" },
    });
    assert.equal(run.status, 1, run.stderr);
    const progress = run.stderr.split("\n").filter((line) => /^\[\d+\/\d+\]/.test(line));
    assert.equal(progress.length, 3, run.stderr);
    assert.match(progress[0]!, /^\[1\/4\] ok +\d+\.\d\ds {2}console\.log\('to the notebook'\);$/);
    assert.match(progress[1]!, /^\[2\/4\] raised .*\(tagged raises-exception\)$/);
    assert.match(progress[2]!, /^\[3\/4\] FAILED .*throw new RangeError/);
    assert.match(run.stderr, /RangeError: not expected/);
    assert.doesNotMatch(run.stdout + run.stderr, /never run/);
    // The cell's own output went into the notebook, not to the terminal.
    assert.doesNotMatch(run.stdout, /to the notebook/);
    assert.match(run.stdout, /FAILED → .*progress\.ipynb/);
  });

  it("writes schema-valid nbformat 4.5 and a self-contained HTML report whose plotly figures draw offline", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-run-"));
    const notebook = writeNotebook(directory, "plots.ipynb", [
      code(
        "import { tf, keras } from 'tskeras';\nconst model = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [2] })]);\nmodel.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });\nconst x = tf.ones([8, 2]);\nconst y = tf.zeros([8, 1]);",
      ),
      // A plot redrawn in place (display updates), then a history plot as the cell's value.
      code("const history = await model.fit(x, y, { epochs: 3, verbose: 0, plot: true });"),
      code("history.plot()"),
    ]);
    const output = join(directory, "out");
    assert.equal(await runCommand([notebook, "--output", output, "--html"]), 0);
    const check = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import nbformat,sys; nb=nbformat.read(sys.argv[1], 4); nbformat.validate(nb); print(nb.nbformat, nb.nbformat_minor, len({c.id for c in nb.cells}))",
        join(output, "plots.ipynb"),
      ],
      { encoding: "utf8" },
    );
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout.trim(), "4 5 3");
    const html = readFileSync(join(output, "plots.html"), "utf8");
    // plotly.js inlined exactly once (its licence header names the version), nothing fetched.
    assert.equal(html.split("* plotly.js v").length - 1, 1);
    assert.doesNotMatch(html, /<(link|script)[^>]+(href|src)=/);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on("request", (request) => {
        if (!request.url().startsWith("file:")) requests.push(request.url());
      });
      await page.goto(`file://${join(output, "plots.html")}`);
      await page.waitForFunction("document.querySelectorAll('.plotly-figure .main-svg').length >= 2", undefined, { timeout: 30_000 });
      // Two figures (the live one, then history.plot()), each with the loss curve of 3 epochs.
      const points = await page.evaluate(
        "Array.from(document.querySelectorAll('.plotly-figure'), (element) => (element.data || []).map((trace) => trace.x.length))",
      );
      assert.deepEqual(points, [[3], [3]]);
      assert.deepEqual(requests, []);
    } finally {
      await browser.close();
    }
  });
});
