// keras.utils.setRandomSeed: unseeded tfjs random ops and initializers repeat after re-seeding.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as keras from "../../lib/keras/index.js";
import * as tf from "../../lib/api/tf.js";

const unseeded = Math.random;

describe("keras.utils.setRandomSeed", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });
  after(() => {
    Math.random = unseeded;
  });

  it("the same seed gives the same tf.randomNormal values and the same Dense kernel; another seed does not", () => {
    const draw = (seed: number) => {
      keras.utils.setRandomSeed(seed);
      const normal = tfc.randomNormal([6]).arraySync() as number[];
      const dense = new keras.layers.Dense(4);
      dense.apply(tfc.zeros([1, 5]));
      return { normal, kernel: dense.getWeights()[0]!.arraySync() as number[][] };
    };
    const first = draw(42);
    const again = draw(42);
    const other = draw(7);
    assert.deepEqual(again.normal, first.normal);
    assert.deepEqual(again.kernel, first.kernel);
    assert.notDeepEqual(other.normal, first.normal);
    assert.notDeepEqual(other.kernel, first.kernel);
    // Still random-looking: not one value repeated.
    assert.ok(new Set(first.normal).size === first.normal.length);
  });

  it("Math.random stays in [0, 1) and ops given their own seed ignore the global one", () => {
    keras.utils.setRandomSeed(3);
    const values = Array.from({ length: 1000 }, () => Math.random());
    assert.ok(values.every((value) => value >= 0 && value < 1));
    const withSeed = tfc.randomNormal([4], 0, 1, "float32", 11).arraySync();
    keras.utils.setRandomSeed(99);
    assert.deepEqual(tfc.randomNormal([4], 0, 1, "float32", 11).arraySync(), withSeed);
  });

  it("re-seeding does not make two tf.train.Checkpoints' counters collide", () => {
    keras.utils.setRandomSeed(5);
    const first = new tf.train.Checkpoint({});
    keras.utils.setRandomSeed(5);
    const second = new tf.train.Checkpoint({});
    assert.notEqual(second.saveCounter.name, first.saveCounter.name);
  });

  it("rejects seeds that are not non-negative integers, saying what to pass", () => {
    assert.throws(() => keras.utils.setRandomSeed(1.5), /non-negative integer seed, got 1\.5/);
    assert.throws(() => keras.utils.setRandomSeed(-1), /non-negative integer seed/);
  });
});
