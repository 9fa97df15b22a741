// The random regularization layers' training=true behaviour, which no oracle can match draw for draw:
// properties that hold for any seed (shape kept, Keras's scaling, the drop rate and noise level within
// wide statistical bounds on 20 000 values), next to training=false being the identity. The layer
// catalog checks their inference numbers against Keras; this checks what training does.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keras, tf } from "../../lib/index.js";

const L = keras.layers;
const shape = [40, 50, 10];
const size = shape.reduce((product, value) => product * value, 1);

function values(tensor: tf.Tensor): Float32Array {
  return tensor.dataSync() as Float32Array;
}

function run(layer: tf.layers.Layer, input: tf.Tensor, training: boolean): tf.Tensor {
  return layer.apply(input, { training }) as tf.Tensor;
}

test("Dropout, SpatialDropout1D: identity without training; with training, rate-sized drops and 1/(1-rate) scaling", () => {
  const input = tf.add(tf.randomUniform(shape, 0, 1), 1); // no zeros of its own
  const x = values(input);
  for (const [name, layer] of [
    ["Dropout", new L.Dropout(0.3)],
    ["SpatialDropout1D", new L.SpatialDropout1D(0.3)],
  ] as const) {
    assert.deepEqual(Array.from(values(run(layer, input, false))), Array.from(x), `${name} at inference is the identity`);
    const output = run(layer, input, true);
    assert.deepEqual(output.shape, shape);
    const y = values(output);
    let dropped = 0;
    for (let index = 0; index < size; index++) {
      if (y[index] === 0) dropped++;
      else assert.ok(Math.abs(y[index]! - x[index]! / 0.7) < 1e-5, `${name} keeps values scaled by 1/(1-rate)`);
    }
    assert.ok(Math.abs(dropped / size - 0.3) < 0.05, `${name} dropped ${dropped / size} of the values; the rate is 0.3`);
    if (name === "SpatialDropout1D") {
      // Whole channels of a sample go together: every step agrees on which channels are dropped.
      const reshaped = y;
      for (let sample = 0; sample < shape[0]!; sample++)
        for (let channel = 0; channel < shape[2]!; channel++) {
          const first = reshaped[sample * shape[1]! * shape[2]! + channel] === 0;
          for (let step = 1; step < shape[1]!; step++) assert.equal(reshaped[(sample * shape[1]! + step) * shape[2]! + channel] === 0, first);
        }
    }
  }
});

test("GaussianNoise, GaussianDropout: identity without training; with training, the noise Keras defines", () => {
  const input = tf.add(tf.randomUniform(shape, 0, 1), 1);
  const x = values(input);
  const noise = new L.GaussianNoise(0.2);
  assert.deepEqual(Array.from(values(run(noise, input, false))), Array.from(x));
  const noisy = values(run(noise, input, true));
  // y = x + N(0, 0.2²)
  let sum = 0;
  let squares = 0;
  for (let index = 0; index < size; index++) {
    const difference = noisy[index]! - x[index]!;
    sum += difference;
    squares += difference * difference;
  }
  assert.ok(Math.abs(sum / size) < 0.01, `GaussianNoise mean shift ${sum / size}`);
  assert.ok(Math.abs(Math.sqrt(squares / size) - 0.2) < 0.01, `GaussianNoise std ${Math.sqrt(squares / size)}, expected 0.2`);

  const dropout = new L.GaussianDropout(0.5);
  assert.deepEqual(Array.from(values(run(dropout, input, false))), Array.from(x));
  const scaled = values(run(dropout, input, true));
  // y = x · N(1, rate/(1-rate)) — here a standard deviation of 1.
  let ratioSum = 0;
  let ratioSquares = 0;
  for (let index = 0; index < size; index++) {
    const ratio = scaled[index]! / x[index]!;
    ratioSum += ratio;
    ratioSquares += ratio * ratio;
  }
  const mean = ratioSum / size;
  assert.ok(Math.abs(mean - 1) < 0.03, `GaussianDropout mean factor ${mean}`);
  assert.ok(Math.abs(Math.sqrt(ratioSquares / size - mean * mean) - 1) < 0.03, "GaussianDropout factor std should be sqrt(rate/(1-rate)) = 1");
});

test("AlphaDropout: identity without training; with training, self-normalizing inputs keep mean 0 and variance 1", () => {
  const input = tf.randomNormal(shape);
  const x = values(input);
  const layer = new L.AlphaDropout(0.2);
  assert.deepEqual(Array.from(values(run(layer, input, false))), Array.from(x));
  const output = run(layer, input, true);
  assert.deepEqual(output.shape, shape);
  const { mean, variance } = tf.moments(output);
  assert.ok(Math.abs(mean.dataSync()[0]!) < 0.05, `AlphaDropout mean ${mean.dataSync()[0]}`);
  assert.ok(Math.abs(variance.dataSync()[0]! - 1) < 0.1, `AlphaDropout variance ${variance.dataSync()[0]}`);
});
