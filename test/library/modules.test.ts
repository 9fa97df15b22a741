import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "../../lib/api/tf.js";
import { listVariables } from "../../lib/formats/checkpoint/index.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const realFixtures = realFixturesDirectory;
const folder = () => mkdtempSync(join(tmpdir(), "tskeras-modules-"));

// Doc "Introduction to modules", section by section.
class SimpleModule extends tf.Module {
  aVariable = new tf.Variable(5.0, { name: "train_me" });
  nonTrainableVariable = new tf.Variable(5.0, { trainable: false, name: "do_not_train_me" });
  call(x: tfc.Tensor): tfc.Tensor {
    return tfc.add(tfc.mul(this.aVariable, x), this.nonTrainableVariable);
  }
}

class Dense extends tf.Module {
  w: tf.Variable;
  b: tf.Variable;
  constructor(inFeatures: number, outFeatures: number, options: tf.ModuleOptions = {}) {
    super(options);
    this.w = new tf.Variable(tfc.randomNormal([inFeatures, outFeatures]), { name: "w" });
    this.b = new tf.Variable(tfc.zeros([outFeatures]), { name: "b" });
  }
  call(x: tfc.Tensor): tfc.Tensor {
    return tfc.relu(tfc.add(tfc.matMul(x as tfc.Tensor2D, this.w as tfc.Tensor2D), this.b));
  }
}

class SequentialModule extends tf.Module {
  dense1 = new Dense(3, 3);
  dense2 = new Dense(3, 2);
  call(x: tfc.Tensor): tfc.Tensor {
    return this.dense2.call(this.dense1.call(x));
  }
}

class FlexibleDenseModule extends tf.Module {
  isBuilt = false;
  w?: tf.Variable;
  b?: tf.Variable;
  constructor(
    readonly outFeatures: number,
    options: tf.ModuleOptions = {},
  ) {
    super(options);
  }
  call(x: tfc.Tensor): tfc.Tensor {
    if (!this.isBuilt) {
      this.w = new tf.Variable(tfc.randomNormal([x.shape.at(-1)!, this.outFeatures]), { name: "w" });
      this.b = new tf.Variable(tfc.zeros([this.outFeatures]), { name: "b" });
      this.isBuilt = true;
    }
    return tfc.relu(tfc.add(tfc.matMul(x as tfc.Tensor2D, this.w as tfc.Tensor2D), this.b!));
  }
}

class MySequentialModule extends tf.Module {
  dense_1 = new FlexibleDenseModule(3);
  dense_2 = new FlexibleDenseModule(2);
  call(x: tfc.Tensor): tfc.Tensor {
    return this.dense_2.call(this.dense_1.call(x));
  }
}

describe("tf.Variable with TensorFlow semantics", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("assign/assignAdd/assignSub take plain values and return the variable; names read name:0", () => {
    const v = new tf.Variable([1, 2], { name: "counter" });
    assert.equal(v.name, "counter:0");
    assert.equal(v.assignAdd([1, 1]), v);
    assert.deepEqual(v.numpy(), [2, 3]);
    assert.deepEqual(v.assignSub([2, 2]).numpy(), [0, 1]);
    assert.deepEqual(v.assign([7, 8]).numpy(), [7, 8]);
    // TensorFlow allows two variables with one name; the engine's registry does not, so the second is uniquified.
    const again = new tf.Variable(0, { name: "counter" });
    assert.equal(again.name, "counter_1:0");
    assert.throws(() => v.assign([1, 2, 3]), /shape/);
  });

  it("is a tfjs-core Variable: tfjs optimizers train it and dtype/trainable follow the options", () => {
    const v = new tf.Variable(3, { name: "x_to_minimize" });
    assert.ok(v instanceof tfc.Variable);
    assert.ok(!(tfc.variable(tfc.scalar(1)) instanceof tf.Variable));
    const optimizer = tfc.train.sgd(0.25);
    // d(x^2)/dx = 2x: one step from 3 with rate 0.25 gives 3 - 0.25*6 = 1.5.
    optimizer.minimize(() => tfc.sum(tfc.square(v)) as tfc.Scalar, false, [v]);
    assert.equal(v.numpy(), 1.5);
    const integer = new tf.Variable(5, { name: "var_a", dtype: "int32", trainable: false });
    assert.equal(integer.dtype, "int32");
    assert.equal(integer.trainable, false);
    assert.equal(String(integer), "<tf.Variable 'var_a:0' shape=() dtype=int32, numpy=5>");
  });
});

describe("tf.Module (doc: Introduction to modules)", () => {
  it("SimpleModule: call gives 30, trainable and all variables as the docs list them", () => {
    const simple = new SimpleModule({ name: "simple" });
    assert.equal(simple.name, "simple");
    assert.deepEqual(simple.call(tfc.scalar(5)).arraySync(), 30);
    assert.deepEqual(
      simple.trainableVariables.map((v) => v.name),
      ["train_me:0"],
    );
    assert.deepEqual(
      simple.variables.map((v) => v.name),
      ["train_me:0", "do_not_train_me:0"],
    );
    assert.equal(new SimpleModule().name, "simple_module");
  });

  it("SequentialModule: submodules and variables collected from properties, sorted like tf.Module (b before w)", () => {
    const model = new SequentialModule({ name: "the_model" });
    const output = model.call(tfc.tensor([[2, 2, 2]]));
    assert.deepEqual(output.shape, [1, 2]);
    assert.deepEqual(model.submodules, [model.dense1, model.dense2]);
    // Docs output: b:0 (3,), w:0 (3, 3), b:0 (2,), w:0 (3, 2).
    assert.deepEqual(
      model.variables.map((v) => [v.name.replace(/_\d+:0$/, ":0"), v.shape]),
      [
        ["b:0", [3]],
        ["w:0", [3, 3]],
        ["b:0", [2]],
        ["w:0", [3, 2]],
      ],
    );
  });

  it("modules print as <Class 'name'> in console.log and cell results, also inside lists", () => {
    const model = new SequentialModule({ name: "the_model" });
    assert.equal(inspect(model), "<SequentialModule 'the_model'>");
    assert.equal(inspect(model.submodules), "[ <Dense 'dense'>, <Dense 'dense'> ]");
  });

  it("arrays and plain objects of modules and variables are looked into", () => {
    class Holder extends tf.Module {
      layers = [new Dense(2, 2), { inner: new Dense(2, 1) }];
      scale = new tf.Variable(1, { name: "scale" });
    }
    const holder = new Holder();
    assert.equal(holder.submodules.length, 2);
    assert.equal(holder.variables.length, 5);
    assert.equal(holder.variables[0], holder.scale); // "layers" < "scale", but leaves of the module come before submodules'
  });

  it("lazy build: FlexibleDenseModule has no variables until its first call", () => {
    const model = new MySequentialModule({ name: "the_model" });
    assert.equal(model.variables.length, 0);
    model.call(tfc.tensor([[2, 2, 2]]));
    assert.deepEqual(
      model.variables.map((v) => v.shape),
      [[3], [3, 3], [2], [3, 2]],
    );
  });

  it("tf.train.Checkpoint of a module: the docs' key names, and a restore into a built twin", async () => {
    const model = new MySequentialModule({ name: "the_model" });
    const input = tfc.tensor([[2, 2, 2]]);
    const expected = model.call(input).arraySync();
    const path = join(folder(), "my_checkpoint");
    await new tf.train.Checkpoint({ model }).write(path);
    const listed = listVariables(path).filter(([key]) => key !== "save_counter/.ATTRIBUTES/VARIABLE_VALUE");
    // The docs' tf.train.list_variables output after checkpoint.write (write() makes no save_counter in TF).
    assert.deepEqual(listed, [
      ["_CHECKPOINTABLE_OBJECT_GRAPH", []],
      ["model/dense_1/b/.ATTRIBUTES/VARIABLE_VALUE", [3]],
      ["model/dense_1/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 3]],
      ["model/dense_2/b/.ATTRIBUTES/VARIABLE_VALUE", [2]],
      ["model/dense_2/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 2]],
    ]);
    const twin = new MySequentialModule();
    twin.call(input);
    // Random initial weights differ (outputs may not: relu can zero them all).
    assert.notDeepEqual(twin.dense_1.w!.arraySync(), model.dense_1.w!.arraySync());
    (await new tf.train.Checkpoint({ model: twin }).restore(path)).expectPartial();
    assert.deepEqual(twin.call(input).arraySync(), expected);
    assert.deepEqual(twin.dense_1.w!.arraySync(), model.dense_1.w!.arraySync());
  });

  it("restore before the lazy build: the variables take the checkpoint's values when created (the docs' new_model)", async () => {
    const model = new MySequentialModule({ name: "the_model" });
    const input = tfc.tensor([[2, 2, 2]]);
    const expected = model.call(input).arraySync();
    const path = join(folder(), "my_checkpoint");
    await new tf.train.Checkpoint({ model }).write(path);
    const newModel = new MySequentialModule();
    const status = await new tf.train.Checkpoint({ model: newModel }).restore(path);
    assert.equal(newModel.variables.length, 0);
    assert.ok(status.unusedKeys.includes("model/dense_1/w/.ATTRIBUTES/VARIABLE_VALUE"));
    assert.deepEqual(newModel.call(input).arraySync(), expected);
    assert.deepEqual(newModel.dense_2.w!.arraySync(), model.dense_2.w!.arraySync());
    assert.deepEqual(status.unusedKeys, []);
    status.assertConsumed();
  });

  it("a module with variables v and two restores from a real tf.Module SavedModel's variables (TF 2.0 keys)", async () => {
    const reference = JSON.parse(readFileSync(join(realFixtures, "reference", "tfjs_sm_module_with_multiple_signatures.json"), "utf8")) as {
      bundle: { variables: Array<{ key: string; first_values?: number[] }> };
    };
    class TwoVariables extends tf.Module {
      v = new tf.Variable(0, { name: "v" });
      two = new tf.Variable(0, { name: "two" });
    }
    const module = new TwoVariables();
    const prefix = join(realFixtures, "tfjs_sm_module_with_multiple_signatures", "module_with_multiple_signatures", "variables", "variables");
    // The SavedModel's root is the module itself: its children are the module's attributes.
    const status = await new tf.train.Checkpoint({ ...module }).restore(prefix);
    // Every value in the file found its variable; the file has no save_counter, and like TensorFlow
    // (which makes the counter after reading) the Checkpoint does not ask for one.
    assert.deepEqual(status.unusedKeys, []);
    assert.deepEqual(status.unmatchedObjects, []);
    const value = (key: string) => reference.bundle.variables.find((entry) => entry.key === key)!.first_values![0];
    assert.equal(module.v.numpy(), value("v/.ATTRIBUTES/VARIABLE_VALUE"));
    assert.equal(module.two.numpy(), value("two/.ATTRIBUTES/VARIABLE_VALUE"));
  });
});
