// The fused train step (fit's default) against the eager one (compile({ runEagerly: true })) and
// against Keras/TensorFlow: same initial weights, same batches; losses per step and weights after.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { selectBackend } from "../../lib/backend/select.js";
import * as keras from "../../lib/keras/index.js";
import { KerasRMSprop } from "../../lib/keras/training/keras-update-rules.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

/** Deterministic numbers in [-1, 1) (a linear congruential generator), so both sides get the same data. */
function numbers(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

const inputs = 6;
const hidden = 8;
const classes = 3;
const samples = 24;
const initialWeights = [
  numbers(inputs * hidden, 1).map((v) => v * 0.5),
  numbers(hidden, 2).map((v) => v * 0.1),
  numbers(hidden * classes, 3).map((v) => v * 0.5),
  numbers(classes, 4).map((v) => v * 0.1),
];
const xValues = numbers(samples * inputs, 5);
const yValues = numbers(samples, 6).map((v) => Math.floor((v + 1) * 1.5) % classes);

function buildModel(optimizer: tfc.Optimizer, runEagerly: boolean): keras.Sequential {
  const model = new keras.Sequential([new keras.layers.Dense(hidden, { activation: "relu", inputShape: [inputs] }), new keras.layers.Dense(classes)]);
  model.compile({ optimizer, loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ["accuracy"], runEagerly });
  model.setWeights([
    tfc.tensor2d(initialWeights[0]!, [inputs, hidden]),
    tfc.tensor1d(initialWeights[1]!),
    tfc.tensor2d(initialWeights[2]!, [hidden, classes]),
    tfc.tensor1d(initialWeights[3]!),
  ]);
  return model;
}

class StepLosses extends keras.callbacks.Callback {
  losses: number[] = [];
  override onBatchEnd(_batch: number, logs: keras.callbacks.Logs): void {
    this.losses.push(logs.loss!);
  }
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${tolerance})`);
  }
}

async function train(optimizer: () => tfc.Optimizer, runEagerly: boolean, options: { epochs: number; batchSize: number }) {
  const model = buildModel(optimizer(), runEagerly);
  const x = tfc.tensor2d(xValues, [samples, inputs]);
  const y = tfc.tensor1d(yValues, "int32");
  const steps = new StepLosses();
  const history = await model.fit(x, y, { ...options, shuffle: false, verbose: 0, callbacks: [steps] });
  const weights = model.getWeights().map((tensor) => Array.from(tensor.dataSync()));
  const slots = await (model as unknown as { optimizer: tfc.Optimizer }).optimizer.getWeights();
  return {
    model,
    steps: steps.losses,
    history: history.history,
    weights,
    slots: slots.map((slot) => ({ name: slot.name, values: Array.from(slot.tensor.dataSync()) })),
  };
}

const optimizers: Record<string, () => tfc.Optimizer> = {
  adam: () => tfc.train.adam(0.01, 0.9, 0.999, 1e-7),
  sgd: () => tfc.train.sgd(0.1),
  "sgd momentum": () => tfc.train.momentum(0.05, 0.9),
  "sgd nesterov": () => tfc.train.momentum(0.05, 0.9, true),
  rmsprop: () => tfc.train.rmsprop(0.01, 0.9, 0, 1e-7),
  "rmsprop momentum": () => tfc.train.rmsprop(0.005, 0.9, 0.5, 1e-7),
  // Keras's centered step (+ε under the root); tfjs's own eager step subtracts ε, so the eager side is Keras's class.
  "rmsprop centered momentum": () => new KerasRMSprop(0.005, 0.9, 0.5, 1e-7, true),
};

for (const backend of ["wasm", "cpu"] as const) {
  describe(`the fused train step on ${backend} equals the eager one`, () => {
    before(async () => {
      process.env.TSKERAS_BACKEND = backend;
      await selectBackend();
      assert.equal(tfc.getBackend(), backend);
    });

    for (const [name, optimizer] of Object.entries(optimizers)) {
      it(`${name}: every step's loss, the weights and the optimizer's slots within 1e-5`, async () => {
        const eager = await train(optimizer, true, { epochs: 3, batchSize: 5 });
        const fused = await train(optimizer, false, { epochs: 3, batchSize: 5 });
        assert.equal(eager.steps.length, 15);
        assertClose(fused.steps, eager.steps, 1e-5, "step losses");
        assertClose(fused.history.loss!, eager.history.loss!, 1e-5, "epoch losses");
        assertClose(fused.history.acc ?? fused.history.accuracy!, eager.history.acc ?? eager.history.accuracy!, 1e-6, "epoch accuracy");
        for (const [index, values] of fused.weights.entries()) assertClose(values, eager.weights[index]!, 1e-5, `weight ${index}`);
        // Slot names start with the layer names, which differ between the two models (dense_1, dense_3).
        const withoutLayer = (slots: { name: string }[]) => slots.map((slot) => slot.name.replace(/^[^/]*\//, ""));
        assert.deepEqual(withoutLayer(fused.slots), withoutLayer(eager.slots));
        for (const [index, slot] of fused.slots.entries()) assertClose(slot.values, eager.slots[index]!.values, 1e-5, `slot ${slot.name}`);
        // Training moved the weights (the comparison is not between two untouched models).
        assert.ok(Math.abs(fused.weights[0]![0]! - initialWeights[0]![0]!) > 1e-4);
      });
    }

    it("leaves tensors that shared a variable's storage (clone, reshape) with the values they had", async () => {
      const model = buildModel(tfc.train.adam(0.01), false);
      const kernel = (model.layers[0] as tfl.layers.Layer).getWeights()[0]!;
      const clone = tfc.clone(kernel);
      const before = Array.from(clone.dataSync());
      await model.fit(tfc.tensor2d(xValues, [samples, inputs]), tfc.tensor1d(yValues, "int32"), { epochs: 1, batchSize: 8, verbose: 0 });
      assert.deepEqual(Array.from(clone.dataSync()), before);
      assert.notDeepEqual(Array.from(kernel.dataSync()), before, "the variable itself was updated");
    });

    it("runEagerly is Keras's run_eagerly: false unless compile asks for it", () => {
      assert.equal(buildModel(tfc.train.sgd(0.1), false).runEagerly, false);
      assert.equal(buildModel(tfc.train.sgd(0.1), true).runEagerly, true);
    });
  });
}

describe("the fused train step against Keras 3 / TensorFlow", () => {
  before(async () => {
    process.env.TSKERAS_BACKEND = "wasm";
    await selectBackend();
  });

  it("one Adam step and one SGD-momentum step from the same weights: loss and weights as Keras computes them", async (t) => {
    if (!requireOracle(t)) return;
    const script = `
import json, sys
import numpy as np
import keras
w = [np.array(v, dtype="float32") for v in json.loads(sys.argv[1])]
x = np.array(json.loads(sys.argv[2]), dtype="float32").reshape(${samples}, ${inputs})
y = np.array(json.loads(sys.argv[3]), dtype="int32")
out = {}
for name, optimizer in [("adam", keras.optimizers.Adam(0.01, epsilon=1e-7 * np.sqrt(1 - 0.999))), ("momentum", keras.optimizers.SGD(0.05, momentum=0.9))]:
    model = keras.Sequential([keras.Input((${inputs},)), keras.layers.Dense(${hidden}, activation="relu"), keras.layers.Dense(${classes})])
    model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.set_weights([w[0].reshape(${inputs}, ${hidden}), w[1], w[2].reshape(${hidden}, ${classes}), w[3]])
    history = model.fit(x, y, batch_size=${samples}, epochs=1, shuffle=False, verbose=0)
    out[name] = {"loss": history.history["loss"][0], "weights": [v.flatten().tolist() for v in model.get_weights()]}
print(json.dumps(out))`;
    const expected = await oracleJson<Record<string, { loss: number; weights: number[][] }>>(script, [
      JSON.stringify(initialWeights),
      JSON.stringify(xValues),
      JSON.stringify(yValues),
    ]);
    for (const [name, optimizer] of [
      ["adam", () => tfc.train.adam(0.01, 0.9, 0.999, 1e-7)],
      ["momentum", () => tfc.train.momentum(0.05, 0.9)],
    ] as const) {
      const fused = await train(optimizer, false, { epochs: 1, batchSize: samples });
      assertClose([fused.history.loss![0]!], [expected[name]!.loss], 1e-5, `${name} loss`);
      // tfjs's Adam (the eager path, which the fused one follows) adds epsilon to sqrt(v̂); Keras adds it
      // to sqrt(v) and folds the bias correction into the rate. On step t the two are the same update when
      // Keras's epsilon is tfjs's times sqrt(1-β2^t): the Keras side is given that for its one step.
      for (const [index, values] of fused.weights.entries()) assertClose(values, expected[name]!.weights[index]!, 1e-5, `${name} weight ${index}`);
    }
  });
});
