// The docs' `del CustomModel` flow: a model of a registered custom class is saved as a SavedModel
// directory, then loaded in fresh node processes that do not define the class (a generic revived
// model running the saved forward pass) and that do (the class itself). Reference outputs are the
// forward pass computed here by plain loops over the saved weights.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs-core";
import { keras } from "../../lib/index.js";
import { readSavedModelDirectory, selectMetaGraph } from "../../lib/formats/savedmodel/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
tf.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

const classSource = `
  class CustomModel extends keras.Sequential {
    constructor(config = {}) {
      super([keras.Input({ shape: [4] }), new keras.layers.Dense(3, { activation: "relu" }), new keras.layers.Dense(2)], { name: config.name ?? "custom_model" });
    }
  }`;
const configurableSource = `
  class ConfigurableModel extends keras.Sequential {
    constructor(config = {}) {
      super([keras.Input({ shape: [4] }), new keras.layers.Dense(3, { activation: "relu" }), new keras.layers.Dense(2)], { name: config.name ?? "configurable_model" });
    }
    getConfig() { return super.getConfig(); }
  }`;
// The class is defined from the same source text here and in the "with the class" process.
const CustomModel = new Function("keras", `${classSource}; return CustomModel;`)(keras) as new () => InstanceType<typeof keras.Sequential>;
keras.saving.registerKerasSerializable({ package: "Custom" })(CustomModel as never);

const model = new CustomModel();
model.compile({ optimizer: "adam", loss: "meanSquaredError" });
// One step, so the saved optimizer has its slots and an iteration count to retain.
await model.fit(tf.randomUniform([8, 4], -1, 1, "float32", 3), tf.randomUniform([8, 2], -1, 1, "float32", 4), { epochs: 1, verbose: 0 });
const saved = join(mkdtempSync(join(tmpdir(), "tskeras-revived-")), "custom_model");
await model.save(saved);
const weights = model.getWeights().map((weight) => weight.arraySync());
const input = [
  [0.5, -1, 2, 0.25],
  [-0.75, 0.1, 0.3, -2],
  [1, 1, -1, 0],
];

/** Dense(3, relu) then Dense(2), by hand. */
function referenceForward(rows: number[][]): number[][] {
  const [kernel0, bias0, kernel1, bias1] = weights as [number[][], number[], number[][], number[]];
  const dense = (x: number[], kernel: number[][], bias: number[]): number[] => bias.map((b, j) => x.reduce((sum, value, i) => sum + value * kernel[i]![j]!, b));
  return rows.map((row) =>
    dense(
      dense(row, kernel0, bias0).map((value) => Math.max(0, value)),
      kernel1,
      bias1,
    ),
  );
}

function runFresh(body: string, withClass: boolean): Record<string, unknown> {
  const script = `
    import * as tf from "@tensorflow/tfjs-core";
    tf.env().set("PROD", true);
    const { keras } = await import(${JSON.stringify(join(root, "dist", "lib", "index.js"))});
    await import("@tensorflow/tfjs-backend-cpu");
    await tf.setBackend("cpu");
    ${withClass ? `${classSource}\n keras.saving.registerKerasSerializable({ package: "Custom" })(CustomModel);` : ""}
    const model = await keras.models.loadModel(${JSON.stringify(saved)});
    const input = tf.tensor(${JSON.stringify(input)});
    ${body}
  `;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  return JSON.parse(output.trim().split("\n").pop()!) as Record<string, unknown>;
}

const close = (actual: number[][], expected: number[][], tolerance: number): void =>
  expected.forEach((row, i) => row.forEach((value, j) => assert.ok(Math.abs(actual[i]![j]! - value) < tolerance, `[${i}][${j}] ${actual[i]![j]} vs ${value}`)));

test("without the class: loadModel returns a revived model whose predict/apply run the saved forward pass", () => {
  const result = runFresh(
    `
    let fitError = "";
    try { await model.fit(input, tf.zeros([3, 2])); } catch (error) { fitError = error.message; }
    console.log(JSON.stringify({
      constructorName: model.constructor.name,
      originalClassName: model.originalClassName,
      predicted: model.predict(input).arraySync(),
      applied: model.apply(input).arraySync(),
      weights: model.weights.map((weight) => ({ name: weight.name, shape: weight.shape, values: weight.read().arraySync() })),
      fitError,
    }));`,
    false,
  );
  assert.equal(result["constructorName"], "RevivedKerasModel");
  assert.equal(result["originalClassName"], "CustomModel");
  const expected = referenceForward(input);
  close(result["predicted"] as number[][], expected, 1e-5);
  close(result["applied"] as number[][], expected, 1e-5);
  const revivedWeights = result["weights"] as Array<{ name: string; shape: number[]; values: unknown }>;
  assert.deepEqual(
    revivedWeights.map((weight) => weight.shape),
    [[4, 3], [3], [3, 2], [2]],
  );
  revivedWeights.forEach((weight, index) => assert.deepEqual(weight.values, weights[index]));
  assert.match(result["fitError"] as string, /fit\(\) is not available on a revived model.*Register the original class/);
});

test("with the class registered: loadModel rebuilds the class itself with identical predictions", () => {
  const result = runFresh(
    `console.log(JSON.stringify({ isCustom: model instanceof CustomModel, predicted: model.predict(input).arraySync(), iterations: model.optimizer.iterations }));`,
    true,
  );
  assert.equal(result["isCustom"], true);
  assert.equal(result["iterations"], 1);
  close(result["predicted"] as number[][], referenceForward(input), 1e-5);
});

test("saveTraces: false requires getConfig on custom classes, writes no forward pass, and loads only with the class", async () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-notraces-"));
  await assert.rejects(
    model.save(join(directory, "refused"), { saveTraces: false }),
    /saveTraces: false: the custom class CustomModel does not override getConfig.*Add getConfig\(\)/,
  );

  const ConfigurableModel = new Function("keras", `${configurableSource}; return ConfigurableModel;`)(keras) as new () => InstanceType<typeof keras.Sequential>;
  keras.saving.registerKerasSerializable({ package: "Custom" })(ConfigurableModel as never);
  const configurable = new ConfigurableModel();
  configurable.setWeights(model.getWeights());
  const saved = join(directory, "configurable");
  await configurable.save(saved, { saveTraces: false });
  const metaGraph = selectMetaGraph(readSavedModelDirectory(saved).savedModel, undefined);
  assert.deepEqual(Object.keys(metaGraph.signature_def), ["__saved_model_init_op"]);
  assert.equal(metaGraph.graph_def!.library?.function.length ?? 0, 0);

  const script = (withClass: boolean): string => `
    import * as tf from "@tensorflow/tfjs-core";
    tf.env().set("PROD", true);
    const { keras } = await import(${JSON.stringify(join(root, "dist", "lib", "index.js"))});
    await import("@tensorflow/tfjs-backend-cpu");
    await tf.setBackend("cpu");
    ${withClass ? `${configurableSource}\n keras.saving.registerKerasSerializable({ package: "Custom" })(ConfigurableModel);` : ""}
    try {
      const model = await keras.models.loadModel(${JSON.stringify(saved)});
      console.log(JSON.stringify({ isClass: model.constructor.name, predicted: model.predict(tf.tensor(${JSON.stringify(input)})).arraySync() }));
    } catch (error) { console.log(JSON.stringify({ error: error.message })); }`;
  const run = (withClass: boolean): Record<string, unknown> =>
    JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script(withClass)], { cwd: root, encoding: "utf8" })
        .trim()
        .split("\n")
        .pop()!,
    ) as Record<string, unknown>;
  const withClass = run(true);
  assert.equal(withClass["isClass"], "ConfigurableModel");
  close(withClass["predicted"] as number[][], referenceForward(input), 1e-5);
  assert.match(run(false)["error"] as string, /ConfigurableModel is not registered.*no signature to run its saved forward pass.*Register the class/);
});

test("a custom layer's call is traced into the SavedModel: reloaded without its class, predictions equal the hand-computed forward pass", async () => {
  const layerSource = `
    class ScaledTanh extends tfl.layers.Layer {
      static className = "ScaledTanh";
      constructor(config = {}) { super(config); this.units = config.units ?? 3; }
      build(inputShape) {
        this.kernel = this.addWeight("kernel", [inputShape[inputShape.length - 1], this.units], "float32", tfl.initializers.glorotUniform({ seed: 1 }));
        this.scale = this.addWeight("scale", [], "float32", tfl.initializers.constant({ value: 1.5 }));
        this.built = true;
      }
      computeOutputShape(shape) { return [shape[0], this.units]; }
      call(inputs) {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        return tfc.mul(tfc.tanh(tfc.matMul(x, this.kernel.read())), this.scale.read());
      }
      getConfig() { return { ...super.getConfig(), units: this.units }; }
    }`;
  const tfl = await import("@tensorflow/tfjs-layers");
  const ScaledTanh = new Function("tfl", "tfc", `${layerSource}; return ScaledTanh;`)(tfl, tf) as new (config: {
    units: number;
    name: string;
  }) => InstanceType<typeof tfl.layers.Layer>;
  keras.saving.registerKerasSerializable({ package: "Custom" })(ScaledTanh as never);
  // A functional model (its config lists the InputLayer, so the class can rebuild it from config).
  const modelInput = keras.Input({ shape: [4] });
  const hidden = new ScaledTanh({ units: 3, name: "scaled" }).apply(modelInput) as typeof modelInput;
  const withLayer = new keras.Model({ inputs: modelInput, outputs: new keras.layers.Dense(2, { name: "head" }).apply(hidden) as typeof modelInput });
  const saved = join(mkdtempSync(join(tmpdir(), "tskeras-customlayer-")), "model");
  await withLayer.save(saved);
  const [kernel, scale, headKernel, headBias] = withLayer.getWeights().map((weight) => weight.arraySync()) as [number[][], number, number[][], number[]];
  assert.equal(scale, 1.5);
  const expected = input.map((row) => {
    const hidden = [0, 1, 2].map((j) => scale * Math.tanh(row.reduce((sum, value, i) => sum + value * kernel[i]![j]!, 0)));
    return headBias.map((bias, j) => hidden.reduce((sum, value, i) => sum + value * headKernel[i]![j]!, bias));
  });
  const script = (withClass: boolean): string => `
    import * as tfc from "@tensorflow/tfjs-core";
    import * as tfl from "@tensorflow/tfjs-layers";
    tfc.env().set("PROD", true);
    const { keras } = await import(${JSON.stringify(join(root, "dist", "lib", "index.js"))});
    await import("@tensorflow/tfjs-backend-cpu");
    await tfc.setBackend("cpu");
    ${withClass ? `${layerSource}\n keras.saving.registerKerasSerializable({ package: "Custom" })(ScaledTanh);` : ""}
    const model = await keras.models.loadModel(${JSON.stringify(saved)});
    console.log(JSON.stringify({ name: model.constructor.name, layers: model.layers.map((layer) => layer.constructor.name), predicted: model.predict(tfc.tensor(${JSON.stringify(input)})).arraySync() }));`;
  const run = (withClass: boolean): Record<string, unknown> =>
    JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script(withClass)], { cwd: root, encoding: "utf8" })
        .trim()
        .split("\n")
        .pop()!,
    ) as Record<string, unknown>;
  const revived = run(false);
  assert.equal(revived["name"], "RevivedKerasModel");
  close(revived["predicted"] as number[][], expected, 1e-5);
  const rebuilt = run(true);
  assert.ok((rebuilt["layers"] as string[]).includes("ScaledTanh"));
  close(rebuilt["predicted"] as number[][], expected, 1e-5);
});
