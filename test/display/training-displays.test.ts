import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCells, streamText, type CellReport } from "../engine/run-cells.js";

interface Trace {
  name: string;
  x: number[];
  y: number[];
}
type DisplayOutput = { type: "display"; data: Record<string, unknown>; transient: { display_id?: string }; update: boolean };
const displays = (report: CellReport) => report.outputs.filter((output) => output.type === "display") as unknown as DisplayOutput[];

const setup = `import { tf, keras } from "tskeras";
const x = tf.randomNormal([40, 3], 0, 1, "float32", 1);
const y = tf.randomUniform([40], 0, 2, "int32", 2);
function freshModel() {
  const model = new keras.Sequential([keras.Input({ shape: [3] }), new keras.layers.Dense(2, { activation: "softmax" })]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return model;
}`;

describe("training displays in a notebook", () => {
  const reports = runCells(
    [
      setup, // 0
      "const history = await freshModel().fit(x, y, { epochs: 3, validationSplit: 0.25, verbose: 0 });\nhistory.plot()", // 1
      "await freshModel().fit(x, y, { epochs: 4, validationSplit: 0.25, verbose: 0, plot: true });", // 2
      "await freshModel().fit(x, y, { epochs: 2, batchSize: 10, progress: 'html' });", // 3
      "await freshModel().fit(x, y, { epochs: 2, batchSize: 10 });", // 4
      "await freshModel().fit(x, y, { epochs: 2, verbose: 0, callbacks: [new keras.callbacks.PlotCallback({ title: 'live' })] });", // 5
      "await freshModel().fit(x, y, { epochs: 1, progress: 'fancy' as never });", // 6
    ],
    { timeoutMs: 120_000 },
  );

  it("history.plot() is a plotly figure with one point per epoch and validation series, drawn as SVG", () => {
    assert.equal(reports[1]!.outcome.status, "ok", JSON.stringify(reports[1]!.outcome));
    const result = (reports[1]!.outcome as { result: Record<string, unknown> }).result;
    const figure = result["application/vnd.plotly.v1+json"] as { data: Trace[] };
    assert.deepEqual(figure.data.map((trace) => trace.name).sort(), ["accuracy", "loss", "val_accuracy", "val_loss"]);
    for (const trace of figure.data) {
      assert.deepEqual(trace.x, [1, 2, 3]);
      assert.equal(trace.y.length, 3);
    }
    // Drawn on the spot as SVG (inline for the notebook, standalone for static viewers): no script to wait for.
    assert.match(result["text/html"] as string, /^<div class="tskeras-plot"[^>]*><svg [^>]*>.*<\/svg><\/div>$/);
    assert.match(result["image/svg+xml"] as string, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it("fit({ plot: true }) redraws one display in place after every epoch", () => {
    assert.equal(reports[2]!.outcome.status, "ok", JSON.stringify(reports[2]!.outcome));
    const shown = displays(reports[2]!).filter((output) => "application/vnd.plotly.v1+json" in output.data);
    assert.equal(shown.length, 4);
    assert.ok(shown[0]!.transient.display_id);
    assert.ok(shown.every((output) => output.transient.display_id === shown[0]!.transient.display_id));
    assert.deepEqual(
      shown.map((output) => output.update),
      [false, true, true, true],
    );
    shown.forEach((output, index) => {
      const traces = (output.data["application/vnd.plotly.v1+json"] as { data: Trace[] }).data;
      const loss = traces.find((trace) => trace.name === "loss")!;
      assert.equal(loss.x.length, index + 1);
      assert.ok(traces.some((trace) => trace.name === "val_loss"));
      // Every update carries its whole drawing: the live plot never waits for another output.
      const drawn = /<g class="trace" data-name="loss">(.*?)<\/g>/.exec(output.data["image/svg+xml"] as string)![1]!;
      assert.equal(drawn.match(/<circle /g)?.length, index + 1);
    });
  });

  it("a PlotCallback draws its own titled plot", () => {
    const shown = displays(reports[5]!).filter((output) => "application/vnd.plotly.v1+json" in output.data);
    assert.equal(shown.length, 2);
    assert.equal((shown[1]!.data["application/vnd.plotly.v1+json"] as { layout: { title: { text: string } } }).layout.title.text, "live");
  });

  it("progress: 'html' replaces the Keras lines with one bar updated in place", () => {
    assert.equal(reports[3]!.outcome.status, "ok", JSON.stringify(reports[3]!.outcome));
    assert.doesNotMatch(streamText(reports[3]!), /Epoch 1\/2/);
    const bars = displays(reports[3]!);
    assert.ok(bars.length >= 4, `${bars.length} bar displays`);
    assert.ok(bars.every((bar) => bar.transient.display_id === bars[0]!.transient.display_id));
    assert.equal(bars[0]!.update, false);
    assert.ok(bars.slice(1).every((bar) => bar.update));
    // 40 samples in batches of 10: 4 steps per epoch.
    const last = bars.at(-1)!.data["text/html"] as string;
    assert.match(last, /<progress value="4" max="4"/);
    assert.match(last, /Epoch 2\/2 4\/4 - loss: \d\.\d{4}/);
  });

  it("text progress lines stay the default", () => {
    assert.match(streamText(reports[4]!), /^Epoch 1\/2\n4\/4 \[=+\] - /);
    assert.equal(displays(reports[4]!).length, 0);
  });

  it("an unknown progress style is a clear error", () => {
    const outcome = reports[6]!.outcome as { status: string; evalue: string };
    assert.equal(outcome.status, "error");
    assert.match(outcome.evalue, /not a progress style; use "text"/);
  });
});
