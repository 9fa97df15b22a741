import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { display, clearOutput } from "../../lib/display/display.js";
import { formatValue } from "../../lib/display/format.js";
import { installDisplaySink, type MimeBundle } from "../../lib/display/sink.js";
import { renderConfig } from "../../lib/display/renderers/config-tree.js";
import { historyFigure, renderFigure } from "../../lib/display/renderers/history-plot.js";
import { axisTicks } from "../../lib/display/renderers/svg-chart.js";
import { renderModelSummary } from "../../lib/display/renderers/model-summary.js";
import { describeKey, renderVariableMap, variableMapJson } from "../../lib/display/renderers/variable-map.js";

describe("display()", () => {
  it("routes bundles, hooks and handles to the installed sink", async () => {
    const seen: Array<{ data: MimeBundle; transient: { display_id?: string }; update: boolean } | { clear: boolean }> = [];
    installDisplaySink({
      displayData: (data, _metadata, transient, update) => seen.push({ data, transient, update }),
      clearOutput: (wait) => seen.push({ clear: wait }),
    });
    try {
      display.html("<i>x</i>");
      display.png(new Uint8Array([1, 2, 3]));
      await display({ [Symbol.for("Jupyter.display")]: async () => ({ "text/markdown": "*hook*" }) });
      const handle = display.handle("progress");
      await handle.display("10%");
      await handle.display("20%");
      clearOutput({ wait: true });
    } finally {
      installDisplaySink(undefined);
    }
    assert.deepEqual(seen, [
      { data: { "text/html": "<i>x</i>" }, transient: {}, update: false },
      { data: { "image/png": "AQID" }, transient: {}, update: false },
      { data: { "text/markdown": "*hook*" }, transient: {}, update: false },
      { data: { "text/plain": "'10%'" }, transient: { display_id: "progress" }, update: false },
      { data: { "text/plain": "'20%'" }, transient: { display_id: "progress" }, update: true },
      { clear: true },
    ]);
  });

  it("shows tensors with shape, dtype and values, like TensorFlow's repr", async () => {
    const tfc = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-backend-cpu");
    await tfc.setBackend("cpu");
    assert.equal(
      (
        await formatValue(
          tfc.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        )
      )["text/plain"],
      "<tf.Tensor: shape=(2, 2), dtype=float32, numpy=\n[[1, 2],\n [3, 4]]>",
    );
    assert.equal((await formatValue(tfc.tensor1d([5], "int32")))["text/plain"], "<tf.Tensor: shape=(1,), dtype=int32, numpy=\n[5]>");
    assert.equal((await formatValue(tfc.scalar(2.5)))["text/plain"], "<tf.Tensor: shape=(), dtype=float32, numpy=2.5>");
    // Blocks of one row, written out by hand as NumPy prints them (tfjs's own text has "[[1, 2],]").
    assert.equal((await formatValue(tfc.tensor2d([[1, 2]])))["text/plain"], "<tf.Tensor: shape=(1, 2), dtype=float32, numpy=\n[[1, 2]]>");
    assert.equal((await formatValue(tfc.tensor2d([[7]])))["text/plain"], "<tf.Tensor: shape=(1, 1), dtype=float32, numpy=\n[[7]]>");
    assert.equal((await formatValue(tfc.tensor3d([[[1, 2]]])))["text/plain"], "<tf.Tensor: shape=(1, 1, 2), dtype=float32, numpy=\n[[[1, 2]]]>");
    assert.equal(
      (await formatValue(tfc.tensor3d([[[1, 2]], [[3, 4]]])))["text/plain"],
      "<tf.Tensor: shape=(2, 1, 2), dtype=float32, numpy=\n[[[1, 2]],\n\n [[3, 4]]]>",
    );
    assert.equal(
      (
        await formatValue(
          tfc.tensor3d([
            [
              [1, 2],
              [3, 4],
            ],
          ]),
        )
      )["text/plain"],
      "<tf.Tensor: shape=(1, 2, 2), dtype=float32, numpy=\n[[[1, 2],\n  [3, 4]]]>",
    );
  });

  it("detects PNG bytes and never puts ANSI colours in text/plain", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    assert.equal((await formatValue(png))["image/png"], Buffer.from(png).toString("base64"));
    const text = (await formatValue({ nested: { list: [1, "two", null] } }))["text/plain"] as string;
    assert.equal(text, "{ nested: { list: [ 1, 'two', null ] } }");
    assert.doesNotMatch(text, /\u001b\[/);
  });
});

describe("variable map renderer", () => {
  const map = {
    source: "training_1/cp.ckpt",
    format: "TensorFlow checkpoint",
    variables: [
      { name: "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE", dtype: "float32", shape: [784, 512] },
      { name: "layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE", dtype: "float32", shape: [784, 512] },
      { name: "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE", dtype: "float32", shape: [512] },
      { name: "save_counter/.ATTRIBUTES/VARIABLE_VALUE", dtype: "int64", shape: [] },
    ],
  };
  const bundle = renderVariableMap(map);

  it("splits checkpoint keys into object path, slot and attribute", () => {
    assert.deepEqual(describeKey(map.variables[1]!.name), { path: ["layer_with_weights-0", "kernel"], slot: "optimizer/m", attribute: "VARIABLE_VALUE" });
    assert.deepEqual(describeKey("model_weights/dense/dense/kernel:0"), { path: ["model_weights", "dense", "dense", "kernel:0"] });
  });
  it("lists variables sorted as JSON, with sizes from dtype and shape in the text", () => {
    // The data travels beside the view, never as a mime type that JupyterLab would rank above the tree.
    assert.equal(bundle["application/json"], undefined);
    const json = variableMapJson(map);
    assert.deepEqual(
      json.variables.map((variable) => variable.name),
      [...map.variables.map((variable) => variable.name)].sort(),
    );
    // 2 × 784·512·4 bytes + 512·4 + 8 = 3,213,320 bytes = 3.1 MiB
    assert.match(bundle["text/plain"] as string, /^training_1\/cp\.ckpt: TensorFlow checkpoint, 4 variables, 3\.1 MiB\n/);
  });
  it("shows a tree grouped by object path with optimizer slots marked", () => {
    const html = bundle["text/html"] as string;
    assert.match(html, /<summary><code>layer_with_weights-0<\/code> <span[^>]*>\(3 variables\)<\/span><\/summary>/);
    assert.match(html, /slot optimizer\/m/);
    assert.match(html, /<td[^>]*>\(512,\)<\/td>/);
  });
});

describe("config and summary renderers", () => {
  it("renders a config as a collapsible HTML tree (no application/json to outrank it in Lab) and JSON text", () => {
    const config = { class_name: "Dense", config: { units: 10, activation: "relu" } };
    const bundle = renderConfig(config);
    assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
    assert.deepEqual(JSON.parse(bundle["text/plain"] as string), config);
    assert.match(bundle["text/html"] as string, /<details open[^>]*><summary[^>]*>\{2 keys\}<\/summary>/);
    assert.match(bundle["text/html"] as string, /units<\/span>: <span[^>]*>10<\/span>/);
  });
  it("renders a model summary table with totals and the Keras text as text/plain", () => {
    const bundle = renderModelSummary({
      name: "sequential",
      className: "Sequential",
      rows: [
        { name: "dense", type: "Dense", outputShape: "(None, 512)", params: 401920 },
        { name: "dropout", type: "Dropout", outputShape: "(None, 512)", params: 0 },
        { name: "dense_1", type: "Dense", outputShape: "(None, 10)", params: 5130 },
      ],
      totalParams: 407050,
      trainableParams: 407050,
      nonTrainableParams: 0,
      text: 'Model: "sequential"',
    });
    assert.equal(bundle["text/plain"], 'Model: "sequential"');
    const html = bundle["text/html"] as string;
    assert.match(html, /dense \(Dense\)<\/td><td[^>]*>\(None, 512\)<\/td><td[^>]*>401,920<\/td>/);
    assert.match(html, /Total params: 407,050<br>Trainable params: 407,050<br>Non-trainable params: 0/);
  });
});

describe("training history plot", () => {
  const history = { loss: [0.9, 0.5, 0.3], accuracy: [0.6, 0.8, 0.9], val_loss: [1.0, 0.7, 0.6], val_accuracy: [0.5, 0.7, 0.8] };
  it("has one trace per series, epochs from 1, validation dashed beside its metric", () => {
    const figure = historyFigure(history);
    assert.deepEqual(
      figure.data.map((trace) => [trace.name, trace.xaxis, trace.line.dash]),
      [
        ["loss", "x", "solid"],
        ["val_loss", "x", "dash"],
        ["accuracy", "x2", "solid"],
        ["val_accuracy", "x2", "dash"],
      ],
    );
    assert.deepEqual(figure.data[1]!.x, [1, 2, 3]);
    assert.deepEqual(figure.data[1]!.y, history.val_loss);
  });
  it("renders each figure self-contained: themed inline SVG as HTML, a static SVG image and the plotly data, no script", () => {
    const bundle = renderFigure(historyFigure(history));
    const html = bundle["text/html"] as string;
    const image = bundle["image/svg+xml"] as string;
    assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.plotly.v1+json", "image/svg+xml", "text/html", "text/plain"]);
    for (const svg of [html, image]) {
      assert.doesNotMatch(svg, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, "nothing to run or fetch");
      assert.equal(svg.match(/<g class="trace"/g)?.length, 4);
      assert.ok(svg.length < 12_000, `${svg.length} characters`);
    }
    // The page's text colour in the notebook; fixed mid-grey where the SVG is an image.
    assert.match(html, /fill="currentColor"/);
    assert.doesNotMatch(image, /currentColor/);
    // Loss falls, so its markers go down the panel (SVG y grows downwards), left to right.
    const loss = /<g class="trace" data-name="loss">.*?<\/g>/.exec(image)![0];
    const markers = [...loss.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((match) => [Number(match[1]), Number(match[2])]);
    assert.equal(markers.length, 3);
    assert.ok(markers[0]![0]! < markers[1]![0]! && markers[1]![0]! < markers[2]![0]!);
    assert.ok(markers[0]![1]! < markers[1]![1]! && markers[1]![1]! < markers[2]![1]!);
    // Vertical and horizontal dashes and a legend entry for each series.
    assert.deepEqual(
      [...image.matchAll(/<text class="legend"[^>]*>([^<]+)</g)].map((match) => match[1]),
      ["loss", "val_loss", "accuracy", "val_accuracy"],
    );
  });
  it("ticks the epoch axis at whole epochs, in the SVG and in the plotly layout", () => {
    const twoEpochs = { loss: [0.9, 0.5], val_loss: [1.0, 0.7] };
    const figure = historyFigure(twoEpochs);
    assert.deepEqual(axisTicks(1, 2, true).ticks, [1, 2]);
    assert.deepEqual(axisTicks(1, 3, true).ticks, [1, 2, 3]);
    assert.deepEqual(axisTicks(1, 40, true).ticks, [10, 20, 30, 40]);
    assert.equal((figure.layout.xaxis as { dtick: number }).dtick, 1);
    const image = renderFigure(figure)["image/svg+xml"] as string;
    const bottomLabels = [...image.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="middle" font-size="11"[^>]*>([^<]+)</g)];
    assert.deepEqual(
      bottomLabels.map((match) => match[2]),
      ["1", "2"],
    );
  });
});
