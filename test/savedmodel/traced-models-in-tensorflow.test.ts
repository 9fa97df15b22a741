// A Functional two-input, two-output model and an LSTM model, written by tskeras as SavedModels
// (the forward pass traced through the one TF-op emitter), load in TensorFlow 2.21: both through
// tf.saved_model.load + serving_default (called with the input names as keywords, outputs by the
// output layers' names) and, for the single-input LSTM, keras.layers.TFSMLayer; and through the
// `serve` endpoint Keras 3's model.export() writes (loaded.serve(x or [a, b]), TFSMLayer with
// call_endpoint="serve"), whose structures match Keras's own export, which tskeras calls too. The
// expected numbers come from Keras 3 itself: the same architecture built in Python with the same weights.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keras, tf } from "../../lib/index.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

const script = `
import json, sys
import numpy as np
import tensorflow as tf
import keras

case = json.load(open(sys.argv[1]))
inputs = {name: np.asarray(values, dtype="float32") for name, values in case["inputs"].items()}
if case["kind"] == "functional":
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    left = keras.layers.Dense(4, activation="tanh", name="left")(a)
    right = keras.layers.Dense(4, activation="relu", name="right")(b)
    joined = keras.layers.Concatenate(name="joined")([left, right])
    scores = keras.layers.Dense(2, name="scores")(joined)
    total = keras.layers.Add(name="total")([left, right])
    model = keras.Model([a, b], [scores, total])
    feed = [inputs["a"], inputs["b"]]
elif case["kind"] == "unsorted":
    z = keras.Input((3,), name="z")
    a = keras.Input((2,), name="a")
    model = keras.Model([z, a], keras.layers.Concatenate(name="joined")([z, a]))
    feed = [inputs["z"], inputs["a"]]
else:
    x = keras.Input((5, 3), name="sequence")
    hidden = keras.layers.LSTM(4, name="lstm")(x)
    out = keras.layers.Dense(1, name="out")(hidden)
    model = keras.Model(x, out)
    feed = inputs["sequence"]
for name, weights in case["weights"].items():
    layer = model.get_layer(name)
    layer.set_weights([np.asarray(w["values"], dtype="float32").reshape(w["shape"]) for w in weights])
expected = model.predict(feed, verbose=0)
expected = expected if isinstance(expected, list) else [expected]

loaded = tf.saved_model.load(case["directory"])
signature = loaded.signatures["serving_default"]
keywords = sorted(signature.structured_input_signature[1].keys())
outputs = signature(**{key: tf.constant(inputs[key]) for key in keywords})
result = {"keywords": keywords, "outputs": {key: np.asarray(value).tolist() for key, value in outputs.items()},
          "expected": [np.asarray(value).tolist() for value in expected]}
if case["kind"] == "lstm":
    layer = keras.layers.TFSMLayer(case["directory"], call_endpoint="serving_default")
    via_layer = layer(inputs["sequence"])
    result["tfsmlayer"] = np.asarray(list(via_layer.values())[0] if isinstance(via_layer, dict) else via_layer).tolist()

# The serve endpoint, as Keras 3's model.export() writes it: one argument (the input, or a list of the
# inputs in the model's order), called directly and through TFSMLayer; its structures are compared with
# those of Keras's own export of the same model, which tskeras then reads and calls.
as_list = lambda value: [np.asarray(item).tolist() for item in (value if isinstance(value, (list, tuple)) else [value])]
result["serve"] = as_list(loaded.serve(feed))
result["tfsmlayer_serve"] = as_list(keras.layers.TFSMLayer(case["directory"], call_endpoint="serve")(feed))
exported = case["directory"] + "_keras_export"
model.export(exported, verbose=False)
ours = loaded.serve.concrete_functions[0]
theirs = tf.saved_model.load(exported).serve.concrete_functions[0]
result["serve_structure"] = {"ours": [str(ours.structured_input_signature), str(ours.structured_outputs)],
                             "keras": [str(theirs.structured_input_signature), str(theirs.structured_outputs)]}
result["keras_export"] = exported
print(json.dumps(result))
`;

interface OracleResult {
  keywords: string[];
  outputs: Record<string, number[][]>;
  expected: number[][][];
  tfsmlayer?: number[][];
  /** `loaded.serve(feed)` and `TFSMLayer(call_endpoint="serve")(feed)`: every output, in order. */
  serve: number[][][];
  tfsmlayer_serve: number[][][];
  /** str() of serve's structured input signature and outputs, in our SavedModel and in Keras's export of the same model. */
  serve_structure: { ours: string[]; keras: string[] };
  /** Keras's own model.export() of the model. */
  keras_export: string;
}

/**
 * The serve endpoint both ways: in TensorFlow it gives Keras's numbers called directly and through
 * TFSMLayer, with the structures of Keras's own export; tskeras calls Keras's export's serve the same way.
 */
async function assertServe(result: OracleResult, feed: tf.Tensor | tf.Tensor[]): Promise<void> {
  result.expected.forEach((expected, index) => {
    assertClose(result.serve[index], expected, `serve output ${index}`);
    assertClose(result.tfsmlayer_serve[index], expected, `TFSMLayer(call_endpoint="serve") output ${index}`);
  });
  assert.equal(result.serve.length, result.expected.length);
  assert.deepEqual(result.serve_structure.ours, result.serve_structure.keras);
  const exported = await tf.savedModel.load(result.keras_export);
  const served = (exported["serve"] as (input: tf.Tensor | tf.Tensor[]) => tf.Tensor | tf.Tensor[])(feed);
  const list = Array.isArray(served) ? served : [served];
  assert.equal(list.length, result.expected.length);
  list.forEach((output, index) => assertClose(Array.from(output.dataSync()), result.expected[index], `tskeras calling Keras's serve, output ${index}`));
}

function weightsByLayer(model: tf.LayersModel, names: string[], seed: number): Record<string, Array<{ shape: number[]; values: number[] }>> {
  const result: Record<string, Array<{ shape: number[]; values: number[] }>> = {};
  names.forEach((name, layerIndex) => {
    const layer = model.getLayer(name);
    const values = layer.getWeights().map((weight, index) => tf.randomUniform(weight.shape, -0.9, 0.9, "float32", seed + layerIndex * 10 + index));
    layer.setWeights(values);
    result[name] = values.map((value) => ({ shape: value.shape, values: Array.from(value.dataSync()) }));
  });
  return result;
}

function assertClose(actual: unknown, expected: unknown, what: string): void {
  const a = [actual].flat(Infinity) as number[];
  const b = [expected].flat(Infinity) as number[];
  assert.equal(a.length, b.length, `${what}: ${a.length} values, expected ${b.length}`);
  const worst = a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index]!)), 0);
  assert.ok(worst <= 1e-5, `${what}: differs from Keras by ${worst}`);
}

async function saveAndRead(
  model: tf.LayersModel,
  kind: string,
  inputs: Record<string, number[][] | number[][][]>,
  weights: Record<string, unknown>,
): Promise<OracleResult> {
  const work = mkdtempSync(join(tmpdir(), "tskeras-traced-"));
  const directory = join(work, "model");
  await model.save(directory);
  const casePath = join(work, "case.json");
  writeFileSync(casePath, JSON.stringify({ kind, directory, inputs, weights }));
  return oracleJson<OracleResult>(script, [casePath], { timeoutMs: 300_000 });
}

test("a Functional model with two inputs and two outputs, saved as a SavedModel, predicts Keras's numbers in TensorFlow", { timeout: 300_000 }, async (t) => {
  if (!requireOracle(t)) return;
  const a = keras.Input({ shape: [3], name: "a" });
  const b = keras.Input({ shape: [3], name: "b" });
  const left = new keras.layers.Dense(4, { activation: "tanh", name: "left" }).apply(a) as tf.SymbolicTensor;
  const right = new keras.layers.Dense(4, { activation: "relu", name: "right" }).apply(b) as tf.SymbolicTensor;
  const joined = new keras.layers.Concatenate({ name: "joined" }).apply([left, right]) as tf.SymbolicTensor;
  const scores = new keras.layers.Dense(2, { name: "scores" }).apply(joined) as tf.SymbolicTensor;
  const total = new keras.layers.Add({ name: "total" }).apply([left, right]) as tf.SymbolicTensor;
  const model = new keras.Model([a, b], [scores, total]);
  const weights = weightsByLayer(model, ["left", "right", "scores"], 11);
  const inputs = {
    a: [
      [0.5, -1, 0.25],
      [1, 0.5, -0.5],
      [-0.75, 0.2, 1],
    ],
    b: [
      [0.1, 0.9, -0.3],
      [-1, 0.4, 0.6],
      [0.3, -0.2, 0.8],
    ],
  };

  const result = await saveAndRead(model, "functional", inputs, weights);
  assert.deepEqual(result.keywords, ["a", "b"]);
  assert.deepEqual(Object.keys(result.outputs).sort(), ["scores", "total"]);
  assertClose(result.outputs["scores"], result.expected[0], "serving_default scores");
  assertClose(result.outputs["total"], result.expected[1], "serving_default total");
  // And tskeras's own predictions are Keras's.
  const ours = model.predict([tf.tensor2d(inputs.a), tf.tensor2d(inputs.b)]) as tf.Tensor[];
  assertClose(Array.from(ours[0]!.dataSync()), result.expected[0], "tskeras scores");
  await assertServe(result, [tf.tensor2d(inputs.a), tf.tensor2d(inputs.b)]);
});

test("a model whose inputs are not in sorted-name order binds TensorFlow's keyword inputs by name, and serve takes them in the model's order", {
  timeout: 300_000,
}, async (t) => {
  if (!requireOracle(t)) return;
  // TensorFlow pairs a signature's keywords with the function's arguments in sorted-name order.
  const z = keras.Input({ shape: [3], name: "z" });
  const a = keras.Input({ shape: [2], name: "a" });
  const model = new keras.Model([z, a], new keras.layers.Concatenate({ name: "joined" }).apply([z, a]) as tf.SymbolicTensor);
  const inputs = {
    z: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    a: [
      [7, 8],
      [9, 10],
    ],
  };
  const result = await saveAndRead(model, "unsorted", inputs, {});
  assert.deepEqual(result.keywords, ["a", "z"]);
  assert.deepEqual(result.expected[0], [
    [1, 2, 3, 7, 8],
    [4, 5, 6, 9, 10],
  ]);
  assertClose(Object.values(result.outputs)[0], result.expected[0], "serving_default(z=, a=)");
  // serve takes the inputs as one list in the model's order (z, a), not in sorted-name order.
  await assertServe(result, [tf.tensor2d(inputs.z), tf.tensor2d(inputs.a)]);
});

test("an LSTM model saved as a SavedModel (unrolled over its 5 steps) predicts Keras's numbers in TensorFlow and through TFSMLayer", {
  timeout: 300_000,
}, async (t) => {
  if (!requireOracle(t)) return;
  const input = keras.Input({ shape: [5, 3], name: "sequence" });
  const hidden = new keras.layers.LSTM(4, { name: "lstm" }).apply(input) as tf.SymbolicTensor;
  const out = new keras.layers.Dense(1, { name: "out" }).apply(hidden) as tf.SymbolicTensor;
  const model = new keras.Model(input, out);
  const weights = weightsByLayer(model, ["lstm", "out"], 23);
  const sequence = [0, 1].map((sample) => [0, 1, 2, 3, 4].map((step) => [0, 1, 2].map((feature) => Math.sin(sample * 7 + step * 3 + feature))));

  const result = await saveAndRead(model, "lstm", { sequence }, weights);
  assert.deepEqual(result.keywords, ["sequence"]);
  assert.deepEqual(Object.keys(result.outputs), ["out"]);
  assertClose(result.outputs["out"], result.expected[0], "serving_default");
  assertClose(result.tfsmlayer, result.expected[0], "TFSMLayer");
  await assertServe(result, tf.tensor3d(sequence));
});

test("a model whose time dimension is open is refused with an error naming the input and the fix", async () => {
  const input = keras.Input({ shape: [null, 3] as unknown as number[], name: "ragged" });
  const out = new keras.layers.LSTM(2).apply(input) as tf.SymbolicTensor;
  const model = new keras.Model(input, out);
  const directory = join(mkdtempSync(join(tmpdir(), "tskeras-traced-")), "model");
  await assert.rejects(model.save(directory), /input "ragged" has the shape \[None, None, 3\], open \(None\) in dimension 1.*Give the Input a full shape/s);
});
