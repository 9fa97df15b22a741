// The docs' custom-object flows for SavedModel directories: a subclassed keras.Model and a custom
// layer (in a Sequential and in a functional model) are trained, saved with `model.save(dir)` and
// reloaded in fresh node processes, with their class registered (the class itself comes back,
// predictions identical, one more training step gives the weights the original gets) and without
// it (a revived model running the saved forward pass, for any batch size). `saveTraces: false`
// needs getConfig, and is refused before anything is written when a custom class lacks it.
// Every expected value comes from the in-memory model of this process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { repositoryRoot } from "../support/kernelspec.js";
import * as tf from "@tensorflow/tfjs-core";
import { keras } from "../../lib/index.js";
import { readSavedModelDirectory, selectMetaGraph } from "../../lib/formats/savedmodel/index.js";

tf.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

// Class sources, defined from the same text here and in the child processes that have the class.
const customModelSource = `
  class CustomModel extends keras.Model {
    constructor() {
      super();
      this.hidden = new keras.layers.Dense(32, { activation: "relu" });
      this.out = new keras.layers.Dense(1);
    }
    call(x) { return this.out.apply(this.hidden.apply(x)); }
  }`;
// With constructor arguments and getConfig; its call flattens [batch, 2, 3] inputs (a reshape that must keep the batch open).
const configurableSource = `
  class FlattenThenDense extends keras.Model {
    constructor(config = {}) {
      super({ name: config.name });
      this.units = config.units ?? 3;
      this.flatten = new keras.layers.Flatten();
      this.dense = new keras.layers.Dense(this.units, { activation: "tanh" });
    }
    call(x) { return this.dense.apply(this.flatten.apply(x)); }
    getConfig() { return { name: this.name, units: this.units }; }
  }`;
// A custom layer: weights from addWeight kept under attribute names that differ from the weight names.
const layerSource = `
  class ScaledProjection extends keras.layers.Layer {
    constructor(config = {}) { super(config); this.units = config.units ?? 4; }
    build(inputShape) {
      this.w = this.addWeight({ name: "kernel", shape: [inputShape[inputShape.length - 1], this.units], initializer: "random_normal" });
      this.gain = this.addWeight({ name: "scale", shape: [this.units], initializer: "ones" });
    }
    call(x) { return tf.mul(tf.tanh(tf.matMul(x, this.w)), this.gain); }
    getConfig() { return { ...super.getConfig(), units: this.units }; }
  }`;
const withoutConfigSource = `
  class NoConfigLayer extends keras.layers.Layer {
    build(inputShape) { this.w = this.addWeight({ name: "w", shape: [inputShape[inputShape.length - 1], 2] }); }
    call(x) { return tf.matMul(x, this.w); }
  }`;

const define = <T>(source: string, name: string): T => new Function("keras", "tf", `${source}; return ${name};`)(keras, tf) as T;
type ModelClass = new (config?: Record<string, unknown>) => InstanceType<typeof keras.Model>;
type LayerClass = new (config?: Record<string, unknown>) => InstanceType<typeof keras.layers.Layer>;
const CustomModel = define<ModelClass>(customModelSource, "CustomModel");
const FlattenThenDense = define<ModelClass>(configurableSource, "FlattenThenDense");
const ScaledProjection = define<LayerClass>(layerSource, "ScaledProjection");
const NoConfigLayer = define<LayerClass>(withoutConfigSource, "NoConfigLayer");
keras.saving.registerKerasSerializable({ package: "Custom" })(CustomModel as never);
keras.saving.registerKerasSerializable({ package: "Custom" })(FlattenThenDense as never);
keras.saving.registerKerasSerializable({ package: "Custom" })(ScaledProjection as never);

const folder = mkdtempSync(join(tmpdir(), "tskeras-custom-sm-"));
const inputFile = join(folder, "inputs.json");

/** Runs `body` in a fresh node process after loading `directory` (`registration` defines and registers classes); returns its last JSON line. */
function loadFresh(directory: string, registration: string, body: string, loadOptions = "{}"): Record<string, unknown> {
  const script = `
    import * as tf from "@tensorflow/tfjs-core";
    import { readFileSync } from "node:fs";
    tf.env().set("PROD", true);
    const { keras } = await import(${JSON.stringify(join(repositoryRoot, "dist", "lib", "index.js"))});
    await import("@tensorflow/tfjs-backend-cpu");
    await tf.setBackend("cpu");
    const data = JSON.parse(readFileSync(${JSON.stringify(inputFile)}, "utf8"));
    ${registration}
    let model;
    try { model = await keras.models.loadModel(${JSON.stringify(directory)}, ${loadOptions}); }
    catch (error) { console.log(JSON.stringify({ loadError: error.message })); process.exit(0); }
    ${body}`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: repositoryRoot, encoding: "utf8" });
  return JSON.parse(output.trim().split("\n").pop()!) as Record<string, unknown>;
}

const register = (source: string, name: string): string => `${source}\n keras.saving.registerKerasSerializable({ package: "Custom" })(${name});`;
const predictions = (model: { predict(x: tf.Tensor): unknown }, rows: number[][] | number[][][]): unknown =>
  (model.predict(tf.tensor(rows as number[][])) as tf.Tensor).arraySync();
const signature = (directory: string) => selectMetaGraph(readSavedModelDirectory(directory).savedModel, undefined).signature_def["serving_default"]!;
const dims = (info: { tensor_shape?: { dim?: Array<{ size?: number | string }> } | null } | undefined): number[] =>
  (info?.tensor_shape?.dim ?? []).map((dim) => Number(dim.size));

// Inputs: 12 rows and 3 rows (the stand-in batch sizes of the tracer are 2 and 3, so 12 shows a frozen batch).
const rows12 = tf.randomUniform([12, 4], -1, 1, "float32", 21).arraySync() as number[][];
const rows3 = rows12.slice(0, 3);
const cubes12 = tf.randomUniform([12, 2, 3], -1, 1, "float32", 22).arraySync() as number[][][];
const trainX = tf.randomUniform([16, 4], -1, 1, "float32", 23);
const trainY = tf.randomUniform([16, 1], -1, 1, "float32", 24);
writeFileSync(inputFile, JSON.stringify({ rows12, rows3, cubes12, trainX: trainX.arraySync(), trainY: trainY.arraySync() }));
const oneMoreStep = `await model.fit(tf.tensor(data.trainX), tf.tensor(data.trainY), { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });`;

// --- A subclassed model: trained, saved, then trained one more step here for comparison.
const subclassed = new CustomModel();
subclassed.compile({ optimizer: "adam", loss: "meanSquaredError" });
await subclassed.fit(trainX, trainY, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
const subclassedDirectory = join(folder, "custom_model");
await subclassed.save(subclassedDirectory);
const subclassedExpected = { rows12: predictions(subclassed, rows12), rows3: predictions(subclassed, rows3) };
await subclassed.fit(trainX, trainY, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
const subclassedAfterStep = subclassed.getWeights().map((weight) => weight.arraySync());

test("subclassed model: the serving signature keeps the batch open (-1) in its input and output shapes", () => {
  const serving = signature(subclassedDirectory);
  assert.deepEqual(Object.keys(serving.inputs), ["input_1"]);
  assert.deepEqual(dims(serving.inputs["input_1"]), [-1, 4]);
  assert.deepEqual(dims(serving.outputs["output_1"]), [-1, 1]);
});

test("subclassed model, class registered: a fresh process gets a CustomModel with identical predictions and its optimizer state", () => {
  const result = loadFresh(
    subclassedDirectory,
    register(customModelSource, "CustomModel"),
    `const before = { instance: model instanceof CustomModel, name: model.name, iterations: model.optimizer.iterations,
        rows12: model.predict(tf.tensor(data.rows12)).arraySync(), rows3: model.predict(tf.tensor(data.rows3)).arraySync() };
     ${oneMoreStep}
     console.log(JSON.stringify({ ...before, afterStep: model.getWeights().map((weight) => weight.arraySync()) }));`,
  );
  assert.equal(result["instance"], true);
  assert.equal(result["name"], subclassed.name);
  // Two epochs of two batches each.
  assert.equal(result["iterations"], 4);
  assert.deepEqual(result["rows12"], subclassedExpected.rows12);
  assert.deepEqual(result["rows3"], subclassedExpected.rows3);
  assert.deepEqual(result["afterStep"], subclassedAfterStep);
});

test("subclassed model, class given as customObjects (not registered): the class itself comes back", () => {
  const result = loadFresh(
    subclassedDirectory,
    customModelSource,
    `console.log(JSON.stringify({ instance: model instanceof CustomModel, rows3: model.predict(tf.tensor(data.rows3)).arraySync() }));`,
    "{ customObjects: { CustomModel } }",
  );
  assert.equal(result["instance"], true);
  assert.deepEqual(result["rows3"], subclassedExpected.rows3);
});

test("subclassed model without its class: a revived model runs the saved forward pass for any batch size", () => {
  const result = loadFresh(
    subclassedDirectory,
    "",
    `let fitError = "";
     try { ${oneMoreStep} } catch (error) { fitError = error.message; }
     console.log(JSON.stringify({ constructorName: model.constructor.name, originalClassName: model.originalClassName,
       rows12: model.predict(tf.tensor(data.rows12)).arraySync(), rows3: model.predict(tf.tensor(data.rows3)).arraySync(),
       applied: model.apply(tf.tensor(data.rows12)).arraySync(), fitError }));`,
  );
  assert.equal(result["constructorName"], "RevivedKerasModel");
  assert.equal(result["originalClassName"], "CustomModel");
  assert.equal((result["rows12"] as unknown[]).length, 12);
  assert.deepEqual(result["rows12"], subclassedExpected.rows12);
  assert.deepEqual(result["rows3"], subclassedExpected.rows3);
  assert.deepEqual(result["applied"], subclassedExpected.rows12);
  assert.match(result["fitError"] as string, /not available on a revived model.*Register the original class/);
});

// --- A subclassed model with constructor arguments and getConfig, whose call reshapes.
const configurable = new FlattenThenDense({ units: 5, name: "flatten_then_dense" });
configurable.compile({ optimizer: "adam", loss: "meanSquaredError" });
await configurable.fit(tf.tensor(cubes12), tf.zeros([12, 5]), { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
const configurableExpected = predictions(configurable, cubes12);
const configurableTraced = join(folder, "flatten_then_dense");
await configurable.save(configurableTraced);
const configurableNoTraces = join(folder, "flatten_then_dense_no_traces");
await configurable.save(configurableNoTraces, { saveTraces: false });

test("subclassed model with getConfig: rebuilt from its config (constructor arguments kept); revived without the class for 12 rows", () => {
  const body = `console.log(JSON.stringify({ constructorName: model.constructor.name, units: model.units, iterations: model.optimizer?.iterations, predicted: model.predict(tf.tensor(data.cubes12)).arraySync() }));`;
  const withClass = loadFresh(configurableTraced, register(configurableSource, "FlattenThenDense"), body);
  assert.equal(withClass["constructorName"], "FlattenThenDense");
  assert.equal(withClass["units"], 5);
  assert.equal(withClass["iterations"], 3);
  assert.deepEqual(withClass["predicted"], configurableExpected);
  const revived = loadFresh(configurableTraced, "", body);
  assert.equal(revived["constructorName"], "RevivedKerasModel");
  assert.deepEqual(revived["predicted"], configurableExpected);
});

test("saveTraces: false with getConfig: no forward pass is written; it loads with the class and not without", () => {
  const metaGraph = selectMetaGraph(readSavedModelDirectory(configurableNoTraces).savedModel, undefined);
  assert.deepEqual(Object.keys(metaGraph.signature_def), ["__saved_model_init_op"]);
  assert.equal(metaGraph.graph_def!.library?.function.length ?? 0, 0);
  const body = `console.log(JSON.stringify({ constructorName: model.constructor.name, predicted: model.predict(tf.tensor(data.cubes12)).arraySync() }));`;
  const withClass = loadFresh(configurableNoTraces, register(configurableSource, "FlattenThenDense"), body);
  assert.equal(withClass["constructorName"], "FlattenThenDense");
  assert.deepEqual(withClass["predicted"], configurableExpected);
  const withoutClass = loadFresh(configurableNoTraces, "", body);
  assert.match(withoutClass["loadError"] as string, /FlattenThenDense is not registered.*no signature to run its saved forward pass.*Register the class/);
});

test("saveTraces: false is refused before anything is written when a custom class lacks getConfig (model or nested layer, registered or not)", async () => {
  const refusedModel = join(folder, "refused_model");
  await assert.rejects(
    subclassed.save(refusedModel, { saveTraces: false }),
    /saveTraces: false: the custom class CustomModel does not override getConfig.*save_traces=False requires get_config.*Nothing was written/,
  );
  assert.equal(existsSync(refusedModel), false);
  const withLayer = new keras.Sequential([keras.Input({ shape: [4] }), new NoConfigLayer(), new keras.layers.Dense(1)]);
  const refusedLayer = join(folder, "refused_layer");
  await assert.rejects(
    withLayer.save(refusedLayer, { saveTraces: false }),
    /the custom class NoConfigLayer does not override getConfig.*Add getConfig\(\) .* to NoConfigLayer/,
  );
  assert.equal(existsSync(refusedLayer), false);
  // With traces (the default) the same model saves.
  await withLayer.save(join(folder, "no_config_layer_traced"));
  assert.ok(existsSync(join(folder, "no_config_layer_traced", "saved_model.pb")));
});

test("a call whose values depend on the batch size (a constant of the input's row count) is refused with the kernel named, nothing written", async () => {
  const AddsBatchZeros = define<ModelClass>(
    `class AddsBatchZeros extends keras.Model {
       constructor() { super(); this.dense = new keras.layers.Dense(4); }
       call(x) { return tf.add(this.dense.apply(x), tf.tensor2d(Array.from({ length: x.shape[0] }, (_, row) => [row, row, row, row]))); }
     }`,
    "AddsBatchZeros",
  );
  const model = new AddsBatchZeros();
  model.predict(tf.tensor(rows3));
  const directory = join(folder, "adds_batch_zeros");
  await assert.rejects(
    model.save(directory),
    /AddsBatchZeros\.call cannot be written into a SavedModel graph: tf\.function: an input of the kernel "Add".*depends on the size of an input dimension the signature leaves open/,
  );
  assert.equal(existsSync(directory), false);
});

// --- A custom layer inside a Sequential and inside a functional model.
for (const kind of ["Sequential", "functional"] as const) {
  const build = (): InstanceType<typeof keras.Model> | InstanceType<typeof keras.Sequential> => {
    if (kind === "Sequential")
      return new keras.Sequential([
        keras.Input({ shape: [4] }),
        new ScaledProjection({ units: 3, name: "projection" }),
        new keras.layers.Dense(1, { name: "head" }),
      ]);
    const inputs = keras.Input({ shape: [4] });
    const hidden = new ScaledProjection({ units: 3, name: "projection" }).apply(inputs) as typeof inputs;
    return new keras.Model(inputs, new keras.layers.Dense(1, { name: "head" }).apply(hidden) as typeof inputs);
  };
  const model = build();
  model.compile({ optimizer: "adam", loss: "meanSquaredError" });
  await model.fit(trainX, trainY, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
  const directory = join(folder, `custom_layer_${kind}`);
  await model.save(directory);
  const expected = { rows12: predictions(model, rows12), rows3: predictions(model, rows3) };
  await model.fit(trainX, trainY, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
  const afterStep = model.getWeights().map((weight) => weight.arraySync());

  test(`custom layer in a ${kind} model, class registered: the layer class comes back, predictions and one more training step identical`, () => {
    const result = loadFresh(
      directory,
      register(layerSource, "ScaledProjection"),
      `const before = { layers: model.layers.map((layer) => layer.constructor.name), iterations: model.optimizer.iterations,
          rows12: model.predict(tf.tensor(data.rows12)).arraySync(), rows3: model.predict(tf.tensor(data.rows3)).arraySync() };
       ${oneMoreStep}
       console.log(JSON.stringify({ ...before, afterStep: model.getWeights().map((weight) => weight.arraySync()) }));`,
    );
    assert.ok((result["layers"] as string[]).includes("ScaledProjection"), JSON.stringify(result["layers"]));
    assert.equal(result["iterations"], 4);
    assert.deepEqual(result["rows12"], expected.rows12);
    assert.deepEqual(result["rows3"], expected.rows3);
    assert.deepEqual(result["afterStep"], afterStep);
  });

  test(`custom layer in a ${kind} model without its class: revived, identical predictions for 12 and 3 rows`, () => {
    const result = loadFresh(
      directory,
      "",
      `console.log(JSON.stringify({ constructorName: model.constructor.name, rows12: model.predict(tf.tensor(data.rows12)).arraySync(), rows3: model.predict(tf.tensor(data.rows3)).arraySync() }));`,
    );
    assert.equal(result["constructorName"], "RevivedKerasModel");
    assert.deepEqual(result["rows12"], expected.rows12);
    assert.deepEqual(result["rows3"], expected.rows3);
  });
}

test("a subclassed CNN (Conv2D+relu, MaxPooling2D, BatchNormalization, Flatten, Dropout, Dense+softmax) revives with the in-memory predictions for 12 images", async () => {
  const Cnn = define<ModelClass>(
    `class Cnn extends keras.Model {
       constructor() {
         super();
         this.conv = new keras.layers.Conv2D(4, 3, { activation: "relu", padding: "same" });
         this.pool = new keras.layers.MaxPooling2D(2);
         this.norm = new keras.layers.BatchNormalization();
         this.flatten = new keras.layers.Flatten();
         this.dropout = new keras.layers.Dropout(0.5);
         this.classes = new keras.layers.Dense(3, { activation: "softmax" });
       }
       call(x) { return this.classes.apply(this.dropout.apply(this.flatten.apply(this.norm.apply(this.pool.apply(this.conv.apply(x)))))); }
     }`,
    "Cnn",
  );
  const model = new Cnn();
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  const images = tf.randomUniform([12, 6, 6, 1], 0, 1, "float32", 25);
  // Training moves BatchNormalization's moving statistics away from 0 and 1, so the saved ones matter.
  await model.fit(images, tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], "int32"), 3), { epochs: 2, batchSize: 6, shuffle: false, verbose: 0 });
  const directory = join(folder, "cnn");
  await model.save(directory);
  const expected = (model.predict(images) as tf.Tensor).arraySync() as number[][];
  writeFileSync(join(folder, "images.json"), JSON.stringify(images.arraySync()));
  const result = loadFresh(
    directory,
    "",
    `const images = JSON.parse(readFileSync(${JSON.stringify(join(folder, "images.json"))}, "utf8"));
     console.log(JSON.stringify({ constructorName: model.constructor.name, predicted: model.predict(tf.tensor(images)).arraySync() }));`,
  );
  assert.equal(result["constructorName"], "RevivedKerasModel");
  const predicted = result["predicted"] as number[][];
  assert.equal(predicted.length, 12);
  // The graph computes batch normalization unfused (as tf-keras writes it), so the last bits may differ.
  expected.forEach((row, i) =>
    row.forEach((value, j) => assert.ok(Math.abs(predicted[i]![j]! - value) < 1e-6, `[${i}][${j}] ${predicted[i]![j]} vs ${value}`)),
  );
});
