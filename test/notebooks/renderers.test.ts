import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { kernelEnvironment, repositoryRoot as root } from "../support/kernelspec.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const text = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value));
type Output = {
  output_type: string;
  name?: string;
  text?: unknown;
  data?: Record<string, unknown>;
  metadata?: { tskeras?: Record<string, unknown> };
  ename?: string;
  evalue?: string;
};
type Cell = { cell_type: string; source: unknown; outputs: Output[] };

/**
 * Runs test/notebooks/renderers.ipynb (every renderer and magic) with nbconvert --execute, then
 * exports the executed notebook to HTML, in a folder where `real/` links to the Python-written fixtures.
 */
export function executeRenderersNotebook(): { directory: string; cells: Cell[]; html: string } {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-renderers-"));
  copyFileSync(join(root, "test/notebooks/renderers.ipynb"), join(directory, "renderers.ipynb"));
  symlinkSync(realFixturesDirectory, join(directory, "real"));
  const environment = kernelEnvironment();
  const execute = spawnSync(
    "jupyter",
    [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.timeout=180",
      "--ExecutePreprocessor.kernel_name=tskeras",
      "--output",
      "executed.ipynb",
      "renderers.ipynb",
    ],
    { cwd: directory, encoding: "utf8", env: environment, timeout: 300_000 },
  );
  assert.equal(execute.status, 0, `nbconvert --execute failed:\n${execute.stderr}`);
  const exported = spawnSync("jupyter", ["nbconvert", "--to", "html", "--output", "executed.html", "executed.ipynb"], {
    cwd: directory,
    encoding: "utf8",
    env: environment,
    timeout: 120_000,
  });
  assert.equal(exported.status, 0, `nbconvert --to html failed:\n${exported.stderr}`);
  const notebook = JSON.parse(readFileSync(join(directory, "executed.ipynb"), "utf8")) as { cells: Cell[] };
  return { directory, cells: notebook.cells, html: readFileSync(join(directory, "executed.html"), "utf8") };
}

describe("renderers.ipynb: every renderer and magic through nbconvert", () => {
  let cells: Cell[];
  let html: string;
  /** The outputs of the code cell whose source starts with `start`. */
  const outputsOf = (start: string): Output[] => {
    const cell = cells.find((candidate) => candidate.cell_type === "code" && text(candidate.source).startsWith(start));
    assert.ok(cell, `no cell starting with ${start}`);
    return cell.outputs;
  };
  const data = (start: string, type: string, outputType?: string) => {
    const output = outputsOf(start).find(
      (candidate) => candidate.data?.[type] !== undefined && (outputType === undefined || candidate.output_type === outputType),
    );
    assert.ok(output, `no ${type} output in the cell starting with ${start}`);
    return output.data![type];
  };
  /** The data a magic keeps in its output's metadata (under "tskeras"), beside the HTML view. */
  const metadataOf = (start: string, key: string) => {
    const output = outputsOf(start).find((candidate) => candidate.metadata?.tskeras?.[key] !== undefined);
    assert.ok(output, `no metadata.tskeras.${key} in the cell starting with ${start}`);
    assert.equal(output.data?.["application/json"], undefined, "the view is the HTML: no JSON mime type to outrank it in JupyterLab");
    return output.metadata!.tskeras![key];
  };
  const lastOutputsOf = (start: string): Output[] => {
    const cell = cells.filter((candidate) => candidate.cell_type === "code" && text(candidate.source).startsWith(start)).at(-1);
    assert.ok(cell, `no cell starting with ${start}`);
    return cell.outputs;
  };
  const stream = (start: string) =>
    outputsOf(start)
      .filter((output) => output.output_type === "stream")
      .map((output) => text(output.text))
      .join("");

  before(() => {
    ({ cells, html } = executeRenderersNotebook());
  });

  it("a model renders as the Keras summary: an HTML table with its rows and totals", () => {
    // Dense(4) on 3 features: 3·4 + 4 = 16 parameters; Dense(2) on 4: 4·2 + 2 = 10; total 26.
    const table = text(data("import { keras", "text/html", "execute_result"));
    assert.match(table, /<td[^>]*>hidden \(Dense\)<\/td><td[^>]*>\(None, 4\)<\/td><td[^>]*>16<\/td>/);
    assert.match(table, /<td[^>]*>scores \(Dense\)<\/td><td[^>]*>\(None, 2\)<\/td><td[^>]*>10<\/td>/);
    assert.match(table, /Total params: 26<br>Trainable params: 26<br>Non-trainable params: 0/);
    assert.match(text(data("import { keras", "text/plain")), /Total params: 26\b/);
    assert.match(stream("%summary model"), /Model: "demo"[\s\S]*Total params: 26\b/);
  });

  it("a branching functional model shows Connected to, and its nested model expands to its own table", () => {
    // encoder: Dense(3) on 5 features = 5·3 + 3 = 18; head: Dense(1) on 3 = 4; skip: Dense(2) on 5 = 12; total 34.
    const table = text(data("const encoder", "text/html", "execute_result"));
    assert.match(table, /<th[^>]*>Connected to<\/th>/);
    assert.match(
      table,
      /<details><summary>encoder \(Sequential\)<\/summary><table[^>]*>.*<td[^>]*>encode \(Dense\)<\/td><td[^>]*>\(None, 3\)<\/td><td[^>]*>18<\/td><\/tr><\/table><\/details>/,
    );
    assert.match(table, /<td[^>]*>head \(Dense\)<\/td><td[^>]*>\(None, 1\)<\/td><td[^>]*>4<\/td><td[^>]*>encoder\[1\]\[0\]<\/td>/);
    assert.match(table, /<td[^>]*>skip \(Dense\)<\/td><td[^>]*>\(None, 2\)<\/td><td[^>]*>12<\/td><td[^>]*>features\[0\]\[0\]<\/td>/);
    assert.match(table, /Total params: 34</);
  });

  it("after compile and fit the summary adds the optimizer state", () => {
    // Adam: the step counter plus m and v for each of the 4 weights (9 variables), 1 + 2·26 values.
    assert.match(
      text(data("// compiled and trained", "text/html", "execute_result")),
      /Total params: 26<br>Trainable params: 26<br>Non-trainable params: 0<br>Optimizer: Adam, 9 variables, 53 values</,
    );
  });

  it("%load and %inspect of a real Keras 2 file agree with the reference read by h5py", () => {
    const reference = JSON.parse(readFileSync(join(realFixturesDirectory, "reference/k2h5_2.12.0_dense.json"), "utf8")) as {
      variables: Array<{ path: string; shape: number[] }>;
    };
    const params = reference.variables
      .filter((variable) => variable.path.startsWith("model_weights/"))
      .reduce((sum, variable) => sum + variable.shape.reduce((a, b) => a * b, 1), 0);
    assert.match(text(data("%load real/k2h5", "text/html")), new RegExp(`Total params: ${params.toLocaleString("en-US")}<`));
    const listed = metadataOf("%inspect real/k2h5", "variableMap") as { variables: Array<{ name: string; shape: number[] }> };
    assert.deepEqual(
      listed.variables.map((variable) => [variable.name, variable.shape]).sort(),
      reference.variables.map((variable) => [variable.path, variable.shape]).sort(),
    );
    assert.match(text(data("%inspect real/k2h5", "text/html")), /<summary><code>optimizer_weights<\/code>/);
  });

  it("%config gives a collapsible HTML tree, with the Keras config keys as data in the output's metadata", () => {
    const config = metadataOf("%config", "config") as {
      class_name: string;
      config: { name: string; layers: Array<{ class_name: string; config: { name: string; units: number } }> };
    };
    assert.equal(config.class_name, "Sequential");
    assert.equal(config.config.name, "demo");
    assert.deepEqual(
      config.config.layers.map((layer) => [layer.class_name, layer.config.name, layer.config.units]),
      [
        ["InputLayer", "hidden_input", undefined],
        ["Dense", "hidden", 4],
        ["Dense", "scores", 2],
      ],
    ); // Keras 2 lists the input first, as real files do
    const tree = text(data("%config", "text/html"));
    assert.match(tree, /class="tskeras-config"/);
    assert.match(tree, /<details open[^>]*><summary[^>]*><span[^>]*>config<\/span>: \{\d+ keys\}<\/summary>/);
  });

  it("%inspect of a real checkpoint lists the reference's variable keys, as a tree with optimizer slots marked", () => {
    const reference = JSON.parse(readFileSync(join(realFixturesDirectory, "reference/ckpt_k2.4.0_conv.json"), "utf8")) as {
      bundle: { variables: Array<{ key: string; shape: number[] }> };
    };
    const expected = reference.bundle.variables.filter((variable) => variable.key !== "_CHECKPOINTABLE_OBJECT_GRAPH");
    const listed = metadataOf("%inspect real/", "variableMap") as { variables: Array<{ name: string; shape: number[] }> };
    assert.deepEqual(
      listed.variables.map((variable) => [variable.name, variable.shape]).sort(),
      expected.map((variable) => [variable.key, variable.shape]).sort(),
    );
    const tree = text(data("%inspect real/", "text/html"));
    assert.match(tree, /<summary><code>layer_with_weights-0<\/code> <span[^>]*>\(6 variables\)<\/span><\/summary>/);
    assert.match(
      tree,
      /title="layer_with_weights-0\/kernel\/\.OPTIMIZER_SLOT\/optimizer\/m\/\.ATTRIBUTES\/VARIABLE_VALUE">kernel<\/td><td[^>]*><span[^>]*>slot optimizer\/m<\/span>/,
    );
  });

  it("%save then %inspect and %load of the saved file", () => {
    assert.match(stream("%save model saved/demo.keras"), /^Saved model to saved\/demo\.keras \(Keras 3 \.keras archive, /);
    const saved = metadataOf("%save model saved/demo.keras", "variableMap") as { variables: Array<{ name: string; shape: number[] }> };
    assert.deepEqual(
      saved.variables.map((variable) => variable.shape),
      [[3, 4], [4], [4, 2], [2]],
    );
    assert.match(stream("%load saved/demo.keras"), /^Loaded saved\/demo\.keras as reloaded\.\n$/);
    assert.match(text(data("%load saved/demo.keras", "text/html")), /Total params: 26</);
  });

  it("%checkpoints marks the latest and %diff reports what changed", () => {
    assert.match(text(data("%checkpoints ckpts", "text/plain")), /^ckpts: 2 checkpoints \(\* latest\)\n {2}ckpt-1 .*\n\* ckpt-2 /);
    assert.match(text(data("%checkpoints ckpts", "text/html")), /ckpt-2 <b>\(latest\)<\/b>/);
    assert.match(
      text(data("%diff", "text/plain")),
      /state\/weights\/\.ATTRIBUTES\/VARIABLE_VALUE: max \|Δ\| = 0\.5000[\s\S]*0 shared variables equal, 2 differ\./,
    );
  });

  it("%diff of the saves before and after training: every layer variable moved, optimizer state only in the trained one", () => {
    const report = text(data("%save model saved/trained.keras", "text/plain")).split("\n");
    for (const key of ["layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1"])
      assert.ok(
        report.some((line) => new RegExp(`^~ ${key}: max \\|Δ\\| = [\\d.e-]+$`).test(line)),
        key,
      );
    assert.ok(report.some((line) => /^\+ optimizer\/vars\/\d+ \(only in saved\/trained\.keras\)$/.test(line)));
    assert.equal(report.at(-1), "0 shared variables equal, 4 differ.");
  });

  it("the live plot and history.plot() are plotly figures with one point per epoch for every series", () => {
    for (const outputType of ["display_data", "execute_result"]) {
      const figure = data("model.compile", "application/vnd.plotly.v1+json", outputType) as { data: Array<{ name: string; x: number[]; y: number[] }> };
      assert.deepEqual(figure.data.map((trace) => trace.name).sort(), ["loss", "mean_absolute_error", "val_loss", "val_mean_absolute_error"]);
      for (const trace of figure.data) {
        assert.deepEqual(trace.x, [1, 2, 3, 4], `${outputType} ${trace.name}`);
        assert.equal(trace.y.length, 4);
        assert.ok(trace.y.every((value) => Number.isFinite(value)));
      }
    }
  });

  it("progress: an HTML bar updated in place, and Keras text lines by default", () => {
    const bars = outputsOf('await model.fit(x, y, { epochs: 2, batchSize: 10, progress: "html" })').filter((output) => output.output_type === "display_data");
    assert.equal(bars.length, 1, "the bar is one display, updated in place");
    assert.match(text(bars[0]!.data!["text/html"]), /<progress value="4" max="4"[^>]*><\/progress> Epoch 2\/2 4\/4 - loss: /);
    assert.match(
      stream("await model.fit(x, y, { epochs: 2, batchSize: 10 })"),
      /^Epoch 1\/2\n4\/4 \[=+\] - \d+m?s \d+m?s\/step - loss: [\d.]+ - mean_absolute_error: [\d.]+\nEpoch 2\/2\n/,
    );
  });

  it("the display protocol: JSON, a Jupyter.display hook and a tensor repr", () => {
    assert.deepEqual(data("display.json", "application/json"), { optimizer: "adam", epochs: 4 });
    assert.equal(text(data("display.json", "text/html")), "<b>hooked</b>");
    assert.equal(text(data("display.json", "text/plain", "execute_result")), "<tf.Tensor: shape=(2, 2), dtype=float32, numpy=\n[[1, 2],\n [3, 4]]>");
  });

  it("display.markdown/svg, an updatable handle (one output, last value) and clearOutput", () => {
    const outputs = outputsOf('display.markdown("**bold** text")');
    assert.deepEqual(
      outputs.map((output) => Object.keys(output.data ?? {})),
      [["text/markdown"], ["image/svg+xml"], ["text/plain"]],
    );
    assert.equal(text(outputs[0]!.data!["text/markdown"]), "**bold** text");
    assert.match(text(outputs[1]!.data!["image/svg+xml"]), /^<svg [^>]*><rect /);
    assert.equal(text(outputs[2]!.data!["text/plain"]), "'step 2'");
    assert.deepEqual(
      outputsOf('console.log("erased")').map((output) => text(output.text)),
      ["kept\n"],
    );
  });

  it("more magics: %%time, %timeit, %%bash, %whos, %cd/%pwd/%ls, %env, %typecheck, %backend, registerMagic, %lsmagic, %reset", () => {
    assert.match(stream("%%time"), /^CPU times: user .*\nWall time: /);
    assert.equal(text(data("%%time", "text/plain")), String(Array.from({ length: 1000 }, (_, i) => i * i).reduce((a, b) => a + b, 0)));
    assert.match(stream("%timeit"), /^[\d.]+ \S+ ± [\d.]+ \S+ per loop \(mean ± std\. dev\. of 2 runs, 3 loops each\)\n$/);
    assert.equal(stream("%%bash"), "FROM BASH\n");
    assert.match(stream("%whos"), /^Variable\s+Type\s+Data\/Info\n-+\n[\s\S]*\nreloaded\s+Sequential\s/);
    assert.match(text(data("%cd saved", "text/plain")), /\/saved'$/);
    assert.deepEqual(stream("%ls").trim().split(/\s+/), ["demo.keras", "trained.keras"]);
    assert.equal(text(data("%env TSKERAS_DEMO=on", "text/plain")), "'on'");
    assert.equal(text(data('const loose: number = "not checked"', "text/plain")), "'not checked'", "%typecheck off lets a mistyped cell run");
    assert.equal(stream("%typecheck on"), "Type checking is on.\n");
    assert.match(stream("%backend"), /^Backend: cpu \(available: [^)]*cpu[^)]*\)\n$/);
    assert.equal(text(data("%shout hello", "text/plain")), "'HELLO'");
    assert.match(stream("%lsmagic"), /Available line magics:\n.*%load.*%save.*%shout/);
    assert.equal(stream("%reset -f"), "Namespace cleared.\n");
    assert.equal(
      lastOutputsOf("%who")
        .map((output) => text(output.text))
        .join(""),
      "Interactive namespace is empty.\n",
    );
  });

  it("general magics: %time, %%writefile, !cmd, %who, %magic", () => {
    assert.match(stream("%time "), /^CPU times: user [\d.]+ [µmn]?s, sys: [\d.]+ [µmn]?s, total: [\d.]+ [µmn]?s\nWall time: [\d.]+ [µmn]?s\n$/);
    assert.equal(text(data("%time ", "text/plain")), "6");
    assert.equal(stream("%%writefile"), "Writing notes.txt\n");
    assert.equal(stream("!cat notes.txt"), "saved by %%writefile\n");
    assert.deepEqual(stream("%who").trim().split("\t"), [
      "charity",
      "encoder",
      "features",
      "head",
      "history",
      "keras",
      "manager",
      "model",
      "reloaded",
      "squares",
      "state",
      "status",
      "tf",
      "wide",
      "x",
      "y",
    ]);
    assert.match(stream("%magic save"), /^%save MODEL PATH \[--format h5\|keras\|savedmodel\|tf\|tfjs\] \[--weights-only\]/);
  });

  it("magic errors are one line each, and the kernel keeps its state afterwards", () => {
    for (const [start, pattern] of [
      ["%load no/such", /^%load: no\/such\/model\.h5 does not exist/],
      ["%save model out.bin", /^%save: unknown format "onnx"/],
      ["%summary noSuchModel", /^No variable named "noSuchModel"/],
      ["%nosuchmagic", /^Line magic function %nosuchmagic not found\. Available magics: .*%load.*%save/],
    ] as const) {
      const [error] = outputsOf(start);
      assert.equal(error!.output_type, "error", start);
      assert.equal(error!.ename, "UsageError");
      assert.match(error!.evalue!, pattern);
      assert.doesNotMatch(error!.evalue!, /\n/);
    }
    assert.equal(text(data("reloaded.countParams()", "text/plain")), "26");
  });

  it("the HTML export carries the views: summary table, variable tree, config tree, both plots drawn as SVG", () => {
    assert.match(html, /hidden \(Dense\)<\/td>/);
    assert.match(html, /<summary><code>layer_with_weights-0<\/code>/);
    assert.match(html, /class="tskeras-config"/);
    assert.equal(html.match(/class="tskeras-plot"/g)?.length, 2, "both plots are in the page");
    assert.equal(html.match(/<g class="trace" data-name="val_loss">/g)?.length, 2, "each plot has its own drawn curves");
    assert.match(html, /<progress value="4" max="4"/);
  });

  it("outputs run no script and load nothing from the network; each plot also carries a static SVG image", () => {
    for (const cell of cells) {
      for (const output of cell.outputs ?? []) {
        const markup = text(output.data?.["text/html"] ?? "") + text(output.data?.["image/svg+xml"] ?? "");
        assert.doesNotMatch(markup.replaceAll('xmlns="http://www.w3.org/2000/svg"', ""), /https?:\/\/|<link\b|<script/i, text(cell.source));
      }
    }
    const plots = cells.flatMap((cell) => cell.outputs ?? []).filter((output) => output.data?.["application/vnd.plotly.v1+json"] !== undefined);
    assert.equal(plots.length, 2);
    for (const plot of plots) assert.equal(text(plot.data!["image/svg+xml"]).match(/<g class="trace"/g)?.length, 4);
  });
});
