import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as keras from "../../lib/keras/index.js";
import { loadCheckpoint } from "../../lib/formats/checkpoint/reader.js";
import { Checkpoint } from "../../lib/keras/saving/train-checkpoint.js";

const folder = () => mkdtempSync(join(tmpdir(), "tskeras-transfer-"));
const values = (tensor: tfc.Tensor) => Array.from(tensor.dataSync());

/** The guide's 3-layer MLP, with a chosen output size and model name. */
function mlp(outputs: number, name: string) {
  const inputs = keras.Input({ shape: [784], name: "digits" });
  let x = new keras.layers.Dense(64, { activation: "relu", name: "dense_1" }).apply(inputs) as ReturnType<typeof keras.Input>;
  x = new keras.layers.Dense(64, { activation: "relu", name: "dense_2" }).apply(x) as ReturnType<typeof keras.Input>;
  const predictions = new keras.layers.Dense(outputs, { name: "predictions" }).apply(x) as ReturnType<typeof keras.Input>;
  return new keras.Model(inputs, predictions, { name });
}

describe("transfer learning: partial loads of pretrained weights (the Keras saving guide)", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("a pretrained functional trunk loads into a new model with a different head; expectPartial()", async () => {
    const functionalModel = mlp(10, "3_layer_mlp");
    // The guide: a model of every layer but the last, weights set to "trained" random values.
    const pretrained = new keras.Model(functionalModel.inputs, functionalModel.layers.at(-1)!.input as ReturnType<typeof keras.Input>, {
      name: "pretrained_model",
    });
    pretrained.setWeights(pretrained.weights.map((weight, index) => tfc.randomNormal(weight.shape as number[], 0, 1, "float32", 100 + index)));
    const prefix = join(folder(), "pretrained_ckpt");
    await pretrained.saveWeights(prefix);
    // What the trunk wrote: two layers with weights, counted from 0 (the input layer has none).
    assert.deepEqual(loadCheckpoint(prefix).keys(), [
      "_CHECKPOINTABLE_OBJECT_GRAPH",
      "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE",
      "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE",
      "layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE",
      "layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE",
    ]);

    // "A separate program where only pretrained_ckpt exists": same trunk, 5 outputs instead of 10.
    const model = mlp(5, "new_model");
    const headBefore = values(model.layers.at(-1)!.getWeights()[0]!);
    const status = (await model.loadWeights(prefix))!;
    status.expectPartial();
    // The head has nothing in the checkpoint: the partial load is visible, the checkpoint itself fully used.
    assert.throws(
      () => status.assertExistingObjectsMatched(),
      /Nothing in checkpoint .* for: kernel of Dense layer 'predictions', bias of Dense layer 'predictions'/,
    );
    assert.throws(() => status.assertConsumed(), /Nothing in checkpoint/);
    assert.deepEqual(status.unusedKeys, []);
    // The guide's check: every pretrained weight is now in the new model, in order; the head is untouched.
    pretrained.weights.forEach((weight, index) => assert.deepEqual(values(model.weights[index]!.read()), values(weight.read()), weight.name));
    assert.deepEqual(values(model.layers.at(-1)!.getWeights()[0]!), headBefore);
  });

  it("the guide's Checkpoint of one layer and another layer's variables restores into new objects, assertConsumed()", async () => {
    const functionalModel = mlp(10, "3_layer_mlp");
    functionalModel.setWeights(functionalModel.weights.map((weight, index) => tfc.randomNormal(weight.shape as number[], 0, 1, "float32", 200 + index)));
    const firstDense = functionalModel.layers[1] as unknown as { kernel: unknown; bias: unknown } & keras.layers.Layer;
    const lastDense = functionalModel.layers.at(-1) as unknown as { kernel: unknown; bias: unknown } & keras.layers.Layer;
    const path = await new Checkpoint({ dense: firstDense, kernel: lastDense.kernel, bias: lastDense.bias }).save(join(folder(), "ckpt"));
    assert.deepEqual(loadCheckpoint(path).keys(), [
      "_CHECKPOINTABLE_OBJECT_GRAPH",
      "bias/.ATTRIBUTES/VARIABLE_VALUE",
      "dense/bias/.ATTRIBUTES/VARIABLE_VALUE",
      "dense/kernel/.ATTRIBUTES/VARIABLE_VALUE",
      "kernel/.ATTRIBUTES/VARIABLE_VALUE",
      "save_counter/.ATTRIBUTES/VARIABLE_VALUE",
    ]);
    // New objects with the same structure: a Dense layer (built by a call) and two free variables.
    const dense = new keras.layers.Dense(64, { activation: "relu" });
    dense.apply(tfc.ones([1, 784]));
    const kernel = tfc.variable(tfc.zeros([64, 10]));
    const bias = tfc.variable(tfc.zeros([10]));
    (await new Checkpoint({ dense, kernel, bias }).restore(path)).assertConsumed();
    assert.deepEqual(values(dense.getWeights()[0]!), values(firstDense.getWeights()[0]!));
    assert.deepEqual(values(kernel), values(lastDense.getWeights()[0]!));
    assert.deepEqual(values(bias), values(lastDense.getWeights()[1]!));
  });
});
