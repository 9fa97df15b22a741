import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import * as keras from "../../lib/keras/index.js";
import { summarizeModel } from "../../lib/keras/models/summary.js";

/**
 * Keras 2 (2.9–2.12) prints this for the TensorFlow "quickstart for beginners" model: 65 columns,
 * column starts at 29 and 55, a leading space per row, a line of spaces after each layer, and
 * totals with thousands separators. Written out by hand from that layout (not from our output).
 * Params: 784*512+512 = 401,920; 512*10+10 = 5,130; total 407,050.
 */
const expectedMnistSummary = [
  'Model: "sequential"',
  "_________________________________________________________________",
  " Layer (type)                Output Shape              Param #   ",
  "=================================================================",
  " dense (Dense)               (None, 512)               401920    ",
  "                                                                 ",
  " dropout (Dropout)           (None, 512)               0         ",
  "                                                                 ",
  " dense_1 (Dense)             (None, 10)                5130      ",
  "                                                                 ",
  "=================================================================",
  "Total params: 407,050",
  "Trainable params: 407,050",
  "Non-trainable params: 0",
  "_________________________________________________________________",
].join("\n");

describe("model.summary() in Keras 2's text layout", () => {
  before(async () => {
    (tfc.findBackend("cpu") as { firstUse?: boolean } | null)!.firstUse = false; // no "install tfjs-node" banner
    await tfc.setBackend("cpu");
  });

  it("prints the MNIST tutorial model byte for byte", () => {
    const model = new keras.Sequential([
      new keras.layers.Dense(512, { activation: "relu", inputShape: [784] }),
      new keras.layers.Dropout(0.2),
      new keras.layers.Dense(10),
    ]);
    const printed: string[] = [];
    const original = console.log;
    console.log = (...parts: unknown[]) => void printed.push(parts.join(" "));
    try {
      model.summary();
    } finally {
      console.log = original;
    }
    assert.equal(printed.join("\n"), expectedMnistSummary);
    const data = model.summaryData();
    assert.deepEqual(
      data.rows.map((row) => [row.name, row.type, row.outputShape, row.params]),
      [
        ["dense", "Dense", "(None, 512)", 401920],
        ["dropout", "Dropout", "(None, 512)", 0],
        ["dense_1", "Dense", "(None, 10)", 5130],
      ],
    );
    assert.equal(data.totalParams, 407050);
    const bundle = (model as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
    assert.equal(bundle["text/plain"], expectedMnistSummary);
    assert.match(bundle["text/html"], /dense_1 \(Dense\)/);
  });

  it("counts non-trainable weights separately (BatchNormalization's moving statistics)", () => {
    const model = new keras.Sequential([keras.Input({ shape: [3] }), new keras.layers.BatchNormalization(), new keras.layers.Dense(2)], { name: "bn_model" });
    const data = model.summaryData();
    // gamma+beta trainable (3+3), moving mean/variance not (3+3); Dense 3*2+2 = 8.
    assert.equal(data.trainableParams, 14);
    assert.equal(data.nonTrainableParams, 6);
    assert.match(data.text, /^Model: "bn_model"$/m);
    assert.match(data.text, /^Total params: 20\nTrainable params: 14\nNon-trainable params: 6$/m);
  });
});

describe("summary of a Sequential that TensorFlow.js built (as from a model.json)", () => {
  it("lists the layers without the InputLayer that the config's first entry adds, as Keras's Sequential summary does", async () => {
    await tfc.setBackend("cpu");
    // Our model.json writer starts a Sequential's layers with an InputLayer (Keras 2's config), so tfjs's
    // Sequential.fromConfig adds one to its layers; Keras never shows it for a Sequential.
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [4], name: "features" }), tfl.layers.dense({ units: 3, name: "hidden" })] });
    assert.deepEqual(
      model.layers.map((layer) => layer.getClassName()),
      ["InputLayer", "Dense"],
      "the premise: tfjs keeps the InputLayer in layers",
    );
    const data = summarizeModel(model);
    assert.deepEqual(
      data.rows.map((row) => row.name),
      ["hidden"],
    );
    assert.doesNotMatch(data.text, /InputLayer/);
    assert.match(data.text, /^Total params: 15$/m); // 4·3 + 3
  });
});

describe("functional model summary", () => {
  it("lays out a plain chain like a Sequential model, with its InputLayer row (Keras 2's sequential_like)", async () => {
    await tfc.setBackend("cpu");
    const inputs = keras.Input({ shape: [4], name: "features" });
    const hidden = new keras.layers.Dense(3, { name: "hidden" }).apply(inputs);
    const outputs = new keras.layers.Dense(1, { name: "score" }).apply(hidden);
    // Eager call: a concrete tensor in gives a tensor out (typed as tfc.Tensor without casts).
    const eager: tfc.Tensor = new keras.layers.Dense(2).apply(tfc.ones([1, 4]));
    assert.deepEqual(eager.shape, [1, 2]);
    const model = new keras.Model(inputs, outputs, { name: "scorer" });
    const sameModel = new keras.Model({ inputs, outputs, name: "scorer_again" });
    assert.equal(sameModel.countParams(), 4 * 3 + 3 + 3 + 1);
    // 65 columns, columns start at 29 and 55, as for Sequential models.
    const expected = [
      'Model: "scorer"',
      "_".repeat(65),
      " Layer (type)                Output Shape              Param #   ",
      "=".repeat(65),
      " features (InputLayer)       [(None, 4)]               0         ",
      " ".repeat(65),
      " hidden (Dense)              (None, 3)                 15        ",
      " ".repeat(65),
      " score (Dense)               (None, 1)                 4         ",
      " ".repeat(65),
      "=".repeat(65),
      "Total params: 19",
      "Trainable params: 19",
      "Non-trainable params: 0",
      "_".repeat(65),
    ].join("\n");
    assert.equal(model.summaryData().text, expected);
    const prediction = model.predict(tfc.ones([2, 4])) as tfc.Tensor;
    assert.deepEqual(prediction.shape, [2, 1]);
  });

  it("adds Keras 2's Connected to column when the graph branches (98 columns, Python list reprs)", async () => {
    await tfc.setBackend("cpu");
    const inputs = keras.Input({ shape: [4], name: "features" });
    const hidden = new keras.layers.Dense(3, { name: "hidden" }).apply(inputs);
    const score = new keras.layers.Dense(1, { name: "score" }).apply(hidden);
    const label = new keras.layers.Dense(2, { name: "label" }).apply(hidden);
    const model = new keras.Model(inputs, [score, label], { name: "two_heads" });
    // Columns start at 0, 29, 58 and 68 (98 × .3/.6/.7, Keras 2.15's defaults); a line of 98 spaces after each row.
    const expected = [
      'Model: "two_heads"',
      "_".repeat(98),
      " Layer (type)                Output Shape                 Param #   Connected to                  ",
      "=".repeat(98),
      " features (InputLayer)       [(None, 4)]                  0         []                            ",
      " ".repeat(98),
      " hidden (Dense)              (None, 3)                    15        ['features[0][0]']            ",
      " ".repeat(98),
      " score (Dense)               (None, 1)                    4         ['hidden[0][0]']              ",
      " ".repeat(98),
      " label (Dense)               (None, 2)                    8         ['hidden[0][0]']              ",
      " ".repeat(98),
      "=".repeat(98),
      "Total params: 27",
      "Trainable params: 27",
      "Non-trainable params: 0",
      "_".repeat(98),
    ].join("\n");
    assert.equal(model.summaryData().text, expected);
  });

  it("a layer called twice in a chain is shared, so Keras shows Connected to", async () => {
    await tfc.setBackend("cpu");
    const inputs = keras.Input({ shape: [3], name: "values" });
    const square = new keras.layers.Dense(3, { name: "square" });
    const outputs = square.apply(square.apply(inputs));
    const model = new keras.Model(inputs, outputs, { name: "twice" });
    assert.match(model.summaryData().text, /Connected to/);
  });
});

describe("models nested in a model's summary", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("a functional model used as a layer prints as (Functional), as in the saving guide's transfer-learning summary", () => {
    const inputs = keras.Input({ shape: [784], name: "digits" });
    let x = new keras.layers.Dense(64, { activation: "relu", name: "dense_1" }).apply(inputs);
    x = new keras.layers.Dense(64, { activation: "relu", name: "dense_2" }).apply(x);
    const pretrained = new keras.Model(inputs, x, { name: "pretrained" });
    const model = new keras.Sequential([pretrained, new keras.layers.Dense(5, { name: "predictions" })], { name: "with_pretrained" });
    // Keras 2's rows from the guide's output: 784*64+64 = 50,240 + 64*64+64 = 4,160 → 54,400; 64*5+5 = 325.
    const expectedRows = [
      " pretrained (Functional)     (None, 64)                54400     ",
      " predictions (Dense)         (None, 5)                 325       ",
    ];
    const text = model.summaryData().text;
    for (const row of expectedRows) assert.ok(text.split("\n").includes(row), `row ${JSON.stringify(row)} in:\n${text}`);
    assert.match(text, /^Total params: 54,725$/m);
    assert.equal(model.summaryData().rows[0]!.type, "Functional");
    assert.equal(pretrained.summaryData().className, "Functional");
  });

  it("a subclassed model prints as its own class, nested or not", () => {
    class TwoDense extends keras.Model {
      first = new keras.layers.Dense(3);
      second = new keras.layers.Dense(2);
      override call(inputs: tfc.Tensor): tfc.Tensor {
        return this.second.apply(this.first.apply(inputs));
      }
    }
    const inner = new TwoDense({ name: "two_dense" });
    inner.apply(tfc.ones([1, 4]));
    assert.equal(inner.summaryData().className, "TwoDense");
    const outer = new keras.Sequential([keras.Input({ shape: [4] }), inner]);
    const row = outer.summaryData().rows[0]!;
    assert.equal(row.type, "TwoDense");
    // 4*3+3 + 3*2+2 = 23 parameters.
    assert.equal(row.params, 23);
  });
});
