// Every real .h5/.keras model written by Python Keras loads and predicts the reference outputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadModel as loadKerasModel, loadWeights as loadKerasWeights } from "../../lib/keras/saving/api.js";
import { modelFromKerasConfig } from "../../lib/keras/saving/load-model.js";
import { Hdf5File } from "../../lib/formats/hdf5/hdf5-file.js";
import { readLegacyH5Layout } from "../../lib/formats/hdf5/legacy-h5-layout.js";
import { fixturePath, flatten, readReference, referenceParameterCount, type Reference } from "./reference-fixtures.js";
// The loaders rebuild models with the Keras classes, which register themselves when lib/keras is loaded.
import "../../lib/keras/index.js";

tfc.env().set("IS_TEST", true); // silences the "install tfjs-node" banner
await tfc.setBackend("cpu");

function assertPredicts(model: { predict(x: tfc.Tensor | tfc.Tensor[]): tfc.Tensor | tfc.Tensor[] }, reference: Reference): void {
  const prediction = reference.prediction!;
  assert.equal(prediction.status, "computed");
  const inputs = prediction.inputs.map((input) => tfc.tensor(flatten(input.values), input.shape, "float32"));
  const produced = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
  const outputs = Array.isArray(produced) ? produced : [produced];
  assert.equal(outputs.length, prediction.outputs.length);
  prediction.outputs.forEach((expected, index) => {
    const actual = outputs[index]!;
    assert.deepEqual(actual.shape, expected.shape);
    const actualValues = Array.from(actual.dataSync());
    const expectedValues = flatten(expected.values);
    const worst = Math.max(...expectedValues.map((value, position) => Math.abs(value - actualValues[position]!)));
    assert.ok(worst <= prediction.tolerance_abs, `${reference.id}: largest difference ${worst} exceeds ${prediction.tolerance_abs}`);
  });
  tfc.dispose([...inputs, ...outputs]);
}

function assertSameLayers(model: Awaited<ReturnType<typeof loadKerasModel>>, reference: Reference): void {
  const expected = reference.model_config_summary!.layers!.filter((layer) => layer.class_name !== "InputLayer");
  const actual = model.layers.filter((layer) => layer.getClassName() !== "InputLayer").map((layer) => ({ class_name: layer.getClassName(), name: layer.name }));
  assert.deepEqual(actual, expected);
  assert.equal(model.countParams(), referenceParameterCount(reference));
}

for (const id of ["k2h5_2.12.0_dense", "k2h5_2.3.1_cnn", "k2h5_2.3.1_lstm", "k2h5_2.4.0_conv", "k3_3.10.0_cnn"]) {
  test(`${id}: loads with the reference layers and parameter count and predicts the reference outputs`, async () => {
    const reference = readReference(id);
    const model = await loadKerasModel(fixturePath(reference));
    assertSameLayers(model, reference);
    assertPredicts(model, reference);
    model.dispose();
  });
}

test("wh5_2.12.0_dense: weights-only .h5 loads into the k2h5_2.12.0_dense architecture and predicts the reference", async () => {
  const architecture = await Hdf5File.open(fixturePath(readReference("k2h5_2.12.0_dense")));
  const config = readLegacyH5Layout(architecture).modelConfig!;
  architecture.close();
  const model = await modelFromKerasConfig(config);
  const reference = readReference("wh5_2.12.0_dense");
  await loadKerasWeights(model, fixturePath(reference));
  assert.equal(model.countParams(), referenceParameterCount(reference));
  assertPredicts(model, reference);
  model.dispose();
});

test("weights into a model of another architecture fail naming the layer and both shapes", async () => {
  const model = await modelFromKerasConfig({
    class_name: "Sequential",
    config: {
      name: "other",
      layers: [
        { class_name: "Dense", config: { name: "d", units: 3, batch_input_shape: [null, 44] } },
        { class_name: "Dense", config: { name: "e", units: 2 } },
        { class_name: "Dense", config: { name: "f", units: 1 } },
      ],
    },
  });
  await assert.rejects(loadKerasWeights(model, fixturePath(readReference("wh5_2.12.0_dense"))), (error: Error) => {
    assert.match(error.message, /Layer "d" weight 0 .* has shape \[44, 3\] but .* holds shape \[44, \d+\]/);
    return true;
  });
  model.dispose();
});
