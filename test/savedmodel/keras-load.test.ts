// keras.models.loadModel(dir) and tf.savedModel.load(dir) on the real tf-keras 2.10 SavedModel,
// checked against the reference prediction and variable values read by an independent reader.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { keras } from "../../lib/index.js";
import { savedModel } from "../../lib/api/saved-model.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const fixtures = realFixturesDirectory;
const kerasDense = join(fixtures, "sm_k2_dense", "my_model");

interface Reference {
  prediction: { tolerance_abs: number; inputs: Array<{ values: number[][] }>; outputs: Array<{ values: number[][] }> };
  bundle: { variables: Array<{ key: string; shape: number[]; first_values?: number[] }> };
}
const reference = JSON.parse(readFileSync(join(fixtures, "reference", "sm_k2_dense.json"), "utf8")) as Reference;

tf.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

function assertClose(actual: number[][], expected: number[][], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((row, i) =>
    row.forEach((value, j) => assert.ok(Math.abs(actual[i]![j]! - value) <= tolerance, `[${i}][${j}] ${actual[i]![j]} vs ${value}`)),
  );
}

test("keras.models.loadModel rebuilds sm_k2_dense from keras_metadata.pb and predicts the reference within 1e-4", async () => {
  const model = await keras.models.loadModel(kerasDense);
  // The root config lists InputLayer, Dense(8), Dense(5), Dense(1) (reference keras_root_config_summary).
  // (tfjs lists the InputLayer among a rebuilt Sequential's layers; Keras does not.)
  assert.deepEqual(
    model.layers.filter((layer) => layer.getClassName() !== "InputLayer").map((layer) => layer.name),
    ["dense", "dense_1", "dense_2"],
  );
  const { prediction } = reference;
  const output = model.predict(tf.tensor(prediction.inputs[0]!.values)) as tf.Tensor;
  assertClose(output.arraySync() as number[][], prediction.outputs[0]!.values, prediction.tolerance_abs);
});

test("loadModel restores weights and the Adam state (iterations, slots) from variables/", async () => {
  const model = await keras.models.loadModel(kerasDense);
  const kernel = model.getLayer("dense").getWeights()[0]!;
  const expectedKernel = reference.bundle.variables.find((variable) => variable.key === "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")!;
  assert.deepEqual(kernel.shape, expectedKernel.shape);
  const firstValues = Array.from(kernel.dataSync()).slice(0, expectedKernel.first_values!.length);
  firstValues.forEach((value, index) => assert.ok(Math.abs(value - expectedKernel.first_values![index]!) < 1e-6));
  // Compiled from the training config: Adam with the saved iteration count.
  const optimizer = (model as tfl.LayersModel).optimizer;
  assert.equal(optimizer.getClassName(), "Adam");
  const iterations = reference.bundle.variables.find((variable) => variable.key === "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE")!.first_values![0]!;
  assert.equal(optimizer.iterations, iterations);
  const slotM = reference.bundle.variables.find(
    (variable) => variable.key === "layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE",
  )!;
  const weights = await optimizer.getWeights();
  const m = weights.find((weight) => weight.name.endsWith("/m") && weight.tensor.shape.join() === slotM.shape.join())!;
  assert.ok(Math.abs(m.tensor.dataSync()[0]! - slotM.first_values![0]!) < 1e-7, `${m.tensor.dataSync()[0]} vs ${slotM.first_values![0]}`);
});

test("tf.savedModel.load runs serving_default with the same result as the rebuilt Keras model", async () => {
  const loaded = await savedModel.load(kerasDense, { tags: ["serve"] });
  assert.deepEqual(Object.keys(loaded.signatures), ["serving_default"]);
  const { prediction } = reference;
  const input = tf.tensor(prediction.inputs[0]!.values);
  const { dense_2 } = loaded.signatures.serving_default!({ dense_input: input });
  assertClose(dense_2!.arraySync() as number[][], prediction.outputs[0]!.values, prediction.tolerance_abs);
  const model = await keras.models.loadModel(kerasDense);
  const viaKeras = (model.predict(input) as tf.Tensor).arraySync() as number[][];
  assertClose(dense_2!.arraySync() as number[][], viaKeras, 1e-6);
  // Variables: every variable of the object graph, named as TensorFlow names them.
  const names = loaded.variables.map((variable) => variable.name);
  assert.ok(names.includes("dense/kernel") && names.includes("Adam/iter") && names.includes("Adam/dense_2/bias/v"), names.join(", "));
  assert.equal(loaded.variables.length, reference.bundle.variables.filter((variable) => variable.key !== "_CHECKPOINTABLE_OBJECT_GRAPH").length);
  loaded.dispose();
});
