// Every layer kind the SavedModel writer turns into TensorFlow ops, checked by running the written
// serving_default through the graph runtime against tfjs-layers' own predict (an independent path).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { saveKerasSavedModel } from "../../lib/keras/saving/savedmodel/save-keras-saved-model.js";
import { loadSavedModel } from "../../lib/formats/savedmodel/index.js";

tf.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

async function assertSignatureMatchesPredict(model: tfl.LayersModel, input: tf.Tensor, inputName: string): Promise<void> {
  const directory = join(mkdtempSync(join(tmpdir(), "tskeras-sm-")), "model");
  await saveKerasSavedModel(model, directory);
  const loaded = await loadSavedModel(directory);
  const outputs = loaded.signatures.serving_default!({ [inputName]: input });
  const actual = Object.values(outputs)[0]!;
  const expected = model.predict(input) as tf.Tensor;
  assert.deepEqual(actual.shape, expected.shape);
  const difference = tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]!;
  assert.ok(difference < 1e-5, `max difference ${difference}`);
  loaded.dispose();
}

test("Conv2D, MaxPooling2D, BatchNormalization, Activation, Dropout, Flatten, Dense run as TF ops", async () => {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", inputShape: [8, 8, 2], name: "conv" }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
      tfl.layers.batchNormalization({ name: "norm" }),
      tfl.layers.activation({ activation: "tanh", name: "act" }),
      tfl.layers.dropout({ rate: 0.5, name: "drop" }),
      tfl.layers.flatten({ name: "flat" }),
      tfl.layers.dense({ units: 3, activation: "softmax", name: "out" }),
    ],
  });
  // Non-trivial moving statistics, so the inference-mode normalization is really exercised.
  const norm = model.getLayer("norm");
  norm.setWeights(
    norm.getWeights().map((weight, index) => tf.add(tf.mul(tf.randomUniform(weight.shape, 0.5, 1.5, "float32", index), 1), index === 1 ? -1 : 0)),
  );
  await assertSignatureMatchesPredict(model, tf.randomUniform([2, 8, 8, 2], -1, 1, "float32", 3), "conv_input");
});

test("Reshape and a functional model with named Input run as TF ops", async () => {
  const input = tfl.input({ shape: [12], name: "features" });
  const reshaped = tfl.layers.reshape({ targetShape: [3, 4], name: "reshape" }).apply(input) as tfl.SymbolicTensor;
  const dense = tfl.layers.dense({ units: 2, name: "dense" }).apply(reshaped) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: dense });
  await assertSignatureMatchesPredict(model, tf.randomUniform([2, 12], -1, 1, "float32", 5), "features");
});

test("Embedding, LSTM, Concatenate (layers the old per-layer switch refused) run as TF ops", async () => {
  const tokens = tfl.input({ shape: [4], dtype: "int32", name: "tokens" });
  const embedded = tfl.layers.embedding({ inputDim: 6, outputDim: 3, name: "embed" }).apply(tokens) as tfl.SymbolicTensor;
  const sequence = tfl.layers
    .lstm({ units: 2, returnSequences: true, recurrentInitializer: "glorotUniform", name: "lstm" })
    .apply(embedded) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate({ name: "join" }).apply([sequence, embedded]) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: tokens, outputs: tfl.layers.flatten({ name: "flat" }).apply(joined) as tfl.SymbolicTensor });
  await assertSignatureMatchesPredict(
    model,
    tf.tensor2d(
      [
        [0, 5, 2, 1],
        [3, 3, 4, 0],
      ],
      undefined,
      "int32",
    ),
    "tokens",
  );
});

class CumulativeProduct extends tfl.layers.Layer {
  static className = "CumulativeProduct";
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.cumprod(Array.isArray(inputs) ? inputs[0]! : inputs, 1);
  }
}

test("a layer whose kernels have no TF op here is refused with an error naming the layer and the kernel", async () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], name: "dense" }), new CumulativeProduct({ name: "running" })] });
  await assert.rejects(
    saveKerasSavedModel(model, join(mkdtempSync(join(tmpdir(), "tskeras-sm-")), "m")),
    /Layer "running" \(CumulativeProduct\) cannot be written into a SavedModel graph: .*kernel "Cumprod"/,
  );
});
