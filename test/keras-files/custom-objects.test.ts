// The Keras guide's custom objects saved and loaded in a fresh `node` process: a subclassed model with
// getConfig/fromConfig (.keras; .h5 refused), and a custom layer with a custom activation function in
// Functional and Sequential models (.keras and .h5). The loading process knows the objects through
// customObjects, customObjectScope or registration, and must predict, keep compile and Adam state, and
// train on exactly like the saving process; without them it must say what is missing and how to provide it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { repositoryRoot } from "../support/kernelspec.js";
import { cappedRelu, ContrivedModel, CustomDense, CustomModel, scaledTanh } from "./custom-object-definitions.js";

const inputs = () => tf.randomNormal([12, 5], 0, 1, "float32", 7);
const labels = () => tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2], "int32");
const fitOptions = { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 } as const;
const folder = () => mkdtempSync(join(tmpdir(), "tskeras-custom-objects-"));

interface Reloaded {
  className: string;
  isInstance: boolean;
  before: number[];
  after: number[];
  loss: string;
  optimizer: string;
  learningRate: number;
  iterations: number;
}

/**
 * Runs `load` (an expression awaiting the model, with `path`, `keras` and the definitions in scope) in a
 * new process after `setup` statements; predicts, reads the compile state, trains one epoch as the parent
 * does and predicts again. A failure to load is returned as `{ error }`.
 */
function reloadInFreshProcess(path: string, load: string, setup = ""): Reloaded | { error: string } {
  const script = `
    import { keras, tf } from ${JSON.stringify(join(repositoryRoot, "dist/lib/index.js"))};
    import { CustomModel, ContrivedModel, CustomDense, scaledTanh, cappedRelu } from ${JSON.stringify(join(repositoryRoot, "dist/test/keras-files/custom-object-definitions.js"))};
    const path = ${JSON.stringify(path)};
    const x = tf.randomNormal([12, 5], 0, 1, "float32", 7);
    const y = tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2], "int32");
    ${setup}
    let model;
    try {
      model = await (${load});
    } catch (error) {
      process.stdout.write(JSON.stringify({ error: error.message }));
      process.exit(0);
    }
    const before = Array.from(model.predict(x).dataSync());
    const compiled = { loss: model.loss.name ?? model.loss, optimizer: model.optimizer.getClassName(), learningRate: model.optimizer.getConfig().learningRate, iterations: model.optimizer.iterations };
    await model.fit(x, y, ${JSON.stringify(fitOptions)});
    const after = Array.from(model.predict(x).dataSync());
    process.stdout.write(JSON.stringify({ className: model.constructor.name, isInstance: model instanceof CustomModel || model instanceof ContrivedModel, before, after, ...compiled }));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as Reloaded | { error: string };
}

function loaded(result: Reloaded | { error: string }): Reloaded {
  if ("error" in result) assert.fail(`loading failed: ${result.error}`);
  return result;
}

function failed(result: Reloaded | { error: string }): string {
  if (!("error" in result)) assert.fail("loading succeeded, but it was expected to fail");
  return result.error;
}

/** Reads a member of a `.keras` zip or an attribute of an `.h5` file with Python, independently of tskeras. */
function savedModelConfig(path: string): {
  class_name: string;
  registered_name?: string;
  build_config?: { input_shape: unknown };
  config: Record<string, unknown>;
} {
  const code = path.endsWith(".keras")
    ? "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('config.json').decode())"
    : "import sys, h5py; v = h5py.File(sys.argv[1], 'r').attrs['model_config']; print(v.decode() if isinstance(v, bytes) else v)";
  const child = spawnSync("/usr/bin/python3", ["-c", code, path], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

/** Trains `model` two epochs, saves it, then records what a reloaded copy must reproduce. */
async function trainSaveAndContinue(
  model: tf.LayersModel,
  path: string,
): Promise<{ before: number[]; after: number[]; iterations: number; learningRate: number }> {
  model.compile({ optimizer: tf.train.adam(0.01, 0.8, 0.99, 1e-6), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] } as never);
  const x = inputs();
  const y = labels();
  await model.fit(x, y, { ...fitOptions, epochs: 2 });
  await model.save(path);
  const before = Array.from((model.predict(x) as tf.Tensor).dataSync());
  const iterations = (model.optimizer as unknown as { iterations: number }).iterations;
  const learningRate = (model.optimizer.getConfig() as { learningRate: number }).learningRate;
  await model.fit(x, y, fitOptions);
  const after = Array.from((model.predict(x) as tf.Tensor).dataSync());
  return { before, after, iterations, learningRate };
}

function assertSameModel(reloaded: Reloaded, expected: { before: number[]; after: number[]; iterations: number; learningRate: number }): void {
  assert.deepEqual(reloaded.before, expected.before);
  assert.equal(reloaded.loss, "sparse_categorical_crossentropy");
  assert.equal(reloaded.optimizer, "Adam");
  assert.equal(Math.fround(reloaded.learningRate), Math.fround(expected.learningRate));
  assert.equal(reloaded.iterations, expected.iterations);
  assert.deepEqual(reloaded.after, expected.after);
  assert.notDeepEqual(reloaded.after, reloaded.before);
}

describe("a subclassed model with getConfig/fromConfig (CustomModel)", () => {
  it(".keras: written under its class name with build_config; reloaded through customObjects or customObjectScope it is a CustomModel that predicts and trains on identically", async () => {
    const path = join(folder(), "custom_model.keras");
    const model = new CustomModel([8, 4]);
    const expected = await trainSaveAndContinue(model, path);

    const config = savedModelConfig(path);
    assert.equal(config.class_name, CustomModel.name);
    assert.deepEqual(config.config["hidden_units"], model.hiddenUnits);
    // Keras 3 records the shape the model was built for, so a loader can create the weights first.
    assert.deepEqual(config.build_config, { input_shape: [null, inputs().shape[1]] });

    for (const load of [
      "keras.models.loadModel(path, { customObjects: { CustomModel } })",
      "keras.utils.customObjectScope({ CustomModel }, () => keras.models.loadModel(path))",
    ]) {
      const reloaded = loaded(reloadInFreshProcess(path, load));
      assert.ok(reloaded.isInstance, `${load} gave a ${reloaded.className}`);
      assertSameModel(reloaded, expected);
    }

    // Without the class: what is missing and the three ways to provide it.
    const message = failed(reloadInFreshProcess(path, "keras.models.loadModel(path)"));
    assert.match(message, /unknown class "CustomModel"/);
    assert.match(message, /customObjects: \{ CustomModel: MyClass \}/);
    assert.match(message, /keras\.utils\.customObjectScope\(\{ CustomModel: MyClass \}/);
    assert.match(message, /registerKerasSerializable\(\{ package: "Custom", name: "CustomModel" \}\)\(MyClass\)/);
  });

  it(".keras of a registered class: saved as package>Name, reloaded by registration alone", async () => {
    class RegisteredModel extends CustomModel {}
    keras.utils.registerKerasSerializable({ package: "MyModels", name: "CustomModel" })(RegisteredModel);
    const path = join(folder(), "registered_model.keras");
    const expected = await trainSaveAndContinue(new RegisteredModel([6]), path);
    const config = savedModelConfig(path);
    assert.equal(config.class_name, "CustomModel");
    assert.equal(config.registered_name, "MyModels>CustomModel");

    const setup = `keras.utils.registerKerasSerializable({ package: "MyModels" })(CustomModel);`;
    const reloaded = loaded(reloadInFreshProcess(path, "keras.models.loadModel(path)", setup));
    assert.ok(reloaded.isInstance);
    assertSameModel(reloaded, expected);

    const message = failed(reloadInFreshProcess(path, "keras.models.loadModel(path)"));
    assert.match(message, /unknown class "CustomModel" \(registered in Python as "MyModels>CustomModel"\)/);
    assert.match(message, /registerKerasSerializable\(\{ package: "MyModels", name: "CustomModel" \}\)/);
  });

  it(".keras of a model with its own variables (the guide's ContrivedModel): they are saved in the root vars group and restored", async () => {
    const path = join(folder(), "contrived_model.keras");
    const model = new ContrivedModel();
    const expected = await trainSaveAndContinue(model, path);
    const reloaded = loaded(reloadInFreshProcess(path, "keras.models.loadModel(path, { customObjects: { ContrivedModel } })"));
    assert.equal(reloaded.className, ContrivedModel.name);
    assertSameModel(reloaded, expected);
  });

  it(".h5 is refused before anything is written, with Keras's reason; saveWeights to .h5 still works", async () => {
    const directory = folder();
    const model = new CustomModel([8, 4]);
    const x = inputs();
    const expected = Array.from((model.predict(x) as tf.Tensor).dataSync());
    await assert.rejects(model.save(join(directory, "custom_model.h5")), (error: Error) => {
      assert.match(error.message, /HDF5 format \(\.h5\) requires a Functional or Sequential model/);
      assert.match(error.message, /subclassed models/);
      assert.match(error.message, /\.keras/);
      assert.match(error.message, /saveWeights/);
      return true;
    });
    assert.deepEqual(readdirSync(directory), []);

    const weightsPath = join(directory, "custom_model_weights.h5");
    await model.saveWeights(weightsPath);
    const copy = new CustomModel([8, 4]);
    copy.predict(x);
    assert.notDeepEqual(Array.from((copy.predict(x) as tf.Tensor).dataSync()), expected);
    await copy.loadWeights(weightsPath);
    assert.deepEqual(Array.from((copy.predict(x) as tf.Tensor).dataSync()), expected);
  });
});

/** Functional: CustomDense → Activation(scaledTanh) → Dense(4, scaledTanh) → Dense(3, softmax). */
function functionalWithCustomObjects(activation: (x: tf.Tensor) => tf.Tensor): tf.LayersModel {
  const input = keras.Input({ shape: [5] });
  let x = new CustomDense({ units: 6 }).apply(input);
  x = new keras.layers.Activation(activation).apply(x);
  x = new keras.layers.Dense(4, { activation }).apply(x);
  return new keras.Model(input, new keras.layers.Dense(3, { activation: "softmax" }).apply(x));
}

/** The same stack as a Sequential model. */
function sequentialWithCustomObjects(activation: (x: tf.Tensor) => tf.Tensor): tf.LayersModel {
  return new keras.Sequential([
    keras.Input({ shape: [5] }),
    new CustomDense({ units: 6 }),
    new keras.layers.Activation(activation),
    new keras.layers.Dense(4, { activation }),
    new keras.layers.Dense(3, { activation: "softmax" }),
  ]);
}

/** The activation entries of the saved Dense and Activation layers. */
function savedActivations(path: string): unknown[] {
  const layers = savedModelConfig(path).config["layers"] as Array<{ class_name: string; config: Record<string, unknown> }>;
  return layers
    .filter((layer) => layer.class_name === "Activation" || (layer.class_name === "Dense" && layer.config["units"] === 4))
    .map((layer) => layer.config["activation"]);
}

describe("a custom layer and a custom activation function in Functional and Sequential models", () => {
  for (const [kind, build] of [
    ["Functional", functionalWithCustomObjects],
    ["Sequential", sequentialWithCustomObjects],
  ] as const) {
    for (const suffix of [".keras", ".h5"]) {
      it(`${kind} → ${suffix}: the function is recorded by name; with customObjects the reload predicts and trains on identically`, async () => {
        const path = join(folder(), `custom_objects${suffix}`);
        const expected = await trainSaveAndContinue(build(scaledTanh), path);
        // Keras 2 writes a function's name; Keras 3 a function object whose config is the name.
        const byName =
          suffix === ".h5" ? scaledTanh.name : { module: "builtins", class_name: "function", config: scaledTanh.name, registered_name: "function" };
        assert.deepEqual(savedActivations(path), [byName, byName]);

        const reloaded = loaded(reloadInFreshProcess(path, "keras.models.loadModel(path, { customObjects: { CustomDense, scaledTanh } })"));
        assertSameModel(reloaded, expected);

        const message = failed(reloadInFreshProcess(path, "keras.models.loadModel(path, { customObjects: { CustomDense } })"));
        assert.match(message, new RegExp(`unknown activation function "${scaledTanh.name}"`));
        assert.match(message, new RegExp(`customObjects: \\{ ${scaledTanh.name}: myFunction \\}`));
        assert.match(message, new RegExp(`customObjectScope\\(\\{ ${scaledTanh.name}: myFunction \\}`));
        assert.match(message, new RegExp(`registerKerasSerializable\\(\\{ package: "Custom", name: "${scaledTanh.name}" \\}\\)\\(myFunction\\)`));
      });
    }
  }

  it("customObjectScope provides both objects; a missing custom layer is named as a class", async () => {
    const path = join(folder(), "scoped.keras");
    const expected = await trainSaveAndContinue(functionalWithCustomObjects(scaledTanh), path);
    const reloaded = loaded(reloadInFreshProcess(path, "keras.utils.customObjectScope({ CustomDense, scaledTanh }, () => keras.models.loadModel(path))"));
    assertSameModel(reloaded, expected);
    const message = failed(reloadInFreshProcess(path, "keras.models.loadModel(path, { customObjects: { scaledTanh } })"));
    assert.match(message, /unknown class "CustomDense"/);
  });

  for (const suffix of [".keras", ".h5"]) {
    it(`${suffix}: registered layer and function are saved as package>name and reloaded by registration alone`, async () => {
      class RegisteredDense extends CustomDense {}
      keras.saving.registerKerasSerializable({ package: `MyLayers${suffix.slice(1)}`, name: "CustomDense" })(RegisteredDense);
      if (keras.saving.getRegisteredObject("MyActivations>cappedRelu") === undefined)
        keras.utils.registerKerasSerializable({ package: "MyActivations" })(cappedRelu);
      const input = keras.Input({ shape: [5] });
      const hidden = new keras.layers.Dense(4, { activation: cappedRelu }).apply(new RegisteredDense({ units: 6 }).apply(input));
      const path = join(folder(), `registered${suffix}`);
      const expected = await trainSaveAndContinue(new keras.Model(input, new keras.layers.Dense(3, { activation: "softmax" }).apply(hidden)), path);
      const layers = savedModelConfig(path).config["layers"] as Array<{ class_name: string; registered_name?: string; config: Record<string, unknown> }>;
      const activation = layers.find((layer) => layer.config["units"] === 4)!.config["activation"];
      assert.deepEqual(
        activation,
        suffix === ".h5"
          ? "MyActivations>cappedRelu"
          : { module: "builtins", class_name: "function", config: "MyActivations>cappedRelu", registered_name: "function" },
      );
      if (suffix === ".keras")
        assert.equal(layers.find((layer) => layer.class_name === "CustomDense")!.registered_name, `MyLayers${suffix.slice(1)}>CustomDense`);

      const setup = `keras.utils.registerKerasSerializable({ package: "MyLayers${suffix.slice(1)}" })(CustomDense); keras.utils.registerKerasSerializable({ package: "MyActivations" })(cappedRelu);`;
      assertSameModel(loaded(reloadInFreshProcess(path, "keras.models.loadModel(path)", setup)), expected);
      const message = failed(reloadInFreshProcess(path, "keras.models.loadModel(path, { customObjects: { CustomDense } })"));
      assert.match(message, /unknown activation function "MyActivations>cappedRelu"/);
      assert.match(message, /registerKerasSerializable\(\{ package: "MyActivations", name: "cappedRelu" \}\)\(myFunction\)/);
    });
  }
});
