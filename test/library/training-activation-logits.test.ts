// Keras 3's `_keras_logits`: a crossentropy loss of a sigmoid/softmax output computes from the
// activation's input. Expected losses and weights come from Keras (evaluate and fit on the same weights).
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import { selectBackend } from "../../lib/backend/select.js";
import * as keras from "../../lib/keras/index.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

/** Deterministic numbers in [-1, 1) (a linear congruential generator), so both sides get the same data. */
function numbers(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

const inputs = 4;
const classes = 3;
const samples = 8;
const kernel = numbers(inputs * classes, 11).map((v) => v * 1.5);
const bias = numbers(classes, 12).map((v) => v * 0.5);
const xValues = numbers(samples * inputs, 13).map((v) => v * 3);
const binaryLabels = numbers(samples * classes, 14).map((v) => (v > 0 ? 1 : 0));
const oneHotLabels = numbers(samples, 15).flatMap((v) => {
  const label = Math.floor((v + 1) * 1.5) % classes;
  return Array.from({ length: classes }, (_unused, index) => (index === label ? 1 : 0));
});

/** Output layer shapes: the activation in Dense, as an Activation layer, as a Softmax layer. */
const cases = [
  { name: "Dense softmax + binary_crossentropy", build: "dense", activation: "softmax", loss: "binary_crossentropy", kernelScale: 1 },
  // Where the activation matches the loss, logits and probabilities agree until a probability is
  // clipped at 1e-7: larger weights saturate some outputs.
  { name: "Dense sigmoid + binary_crossentropy", build: "dense", activation: "sigmoid", loss: "binary_crossentropy", kernelScale: 12 },
  { name: "Dense softmax + categorical_crossentropy", build: "dense", activation: "softmax", loss: "categorical_crossentropy", kernelScale: 12 },
  { name: "Dense sigmoid + categorical_crossentropy", build: "dense", activation: "sigmoid", loss: "categorical_crossentropy", kernelScale: 1 },
  { name: "Activation(softmax) + binary_crossentropy", build: "activation", activation: "softmax", loss: "binary_crossentropy", kernelScale: 1 },
  { name: "Softmax layer + binary_crossentropy", build: "softmax-layer", activation: "softmax", loss: "binary_crossentropy", kernelScale: 1 },
] as const;
type Case = (typeof cases)[number];
const epochs = 3;
const learningRate = 0.5;

function buildModel(testCase: Case, runEagerly: boolean): keras.Sequential {
  const layers =
    testCase.build === "dense"
      ? [new keras.layers.Dense(classes, { activation: testCase.activation, inputShape: [inputs] })]
      : [
          new keras.layers.Dense(classes, { inputShape: [inputs] }),
          testCase.build === "activation" ? new keras.layers.Activation(testCase.activation) : new keras.layers.Softmax(),
        ];
  const model = new keras.Sequential(layers);
  model.compile({ optimizer: tfc.train.sgd(learningRate), loss: testCase.loss, runEagerly });
  model.setWeights([tfc.tensor2d(kernelFor(testCase), [inputs, classes]), tfc.tensor1d(bias)]);
  return model;
}

function kernelFor(testCase: Case): number[] {
  return kernel.map((value) => value * testCase.kernelScale);
}

function labelsFor(testCase: Case): tfc.Tensor2D {
  return tfc.tensor2d(testCase.loss === "binary_crossentropy" ? binaryLabels : oneHotLabels, [samples, classes]);
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${tolerance})`);
  }
}

const oracleScript = `
import json, sys
import numpy as np
import keras
cases = json.loads(sys.argv[1])
bias = np.array(json.loads(sys.argv[2]), dtype="float32")
x = np.array(json.loads(sys.argv[3]), dtype="float32").reshape(${samples}, ${inputs})
labels = {
    "binary_crossentropy": np.array(json.loads(sys.argv[4]), dtype="float32").reshape(${samples}, ${classes}),
    "categorical_crossentropy": np.array(json.loads(sys.argv[5]), dtype="float32").reshape(${samples}, ${classes}),
}
out = {}
for case in cases:
    if case["build"] == "dense":
        layers = [keras.layers.Dense(${classes}, activation=case["activation"])]
    elif case["build"] == "activation":
        layers = [keras.layers.Dense(${classes}), keras.layers.Activation(case["activation"])]
    else:
        layers = [keras.layers.Dense(${classes}), keras.layers.Softmax()]
    model = keras.Sequential([keras.Input((${inputs},))] + layers)
    model.compile(optimizer=keras.optimizers.SGD(${learningRate}), loss=case["loss"])
    model.set_weights([np.array(case["kernel"], dtype="float32").reshape(${inputs}, ${classes}), bias])
    y = labels[case["loss"]]
    evaluated = float(model.evaluate(x, y, batch_size=${samples}, verbose=0))
    probabilities = model.predict(x, verbose=0)
    probability_formula = float(np.mean(keras.losses.get(case["loss"])(y, probabilities)))
    history = model.fit(x, y, batch_size=${samples}, epochs=${epochs}, shuffle=False, verbose=0)
    out[case["name"]] = {
        "evaluate": evaluated,
        "probabilityFormula": probability_formula,
        "fit": history.history["loss"],
        "weights": [v.flatten().tolist() for v in model.get_weights()],
    }
print(json.dumps(out))`;

describe("crossentropy of a sigmoid/softmax output computes from its logits, as Keras 3 does", () => {
  before(async () => {
    process.env.TSKERAS_BACKEND = "wasm";
    await selectBackend();
  });

  it("evaluate and fit (fused and runEagerly) give Keras's losses and weights", async (t) => {
    if (!requireOracle(t)) return;
    const expected = await oracleJson<Record<string, { evaluate: number; probabilityFormula: number; fit: number[]; weights: number[][] }>>(oracleScript, [
      JSON.stringify(cases.map((testCase) => ({ ...testCase, kernel: kernelFor(testCase) }))),
      JSON.stringify(bias),
      JSON.stringify(xValues),
      JSON.stringify(binaryLabels),
      JSON.stringify(oneHotLabels),
    ]);
    const x = tfc.tensor2d(xValues, [samples, inputs]);
    for (const testCase of cases) {
      const keras3 = expected[testCase.name]!;
      // Each case is a test of the logits path only where the probability formula gives another loss.
      assert.ok(Math.abs(keras3.evaluate - keras3.probabilityFormula) > 1e-3, `${testCase.name}: Keras's loss equals the probability formula`);
      const y = labelsFor(testCase);
      for (const runEagerly of [false, true]) {
        const what = `${testCase.name}${runEagerly ? " (runEagerly)" : ""}`;
        const model = buildModel(testCase, runEagerly);
        const [evaluated] = await model.evaluate(x, y, { batchSize: samples, verbose: 0 });
        assertClose([evaluated!], [keras3.evaluate], 1e-5, `${what} evaluate`);
        const history = await model.fit(x, y, { batchSize: samples, epochs, shuffle: false, verbose: 0 });
        assertClose(history.history.loss!, keras3.fit, 1e-5, `${what} fit losses`);
        for (const [index, weight] of model.getWeights().entries()) {
          assertClose(Array.from(weight.dataSync()), keras3.weights[index]!, 1e-5, `${what} weight ${index}`);
        }
      }
      y.dispose();
    }
    x.dispose();
  });

  it("the logits kept for a step are freed with it: tensor count flat over fit and evaluate", async () => {
    const testCase = cases[0];
    const model = buildModel(testCase, false);
    const x = tfc.tensor2d(xValues, [samples, inputs]);
    const y = labelsFor(testCase);
    // evaluate's result is also tfjs's list of Scalars, which the caller owns.
    const evaluate = async () => {
      const result = model.evaluate(x, y, { batchSize: 2, verbose: 0 });
      await result;
      tfc.dispose([...result]);
    };
    await model.fit(x, y, { batchSize: 2, epochs: 1, verbose: 0 });
    await evaluate();
    const settled = tfc.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      await model.fit(x, y, { batchSize: 2, epochs: 2, verbose: 0 });
      await evaluate();
      assert.equal(tfc.memory().numTensors, settled, `round ${round}`);
    }
  });

  it("outside a train/test step the loss of a prediction uses the probabilities (as Keras on predict's arrays)", () => {
    const model = buildModel(cases[0], false);
    const x = tfc.tensor2d(xValues, [samples, inputs]);
    const y = labelsFor(cases[0]);
    const probabilities = model.predict(x) as tfc.Tensor;
    const loss = tfc.mean(new keras.losses.BinaryCrossentropy().call(y, probabilities));
    const p = probabilities.arraySync() as number[][];
    const labels = y.arraySync() as number[][];
    let sum = 0;
    for (let row = 0; row < samples; row++) {
      for (let column = 0; column < classes; column++) {
        const q = Math.min(Math.max(p[row]![column]!, 1e-7), 1 - 1e-7);
        sum -= labels[row]![column]! * Math.log(q) + (1 - labels[row]![column]!) * Math.log(1 - q);
      }
    }
    assertClose([loss.dataSync()[0]!], [sum / (samples * classes)], 1e-5, "probability formula");
  });
});
