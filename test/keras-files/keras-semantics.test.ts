// Where tskeras once followed tfjs and Keras differs (issue #21), Keras wins. Expected values are
// Keras's documented defaults and formulas computed here, not tskeras output; the differential matrix
// (test/oracle/matrix.test.ts) checks the same points against real Keras 3.15.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keras, tf } from "../../lib/index.js";

const glorotUniform = { scale: 1, mode: "fan_avg", distribution: "uniform" };
const initializerOf = (config: Record<string, unknown>) => {
  const initializer = config["kernel_initializer"] as { class_name: string; config: Record<string, unknown> };
  return {
    class_name: initializer.class_name,
    scale: initializer.config["scale"],
    mode: initializer.config["mode"],
    distribution: initializer.config["distribution"],
  };
};

test("Dense, Conv2D, LSTM and GRU built in TypeScript default to glorot_uniform kernels, as Keras", () => {
  for (const layer of [new keras.layers.Dense(3), new keras.layers.Conv2D(2, 3), new keras.layers.LSTM(3), new keras.layers.GRU(3)]) {
    assert.deepEqual(initializerOf(layer.getConfig()), { class_name: "VarianceScaling", ...glorotUniform }, layer.getClassName());
  }
  // Given explicitly, the caller's choice stays.
  assert.equal(initializerOf(new keras.layers.Dense(3, { kernelInitializer: "glorotNormal" }).getConfig()).distribution, "normal");
});

test("LSTM and GRU gates default to sigmoid, LSTM to unit_forget_bias, GRU to reset_after=True (Keras since 2.3)", () => {
  const lstm = new keras.layers.LSTM(3).getConfig();
  assert.equal(lstm.recurrent_activation, "sigmoid");
  assert.equal(lstm["unit_forget_bias"], true);
  const gru = new keras.layers.GRU(3).getConfig();
  assert.equal(gru.recurrent_activation, "sigmoid");
  assert.equal(gru.reset_after, true);
  assert.equal(new keras.layers.GRU(3, { resetAfter: false }).getConfig().reset_after, false);
});

test("GRU with reset_after=True computes Keras's cell: r multiplies (h·U_h + b_rh)", () => {
  const layer = new keras.layers.GRU(1, { resetAfter: true });
  const model = new keras.Sequential([new keras.layers.InputLayer({ inputShape: [2, 1] }), layer]);
  // One unit, one feature: kernel [z, r, h], recurrent kernel [z, r, h], bias rows [input; recurrent].
  const kernel = [0.5, -0.3, 0.8];
  const recurrent = [0.2, 0.4, -0.6];
  const bias = [
    [0.1, 0.05, -0.2],
    [0.3, -0.1, 0.25],
  ];
  model.setWeights([tf.tensor2d([kernel]), tf.tensor2d([recurrent]), tf.tensor2d(bias)]);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  let h = 0;
  for (const x of [0.7, -1.2]) {
    const z = sigmoid(x * kernel[0]! + bias[0]![0]! + h * recurrent[0]! + bias[1]![0]!);
    const r = sigmoid(x * kernel[1]! + bias[0]![1]! + h * recurrent[1]! + bias[1]![1]!);
    const candidate = Math.tanh(x * kernel[2]! + bias[0]![2]! + r * (h * recurrent[2]! + bias[1]![2]!));
    h = z * h + (1 - z) * candidate;
  }
  const predicted = (model.predict(tf.tensor3d([[[0.7], [-1.2]]])) as tf.Tensor).dataSync()[0]!;
  assert.ok(Math.abs(predicted - h) < 1e-6, `${predicted} vs ${h}`);
});

test("hard_sigmoid means what the Keras that wrote the file meant", () => {
  const architecture = (kerasVersion: string) =>
    JSON.stringify({
      class_name: "Sequential",
      keras_version: kerasVersion,
      config: {
        name: "s",
        layers: [
          { class_name: "InputLayer", config: { batch_input_shape: [null, 3], dtype: "float32", name: "x" } },
          { class_name: "Activation", config: { name: "a", activation: "hard_sigmoid" } },
        ],
      },
    });
  const x = [-2, 0.5, 1];
  const predict = (kerasVersion: string) =>
    Array.from((keras.models.modelFromJSON(architecture(kerasVersion)).predict(tf.tensor2d([x])) as tf.Tensor).dataSync());
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  const close = (actual: number[], expected: number[]) =>
    actual.forEach((value, index) => assert.ok(Math.abs(value - expected[index]!) < 1e-6, `${actual} vs ${expected}`));
  // Keras 2: clip(0.2x + 0.5, 0, 1).
  close(
    predict("2.12.0"),
    x.map((v) => clip(0.2 * v + 0.5)),
  );
  // Keras 3: relu6(x + 3) / 6.
  close(
    predict("3.15.1"),
    x.map((v) => Math.min(6, Math.max(0, v + 3)) / 6),
  );
  // In TypeScript the Keras name is Keras 3's, and it is written back as "hard_sigmoid".
  const layer = new keras.layers.Activation("hard_sigmoid");
  close(
    Array.from((layer.apply(tf.tensor2d([x])) as tf.Tensor).dataSync()),
    x.map((v) => Math.min(6, Math.max(0, v + 3)) / 6),
  );
  assert.equal(layer.getConfig().activation, "hard_sigmoid");
});
