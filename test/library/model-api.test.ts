// The one Keras model API (issue #16): what loading/deserializing returns, evaluate/predict results,
// model weights as variables, loadWeights statuses for every file kind, cell results like Python's,
// and custom layers with positional constructors rebuilt from config. The types of the same lines
// are checked in test/types/models.ts.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as keras from "../../lib/keras/index.js";
import { Variable } from "../../lib/tf/variable.js";
import { savedModel } from "../../lib/api/saved-model.js";
import { tfFunction } from "../../lib/tf/function/tf-function.js";
import { Module } from "../../lib/tf/module.js";
import { TensorSpec } from "../../lib/tf/function/tensor-spec.js";
import { customObjectScope } from "../../lib/keras/saving/serialization.js";

const temp = () => mkdtempSync(join(tmpdir(), "tskeras-model-api-"));
const values = (tensor: tfc.Tensor) => Array.from(tensor.dataSync());
const maxDifference = (a: tfc.Tensor, b: tfc.Tensor) => tfc.max(tfc.abs(tfc.sub(a, b))).dataSync()[0]!;

/** The docs' custom layer, translated with a positional constructor: `__init__(self, units=32, **kwargs)`. */
class PositionalDense extends keras.layers.Layer {
  readonly units: number;
  w?: Variable;
  constructor(units = 32, options: keras.layers.LayerArgs = {}) {
    super(options);
    this.units = units;
  }
  override build(inputShape: (number | null)[]) {
    this.w = this.addWeight({ name: "w", shape: [inputShape[inputShape.length - 1]!, this.units], initializer: "random_normal" });
  }
  override call(inputs: tfc.Tensor) {
    return tfc.matMul(inputs, this.w!);
  }
  override getConfig() {
    return { ...super.getConfig(), units: this.units };
  }
}

function classifier(): keras.Sequential {
  const model = new keras.Sequential([
    new keras.layers.Dense(8, { inputShape: [4], activation: "relu" }),
    new keras.layers.Dense(3, { activation: "softmax" }),
  ]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return model;
}

describe("one Keras model API", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });
  const x = () => tfc.randomNormal([6, 4], 0, 1, "float32", 1);
  const y = () => tfc.tensor1d([0, 1, 2, 0, 1, 2]);

  it("loadModel gives keras.Sequential / keras.Model for .keras, .h5 and SavedModel, with numeric evaluate and tensor predict", async () => {
    const directory = temp();
    const model = classifier();
    const inputs = keras.Input({ shape: [4] });
    const functional = new keras.Model(inputs, new keras.layers.Dense(2).apply(inputs));
    for (const path of ["m.keras", "m.h5"]) {
      assert.equal(await model.save(join(directory, path)), undefined, "save returns nothing, like Python");
      const loaded = await keras.models.loadModel(join(directory, path));
      assert.ok(loaded instanceof keras.Sequential, path);
      const [loss, accuracy] = await loaded.evaluate(x(), y(), { verbose: 0 });
      const [expectedLoss, expectedAccuracy] = await model.evaluate(x(), y(), { verbose: 0 });
      assert.equal(typeof loss, "number");
      assert.ok(Math.abs(loss! - expectedLoss!) < 1e-6 && accuracy === expectedAccuracy, path);
      const predicted = loaded.predict(x());
      assert.ok(predicted instanceof tfc.Tensor);
      assert.ok(maxDifference(predicted, model.predict(x())) < 1e-6);
    }
    await functional.save(join(directory, "f.keras"));
    assert.ok((await keras.models.loadModel(join(directory, "f.keras"))) instanceof keras.Model);
    await functional.save(join(directory, "saved_model"));
    const fromSavedModel = await keras.models.loadModel(join(directory, "saved_model"));
    assert.ok(fromSavedModel instanceof keras.Model || fromSavedModel instanceof keras.Sequential);
    assert.ok(maxDifference(fromSavedModel.predict(x()) as tfc.Tensor, functional.predict(x())) < 1e-5);
    assert.ok(keras.models.modelFromJSON(model.toJSON()) instanceof keras.Sequential);
    assert.ok(keras.models.modelFromJSON(functional.toJSON()) instanceof keras.Model);
  });

  it("predict gives one tensor per output: a tensor for one, a list for two", () => {
    const inputs = keras.Input({ shape: [4] });
    const twoHeads = new keras.Model({ inputs, outputs: [new keras.layers.Dense(1).apply(inputs), new keras.layers.Dense(2).apply(inputs)] });
    const both = twoHeads.predict(x());
    assert.ok(Array.isArray(both) && both.length === 2);
    assert.deepEqual(
      both.map((tensor) => tensor.shape),
      [
        [6, 1],
        [6, 2],
      ],
    );
  });

  it("model weights are variables: the guide's assign loop, assignAdd/assignSub, numpy, path", () => {
    const model = classifier();
    for (const w of model.weights) w.assign(tfc.fill(w.shape, 0.5));
    assert.ok(model.getWeights().every((tensor) => values(tensor).every((value) => value === 0.5)));
    const bias = model.weights[1]!;
    assert.deepEqual(bias.shape, [8]);
    assert.equal(bias.path, "dense/bias".replace("dense", model.layers[0]!.name));
    bias.assignAdd(tfc.onesLike(bias.read())).assignSub(0.25);
    assert.deepEqual(bias.numpy(), new Array(8).fill(1.25));
    assert.ok(model.variables.length === model.weights.length);
    assert.throws(() => bias.assign(tfc.zeros([3])), /shape/i);
    // Custom layers' weights (tf.Variable) answer the same methods.
    const inputs = keras.Input({ shape: [3] });
    const custom = new keras.Model(inputs, new PositionalDense(2).apply(inputs));
    const w = custom.weights[0]!;
    w.assign(tfc.ones(w.shape));
    assert.deepEqual(w.numpy(), [
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    assert.match(w.path, /w$/);
  });

  it("loadWeights returns a status for checkpoints, .h5 and .keras: assertConsumed / expectPartial on what matched", async () => {
    const directory = temp();
    const model = classifier();
    await model.saveWeights(join(directory, "ckpt"));
    await model.saveWeights(join(directory, "w.h5"));
    await model.save(join(directory, "m.keras"));
    const fresh = classifier();
    (await fresh.loadWeights(join(directory, "ckpt"))).assertConsumed();
    (await fresh.loadWeights(join(directory, "w.h5"))).assertConsumed();
    (await fresh.loadWeights(join(directory, "m.keras"))).assertConsumed();
    assert.ok(maxDifference(fresh.predict(x()), model.predict(x())) < 1e-6);
    // By name into a model with one more layer: that layer got nothing, so only a partial load passes.
    const wider = new keras.Sequential([
      new keras.layers.Dense(8, { inputShape: [4], activation: "relu", name: model.layers[0]!.name }),
      new keras.layers.Dense(3, { name: "extra" }),
    ]);
    const status = await wider.loadWeights(join(directory, "w.h5"), { byName: true });
    assert.deepEqual(status.unmatchedObjects, ["extra"]);
    assert.deepEqual(status.unusedKeys, [model.layers[1]!.name]);
    assert.throws(() => status.assertConsumed(), /extra|Unused|Nothing/);
    status.expectPartial();
  });

  it("fit's History shows as one Keras-like line; compile and summary return nothing", async () => {
    const model = classifier();
    assert.equal(model.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] }), undefined);
    const history = await model.fit(x(), y(), { epochs: 2, verbose: 0 });
    assert.equal(inspect(history), "<keras.src.callbacks.history.History epochs=2 history=[loss, acc]>".replace("acc]", Object.keys(history.history)[1] + "]"));
    assert.equal(history.history["loss"]!.length, 2);
  });

  it("a custom layer with a positional constructor whose build reads the input shape: fromConfig, clone, save and load", async () => {
    const inputs = keras.Input({ shape: [5] });
    const model = new keras.Model(inputs, new PositionalDense(3, { name: "positional" }).apply(inputs));
    const config = model.getConfig();
    const rebuilt = customObjectScope({ PositionalDense }, () => keras.Model.fromConfig(config));
    assert.deepEqual(
      rebuilt.weights.map((w) => w.shape),
      [[5, 3]],
    );
    const layer = rebuilt.getLayer<PositionalDense>("positional");
    assert.ok(layer instanceof PositionalDense);
    assert.equal(layer.units, 3);
    assert.equal(layer.name, "positional");
    const clone = keras.models.cloneModel(model, { customObjects: { PositionalDense } });
    assert.deepEqual(
      clone.weights.map((w) => w.shape),
      [[5, 3]],
    );
    const path = join(temp(), "positional.keras");
    await model.save(path);
    const loaded = await keras.models.loadModel(path, { customObjects: { PositionalDense } });
    assert.ok(loaded.getLayer("positional") instanceof PositionalDense);
    const input = tfc.randomNormal([2, 5], 0, 1, "float32", 3);
    assert.ok(maxDifference(loaded.predict(input), model.predict(input)) < 1e-6);
  });

  it("tf.savedModel.load: loaded.call(x) is Python's loaded(x); functions listed; a clear error without call", async () => {
    class Doubler extends Module {
      scale = new Variable(2.0, { name: "scale" });
      call = tfFunction((value: tfc.Tensor) => tfc.mul(value, this.scale), { inputSignature: [new TensorSpec([null], "float32")] });
    }
    const directory = join(temp(), "doubler");
    await savedModel.save(new Doubler(), directory);
    const loaded = await savedModel.load(directory);
    assert.deepEqual(values(loaded.call(tfc.tensor1d([1, 2]))), [2, 4]);
    assert.deepEqual(Object.keys(loaded.functions), ["call"]);
    assert.deepEqual(
      loaded.variables.map((variable) => variable.path),
      ["scale"],
    );
    class NoCall extends Module {
      scale = new Variable(2.0, { name: "scale" });
      triple = tfFunction((value: tfc.Tensor) => tfc.mul(value, 3), { inputSignature: [new TensorSpec([null], "float32")] });
    }
    const other = join(temp(), "nocall");
    await savedModel.save(new NoCall(), other);
    const noCall = await savedModel.load(other);
    assert.throws(() => noCall.call(tfc.tensor1d([1])), /no call function .*its functions are triple/);
    assert.deepEqual(values(noCall.functions["triple"]!(tfc.tensor1d([1])) as tfc.Tensor), [3]);
  });
});
