import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import * as keras from "../../lib/keras/index.js";
import * as tf from "../../lib/api/tf.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listVariables } from "../../lib/formats/checkpoint/index.js";

// Doc "Making new layers and models via subclassing", section by section.
class Linear extends keras.layers.Layer {
  w: tf.Variable;
  b: tf.Variable;
  constructor(units = 32, inputDim = 32) {
    super();
    this.w = this.addWeight({ shape: [inputDim, units], initializer: "random_normal", trainable: true });
    this.b = this.addWeight({ shape: [units], initializer: "zeros", trainable: true });
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.add(tfc.matMul(inputs as tfc.Tensor2D, this.w as tfc.Tensor2D), this.b);
  }
}

class ComputeSum extends keras.layers.Layer {
  total: tf.Variable;
  constructor(inputDim: number) {
    super();
    this.total = new tf.Variable(tfc.zeros([inputDim]), { trainable: false });
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    this.total.assignAdd(tfc.sum(inputs, 0));
    return this.total;
  }
}

/** The lazy Linear: weights made in build(inputShape), with get_config. */
class LazyLinear extends keras.layers.Layer {
  readonly units: number;
  w?: tf.Variable;
  b?: tf.Variable;
  constructor({ units = 32, ...options }: { units?: number } & keras.layers.LayerArgs = {}) {
    super(options);
    this.units = units;
  }
  override build(inputShape: tfl.Shape): void {
    this.w = this.addWeight({ shape: [inputShape.at(-1)!, this.units], initializer: "random_normal", trainable: true });
    this.b = this.addWeight({ shape: [this.units], initializer: "random_normal", trainable: true });
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.add(tfc.matMul(inputs as tfc.Tensor2D, this.w as tfc.Tensor2D), this.b!);
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

class MLPBlock extends keras.layers.Layer {
  linear1 = new LazyLinear({ units: 32 });
  linear2 = new LazyLinear({ units: 32 });
  linear3 = new LazyLinear({ units: 1 });
  override call(inputs: tfc.Tensor): tfc.Tensor {
    let x = tfc.relu(this.linear1.apply(inputs));
    x = tfc.relu(this.linear2.apply(x));
    return this.linear3.apply(x);
  }
}

// Doc "Save, serialize, and export models": nested trainable changes weight order.
class NestedDenseLayer extends keras.layers.Layer {
  dense1: keras.layers.Dense;
  dense2: keras.layers.Dense;
  constructor(units: number, name?: string) {
    super({ name });
    this.dense1 = new keras.layers.Dense(units, { name: "dense_1" });
    this.dense2 = new keras.layers.Dense(units, { name: "dense_2" });
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return this.dense2.apply(this.dense1.apply(inputs));
  }
}

describe("keras.layers.Layer: custom layers as the docs write them", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("Linear: weights from addWeight are tf.Variables usable in call; weights == [w, b]", () => {
    const x = tfc.ones([2, 2]);
    const layer = new Linear(4, 2);
    const y = layer.apply(x);
    assert.deepEqual(y.shape, [2, 4]);
    assert.deepEqual(layer.weights, [layer.w, layer.b]);
    // Independent computation: ones(2,2) @ w + 0 is the column sums of w in each row.
    const w = layer.w.arraySync() as number[][];
    const columnSums = [0, 1, 2, 3].map((column) => w[0]![column]! + w[1]![column]!);
    (y.arraySync() as number[][]).forEach((row) => row.forEach((value, index) => assert.ok(Math.abs(value - columnSums[index]!) < 1e-6)));
    assert.equal(layer.name.startsWith("linear"), true);
  });

  it("ComputeSum: a non-trainable tf.Variable property is a non-trainable weight; [2, 2] then [4, 4]", () => {
    const sum = new ComputeSum(2);
    const x = tfc.ones([2, 2]);
    assert.deepEqual(sum.apply(x).arraySync(), [2, 2]);
    assert.deepEqual(sum.apply(x).arraySync(), [4, 4]);
    assert.equal(sum.weights.length, 1);
    assert.equal(sum.nonTrainableWeights.length, 1);
    assert.deepEqual(sum.trainableWeights, []);
  });

  it("lazy build: weights appear at the first call, sized from the input; names under the layer's scope", () => {
    const layer = new LazyLinear({ units: 32, name: "flexible" });
    assert.equal(layer.weights.length, 0);
    layer.apply(tfc.ones([2, 2]));
    assert.deepEqual(
      layer.weights.map((weight) => weight.shape),
      [[2, 32], [32]],
    );
    assert.deepEqual(
      layer.weights.map((weight) => weight.name.replace(/_\d+:0$/, ":0")),
      ["flexible/Variable:0", "flexible/Variable:0"],
    );
  });

  it("MLPBlock: nested layers tracked from properties (6 weights, 6 trainable)", () => {
    const mlp = new MLPBlock();
    const y = mlp.apply(tfc.ones([3, 64]));
    assert.deepEqual(y.shape, [3, 1]);
    assert.equal(mlp.weights.length, 6);
    assert.equal(mlp.trainableWeights.length, 6);
    mlp.trainable = false;
    assert.equal(mlp.trainableWeights.length, 0);
    assert.equal(mlp.nonTrainableWeights.length, 6);
    assert.equal(mlp.linear2.trainable, false);
  });

  it("getConfig/fromConfig: { name, trainable, dtype, units } and a new layer from it", () => {
    const layer = new LazyLinear({ units: 64 });
    const config = layer.getConfig();
    assert.deepEqual(Object.keys(config), ["name", "trainable", "dtype", "units"]);
    assert.equal(config["units"], 64);
    assert.equal(config["trainable"], true);
    assert.equal(config["dtype"], "float32");
    const copy = LazyLinear.fromConfig(config);
    assert.ok(copy instanceof LazyLinear);
    assert.equal(copy.units, 64);
    assert.equal(copy.name, layer.name);
  });

  it("a subclass may declare Keras's one-argument static fromConfig(config); loading calls it", () => {
    // Positional constructor arguments need their own fromConfig, as in Keras; this must also type-check.
    let calls = 0;
    class Scaled extends keras.layers.Layer {
      constructor(
        readonly factor: number,
        options: keras.layers.LayerArgs = {},
      ) {
        super(options);
      }
      override call(inputs: tfc.Tensor): tfc.Tensor {
        return tfc.mul(inputs, this.factor);
      }
      override getConfig(): tfc.serialization.ConfigDict {
        return { ...super.getConfig(), factor: this.factor };
      }
      static override fromConfig(config: { factor: number; name?: string }): Scaled {
        calls += 1;
        return new Scaled(config.factor, { name: config.name });
      }
    }
    const input = keras.Input({ shape: [2] });
    const model = new keras.Model(input, new Scaled(3).apply(input) as tfl.SymbolicTensor);
    const copy = keras.models.modelFromJSON(model.toJSON(), { Scaled });
    assert.equal(calls, 1);
    const layer = copy.layers.find((candidate) => candidate instanceof Scaled) as Scaled | undefined;
    assert.equal(layer?.factor, 3);
    assert.deepEqual(Array.from((copy.predict(tfc.tensor2d([[1, -2]])) as tfc.Tensor).dataSync()), [3, -6]);
  });

  it("works in Sequential and functional models (output shape found by running call), with fit", async () => {
    const inputs = keras.Input({ shape: [3] });
    const hidden: tfl.SymbolicTensor = new LazyLinear({ units: 4 }).apply(inputs);
    const outputs = new keras.layers.Dense(1).apply(hidden);
    const model = new keras.Model(inputs, outputs);
    assert.deepEqual(hidden.shape, [null, 4]);
    assert.equal(model.countParams(), 3 * 4 + 4 + 4 + 1);
    const sequential = new keras.Sequential([keras.Input({ shape: [3] }), new MLPBlock()]);
    sequential.compile({ optimizer: "sgd", loss: "mse" });
    const x = tfc.randomUniform([16, 3], 0, 1, "float32", 1);
    const before = sequential.getWeights().map((weight) => weight.arraySync());
    await sequential.fit(x, tfc.ones([16, 1]), { epochs: 1, verbose: 0 });
    const after = sequential.getWeights().map((weight) => weight.arraySync());
    assert.equal(after.length, 6);
    assert.notDeepEqual(after, before);
  });

  it("nested trainable: flipping dense_1.trainable moves its weights after dense_2's (docs' printed order)", () => {
    const nestedModel = new keras.Sequential([keras.Input({ shape: [784] }), new NestedDenseLayer(10, "nested")]);
    const names = () => nestedModel.weights.map((weight) => `${weight.originalName}:0`);
    const before = names();
    // The docs print these names before and after the flip.
    assert.deepEqual(before, ["nested/dense_1/kernel:0", "nested/dense_1/bias:0", "nested/dense_2/kernel:0", "nested/dense_2/bias:0"]);
    (nestedModel.getLayer("nested") as NestedDenseLayer).dense1.trainable = false;
    const after = names();
    assert.deepEqual(after, ["nested/dense_2/kernel:0", "nested/dense_2/bias:0", "nested/dense_1/kernel:0", "nested/dense_1/bias:0"]);
    assert.notDeepEqual(before, after);
  });

  it("in a Sequential checkpoint, a custom layer's nested weights are under its attribute names", async () => {
    const model = new keras.Sequential([keras.Input({ shape: [4] }), new NestedDenseLayer(2, "nested_ckpt")]);
    const prefix = join(mkdtempSync(join(tmpdir(), "tskeras-custom-")), "ckpt");
    await model.saveWeights(prefix);
    // tf.keras: the model's edge layer_with_weights-0 (functional tracking), then the layer's attributes.
    assert.deepEqual(
      listVariables(prefix).map(([key]) => key),
      [
        "_CHECKPOINTABLE_OBJECT_GRAPH",
        "layer_with_weights-0/dense1/bias/.ATTRIBUTES/VARIABLE_VALUE",
        "layer_with_weights-0/dense1/kernel/.ATTRIBUTES/VARIABLE_VALUE",
        "layer_with_weights-0/dense2/bias/.ATTRIBUTES/VARIABLE_VALUE",
        "layer_with_weights-0/dense2/kernel/.ATTRIBUTES/VARIABLE_VALUE",
      ],
    );
    const copy = new keras.Sequential([keras.Input({ shape: [4] }), new NestedDenseLayer(2, "nested_copy")]);
    (await copy.loadWeights(prefix))!.assertConsumed();
    assert.deepEqual(
      copy.getWeights().map((weight) => weight.arraySync()),
      model.getWeights().map((weight) => weight.arraySync()),
    );
  });
});
