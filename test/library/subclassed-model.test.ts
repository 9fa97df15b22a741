import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import "@tensorflow/tfjs-backend-cpu";
import * as keras from "../../lib/keras/index.js";
import * as tf from "../../lib/api/tf.js";
import { listVariables } from "../../lib/formats/checkpoint/index.js";

const folder = () => mkdtempSync(join(tmpdir(), "tskeras-subclassed-"));

// Doc "Introduction to modules", Keras section: FlexibleDense and MySequentialModel.
class FlexibleDense extends keras.layers.Layer {
  w?: tf.Variable;
  b?: tf.Variable;
  constructor(
    readonly outFeatures: number,
    options: keras.layers.LayerArgs = {},
  ) {
    super(options);
  }
  override build(inputShape: (number | null)[]): void {
    this.w = new tf.Variable(tfc.randomNormal([inputShape.at(-1)!, this.outFeatures]), { name: "w" });
    this.b = new tf.Variable(tfc.zeros([this.outFeatures]), { name: "b" });
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.add(tfc.matMul(inputs as tfc.Tensor2D, this.w as tfc.Tensor2D), this.b!);
  }
}

class MySequentialModel extends keras.Model {
  dense_1 = new FlexibleDense(3);
  dense_2 = new FlexibleDense(2);
  override call(x: tfc.Tensor): tfc.Tensor {
    return this.dense_2.apply(this.dense_1.apply(x));
  }
}

// Doc "Save, serialize, and export models": weight transfer functional → subclassed.
class SubclassedModel extends keras.Model {
  dense_1 = new keras.layers.Dense(64, { activation: "relu", name: "dense_1" });
  dense_2 = new keras.layers.Dense(64, { activation: "relu", name: "dense_2" });
  dense_3: keras.layers.Dense;
  constructor(
    readonly outputDim: number,
    options: keras.ModelOptions = {},
  ) {
    super(options);
    this.dense_3 = new keras.layers.Dense(outputDim, { name: "predictions" });
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return this.dense_3.apply(this.dense_2.apply(this.dense_1.apply(inputs)));
  }
}

function functionalMlp(withDropout: boolean): keras.Model {
  const inputs = keras.Input({ shape: [784], name: "digits" });
  let x = new keras.layers.Dense(64, { activation: "relu", name: "dense_1" }).apply(inputs);
  x = new keras.layers.Dense(64, { activation: "relu", name: "dense_2" }).apply(x);
  if (withDropout) x = new keras.layers.Dropout(0.5).apply(x);
  const outputs = new keras.layers.Dense(10, { name: "predictions" }).apply(x);
  return new keras.Model(inputs, outputs, { name: "3_layer_mlp" });
}

// Doc "Save, serialize, and export models", transfer learning: ContrivedModel.
class ContrivedModel extends keras.Model {
  firstDense = new keras.layers.Dense(64);
  kernel = this.addVariable("kernel", [64, 10]);
  bias = this.addVariable("bias", [10]);
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.add(tfc.matMul(this.firstDense.apply(inputs) as tfc.Tensor2D, this.kernel as tfc.Tensor2D), this.bias);
  }
}

describe("subclassed keras.Model", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("MySequentialModel: built on first call; variables, layers and submodules from properties", () => {
    const model = new MySequentialModel({ name: "the_model" });
    assert.equal(model.weights.length, 0);
    const output = model.apply(tfc.tensor([[2, 2, 2]]));
    assert.deepEqual(output.shape, [1, 2]);
    assert.deepEqual(model.layers, [model.dense_1, model.dense_2]);
    assert.deepEqual(
      model.weights.map((weight) => weight.shape),
      [[3, 3], [3], [3, 2], [2]],
    );
    assert.deepEqual(
      model.weights.map((weight) => weight.name.replace(/_\d+:0$/, ":0")),
      ["the_model/flexible_dense/w:0", "the_model/flexible_dense/b:0", "the_model/flexible_dense_1/w:0", "the_model/flexible_dense_1/b:0"].map((name) =>
        name.replace(/flexible_dense(_1)?/, (match) => (match === "flexible_dense" ? model.dense_1.name : model.dense_2.name)),
      ),
    );
    // Independent forward pass with the weights read back.
    const [w1, b1, w2, b2] = model.getWeights().map((weight) => weight.arraySync()) as [number[][], number[], number[][], number[]];
    const hidden = [0, 1, 2].map((j) => 2 * (w1[0]![j]! + w1[1]![j]! + w1[2]![j]!) + b1[j]!);
    const expected = [0, 1].map((k) => hidden.reduce((sum, value, j) => sum + value * w2[j]![k]!, 0) + b2[k]!);
    (output.arraySync() as number[][])[0]!.forEach((value, index) => assert.ok(Math.abs(value - expected[index]!) < 1e-4));
  });

  it("variables, submodules (recursive, tf.Module's order) and Keras's repr", () => {
    const model = new MySequentialModel({ name: "the_model" });
    assert.equal(inspect(model), "<MySequentialModel name=the_model, built=False>");
    model.apply(tfc.tensor([[2, 2, 2]]));
    assert.deepEqual(model.variables, model.weights);
    assert.equal(model.variables.length, 4);
    assert.deepEqual(model.submodules, [model.dense_1, model.dense_2]);
    assert.equal(
      inspect(model.submodules),
      `[\n  <FlexibleDense name=${model.dense_1.name}, built=True>,\n  <FlexibleDense name=${model.dense_2.name}, built=True>\n]`,
    );
    // A custom layer holding layers: its own layers first, then theirs.
    class Block extends keras.layers.Layer {
      inner = new MySequentialModel();
      head = new keras.layers.Dense(1);
    }
    const block = new Block();
    assert.deepEqual(block.submodules, [block.inner, block.head, block.inner.dense_1, block.inner.dense_2]);
    // A functional model's submodules are its layers, the input layer included.
    const inputs = keras.Input({ shape: [3] });
    const dense = new keras.layers.Dense(2);
    const functional = new keras.Model(inputs, dense.apply(inputs) as tfl.SymbolicTensor);
    assert.deepEqual(
      functional.submodules.map((layer) => layer.getClassName()),
      ["InputLayer", "Dense"],
    );
    assert.equal(functional.submodules[1], dense);
  });

  it("saved to .keras and loaded back (built from build_config before its weights are set): same predictions", async () => {
    class SavableSequentialModel extends MySequentialModel {
      override getConfig(): tfc.serialization.ConfigDict {
        return { name: this.name };
      }
    }
    const model = new SavableSequentialModel({ name: "the_model" });
    const input = tfc.tensor([
      [2, 2, 2],
      [1, -1, 0.5],
    ]);
    const expected = model.apply(input).arraySync();
    const path = join(folder(), "exname_of_file.keras");
    await model.save(path);
    const loaded = await keras.models.loadModel(path, { customObjects: { SavableSequentialModel } });
    assert.ok(loaded instanceof SavableSequentialModel);
    assert.equal(loaded.name, "the_model");
    assert.deepEqual((loaded.apply(input) as tfc.Tensor).arraySync(), expected);
  });

  it("compile before the first call, then fit/evaluate/predict train it end to end", async () => {
    const model = new SubclassedModel(1);
    model.compile({ optimizer: "adam", loss: "mse" });
    // y = sum of the first two features: learnable by the MLP.
    const x = tfc.randomUniform([64, 784], 0, 1, "float32", 7);
    const y = tfc.sum(tfc.slice(x, [0, 0], [64, 2]), 1, true);
    const [first] = await model.evaluate(x, y, { verbose: 0 });
    const history = await model.fit(x, y, { epochs: 15, batchSize: 16, verbose: 0 });
    const [last] = await model.evaluate(x, y, { verbose: 0 });
    assert.equal(history.history["loss"]!.length, 15);
    assert.ok(last! < first! / 4, `loss went from ${first} to ${last}`);
    assert.deepEqual((model.predict(x) as tfc.Tensor).shape, [64, 1]);
    assert.equal(model.trainableWeights.length, 6);
  });

  it("weights transfer functional → subclassed with setWeights(getWeights()), and across a Dropout", () => {
    const functional = functionalMlp(false);
    const subclassed = new SubclassedModel(10);
    subclassed.apply(tfc.ones([1, 784]));
    subclassed.setWeights(functional.getWeights());
    assert.equal(functional.weights.length, subclassed.weights.length);
    functional.weights.forEach((weight, index) => assert.deepEqual(subclassed.weights[index]!.read().arraySync(), weight.read().arraySync()));
    const withDropout = functionalMlp(true);
    withDropout.setWeights(functional.getWeights());
    const x = tfc.randomUniform([2, 784], 0, 1, "float32", 3);
    // Dropout is the identity at inference: the two models now compute the same function.
    assert.deepEqual((withDropout.predict(x) as tfc.Tensor).arraySync(), (functional.predict(x) as tfc.Tensor).arraySync());
  });

  it("saveWeights names variables by attribute (dense_1/kernel/.ATTRIBUTES/VARIABLE_VALUE) and a fresh process restores them", async () => {
    const model = new SubclassedModel(10);
    model.compile({ optimizer: "adam", loss: "mse" });
    const x = tfc.randomUniform([8, 784], 0, 1, "float32", 5);
    await model.fit(x, tfc.zeros([8, 10]), { epochs: 1, verbose: 0 });
    const prefix = join(folder(), "ckpt");
    await model.saveWeights(prefix);
    const keys = listVariables(prefix).map(([key]) => key);
    for (const attribute of ["dense_1", "dense_2", "dense_3"]) {
      for (const weight of ["kernel", "bias"]) {
        assert.ok(keys.includes(`${attribute}/${weight}/.ATTRIBUTES/VARIABLE_VALUE`), `${attribute}/${weight} in ${keys.join(", ")}`);
        assert.ok(
          keys.includes(`${attribute}/${weight}/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE`),
          `slot of ${attribute}/${weight} in ${keys.join(", ")}`,
        );
      }
    }
    assert.ok(keys.includes("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"));
    assert.ok(!keys.some((key) => key.startsWith("layer_with_weights") || key.startsWith("layer-")));
    const expected = (model.predict(x) as tfc.Tensor).arraySync() as number[][];
    const inputFile = join(folder(), "x.json");
    writeFileSync(inputFile, JSON.stringify(x.arraySync()));
    // A fresh process: a new model restored from the checkpoint predicts the same values.
    const here = dirname(fileURLToPath(import.meta.url));
    const script = `
      import * as tfc from "@tensorflow/tfjs-core"; import "@tensorflow/tfjs-backend-cpu";
      import { readFileSync } from "node:fs";
      import * as keras from ${JSON.stringify(join(here, "..", "..", "lib", "keras", "index.js"))};
      await tfc.setBackend("cpu");
      class SubclassedModel extends keras.Model {
        constructor(outputDim) { super(); this.dense_1 = new keras.layers.Dense(64, { activation: "relu" }); this.dense_2 = new keras.layers.Dense(64, { activation: "relu" }); this.dense_3 = new keras.layers.Dense(outputDim); }
        call(inputs) { return this.dense_3.apply(this.dense_2.apply(this.dense_1.apply(inputs))); }
      }
      const model = new SubclassedModel(10);
      const x = tfc.tensor(JSON.parse(readFileSync(${JSON.stringify(inputFile)}, "utf8")));
      model.apply(x);
      const status = await model.loadWeights(${JSON.stringify(prefix)});
      status.expectPartial();
      console.log(JSON.stringify({ unused: status.unusedKeys.filter((key) => !key.includes("optimizer")), output: model.predict(x).arraySync() }));
    `;
    const scriptFile = join(here, `fresh-${process.pid}.mjs`);
    writeFileSync(scriptFile, script);
    let printed: string;
    try {
      printed = execFileSync(process.execPath, [scriptFile], { encoding: "utf8", cwd: join(here, "..", "..") });
    } finally {
      rmSync(scriptFile, { force: true });
    }
    const result = JSON.parse(printed.trim().split("\n").pop()!) as { unused: string[]; output: number[][] };
    assert.deepEqual(result.unused, []);
    result.output.forEach((row, i) => row.forEach((value, j) => assert.ok(Math.abs(value - expected[i]![j]!) < 1e-5)));
  });

  it("ContrivedModel: tf.train.Checkpoint(dense, kernel, bias) from a functional model restores with assertConsumed", async () => {
    const functional = functionalMlp(false);
    const firstDense = functional.layers[1]!;
    const lastDense = functional.layers.at(-1)! as keras.layers.Dense;
    const [lastKernel, lastBias] = lastDense.weights;
    const path = await new tf.train.Checkpoint({ dense: firstDense, kernel: lastKernel, bias: lastBias }).save(join(folder(), "ckpt"));
    const model = new ContrivedModel();
    model.apply(tfc.ones([1, 784]));
    (await new tf.train.Checkpoint({ dense: model.firstDense, kernel: model.kernel, bias: model.bias }).restore(path)).assertConsumed();
    assert.deepEqual(model.kernel.arraySync(), lastKernel!.read().arraySync());
    assert.deepEqual(model.bias.arraySync(), lastBias!.read().arraySync());
    assert.deepEqual(model.firstDense.getWeights()[0]!.arraySync(), firstDense.getWeights()[0]!.arraySync());
    // The model's own checkpoint names its weights by attribute, like Keras.
    const own = join(folder(), "contrived");
    await model.saveWeights(own);
    assert.deepEqual(
      listVariables(own)
        .map(([key]) => key)
        .filter((key) => key !== "_CHECKPOINTABLE_OBJECT_GRAPH")
        .sort(),
      [
        "bias/.ATTRIBUTES/VARIABLE_VALUE",
        "firstDense/bias/.ATTRIBUTES/VARIABLE_VALUE",
        "firstDense/kernel/.ATTRIBUTES/VARIABLE_VALUE",
        "kernel/.ATTRIBUTES/VARIABLE_VALUE",
      ],
    );
  });

  it("tf.train.Checkpoint(layer=CustomLayer) gives layer/var/.ATTRIBUTES/VARIABLE_VALUE (int32), as the saving guide shows", async () => {
    class CustomLayer extends keras.layers.Layer {
      var: tf.Variable;
      constructor(a: number) {
        super();
        this.var = new tf.Variable(a, { name: "var_a", dtype: "int32" });
      }
    }
    const layer = new CustomLayer(5);
    const path = await new tf.train.Checkpoint({ layer }).save(join(folder(), "custom_layer"));
    const dtypes = tf.train.loadCheckpoint(path).getVariableToDtypeMap();
    assert.deepEqual(dtypes, {
      "save_counter/.ATTRIBUTES/VARIABLE_VALUE": "int64",
      _CHECKPOINTABLE_OBJECT_GRAPH: "string",
      "layer/var/.ATTRIBUTES/VARIABLE_VALUE": "int32",
    });
  });

  it("summary lists the tracked layers with 'multiple' shapes and the parameter total", () => {
    const model = new MySequentialModel({ name: "my_sequential_model" });
    model.apply(tfc.tensor([[2, 2, 2]]));
    const data = model.summaryData();
    assert.match(data.text, /Model: "my_sequential_model"/);
    assert.match(data.text, /multiple/);
    assert.match(data.text, /Total params: 20/);
    // Keras 2 prints subclassed models in the 65-column Sequential layout, without "Connected to".
    assert.doesNotMatch(data.text, /Connected to/);
    assert.equal(data.text.split("\n")[1], "_".repeat(65));
  });
});
