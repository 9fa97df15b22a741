// The differential matrix against real TensorFlow 2.21 / Keras 3.15 (issue #21). Keras's catalog is
// enumerated at test time (test/oracle/keras_side.py); every layer class tskeras supports and a recipe
// covers gets a model, and each model crosses every format in both directions:
//   Keras/TF writes → tskeras reads: .keras, legacy .h5, .weights.h5 (into the model Keras's to_json()
//     describes), model.export() SavedModel; plus a tf.Module through tf.saved_model.save and
//     tf.train.Checkpoint. Predictions within 1e-5, variable values exact.
//   tskeras writes → Keras/TF reads: .keras, .h5, .weights.h5 (into the model Keras builds from the
//     recipe), SavedModel via tf.saved_model.load + serving_default and via keras.layers.TFSMLayer
//     (call_endpoint="serve", as for Keras 3's own export);
//     a tf.Module's SavedModel and a tf.train.Checkpoint (values exact).
//   Defaults: the layer tskeras builds from the recipe's arguments has Keras 3's get_config() values.
// Python runs twice in all (write, read), tskeras in this process. The matrix is printed with counts.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { oracleJson, requireOracle } from "../support/oracle.js";
import { isBuiltinActivationName } from "../../lib/keras/layers/function-activation.js";
import { repositoryRoot } from "../support/kernelspec.js";
import {
  compareDefaults,
  knownFailure,
  sameAsKerasOwnH5,
  supportedEntry,
  supportedLayerClasses,
  type Cell,
  type KerasWritten,
  type MatrixCase,
  type ResumeOutcome,
} from "./matrix-support.js";
import { kerasOptimizerConfig } from "../../lib/keras/saving/optimizer.js";

const script = readFileSync(join(repositoryRoot, "test", "oracle", "keras_side.py"), "utf8");
const tolerance = 1e-5;

/** Largest |a - b| over two nested arrays of numbers (Infinity when the shapes differ). */
function maxDifference(actual: unknown, expected: unknown): number {
  const a = [actual].flat(Infinity) as number[];
  const b = [expected].flat(Infinity) as number[];
  if (a.length !== b.length) return Infinity;
  return a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - b[index]!) / Math.max(1, Math.abs(b[index]!))), 0);
}

function inputTensors(matrixCase: MatrixCase): tf.Tensor[] {
  return matrixCase.inputs.map((values) => tf.tensor(values as number[], undefined, matrixCase.input_dtype === "int32" ? "int32" : "float32"));
}

function predictionCell(predicted: unknown, expected: unknown): Cell {
  const difference = maxDifference(predicted, expected);
  return difference <= tolerance ? { ok: true } : { ok: false, detail: `predictions differ by ${difference.toExponential(2)}` };
}

async function attempt(run: () => Promise<Cell> | Cell): Promise<Cell> {
  try {
    return await run();
  } catch (error) {
    return {
      ok: false,
      detail: String((error as Error).message ?? error)
        .split("\n")[0]!
        .slice(0, 200),
    };
  }
}

function predictWith(model: tf.LayersModel, inputs: tf.Tensor[]): number[] {
  const output = model.predict(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor;
  return Array.from(output.dataSync());
}

/** Every Keras weight has a tskeras weight of that shape with exactly those values. */
function weightsCell(model: tf.LayersModel, expected: KerasWritten["cases"][string]["weights"]): Cell {
  const ours = model.weights.map((weight) => ({ shape: weight.shape, values: Array.from(weight.read().dataSync()) }));
  if (ours.length !== expected.length) return { ok: false, detail: `${ours.length} variables, Keras has ${expected.length}` };
  const unused = [...ours];
  for (const weight of expected) {
    const index = unused.findIndex(
      (candidate) =>
        candidate.shape.join() === weight.shape.join() && candidate.values.every((value, position) => value === Math.fround(weight.values[position]!)),
    );
    if (index < 0) return { ok: false, detail: `no variable equals Keras's ${weight.path}` };
    unused.splice(index, 1);
  }
  return { ok: true };
}

const cells = new Map<string, Cell>();
const record = (entry: string, format: string, direction: "keras→ts" | "ts→keras" | "defaults", cell: Cell): void => {
  const known = knownFailure(entry, format, direction);
  cells.set(`${entry}|${format}|${direction}`, known !== undefined && !cell.ok ? { ...cell, todo: known } : cell);
};

test("differential matrix against TensorFlow 2.21 / Keras 3.15", { timeout: 900_000 }, async (t) => {
  if (!requireOracle(t)) return;
  const work = mkdtempSync(join(tmpdir(), "tskeras-matrix-"));
  const kerasDirectory = join(work, "keras");
  mkdirSync(kerasDirectory);
  const written = await oracleJson<KerasWritten>(script, ["write", kerasDirectory], { timeoutMs: 600_000 });
  assert.deepEqual(written.versions, { tensorflow: "2.21.0", keras: "3.15.1" });
  const supported = supportedLayerClasses(written.catalog.layers);

  // Keras/TF writes → tskeras reads.
  const toPython: Record<
    string,
    { class_name: string; kwargs: unknown; shape: number[]; inputs: unknown[]; input_dtype: string; files: Record<string, string> }
  > = {};
  const expectedFromTs: Record<string, number[]> = {};
  const tsDirectory = join(work, "tskeras");
  for (const [name, matrixCase] of Object.entries(written.cases)) {
    if (!supportedEntry(name, supported)) continue;
    if (matrixCase.errors["build"]) throw new Error(`Keras could not build the ${name} recipe: ${matrixCase.errors["build"]}`);
    const inputs = inputTensors(matrixCase);
    for (const format of ["keras", "h5"] as const) {
      const path = matrixCase.files[format];
      if (path === undefined) continue;
      let model: tf.LayersModel | undefined;
      record(
        name,
        format,
        "keras→ts",
        await attempt(async () => {
          model = await keras.models.loadModel(path);
          return predictionCell(predictWith(model, inputs), matrixCase.expected);
        }),
      );
      record(
        name,
        `${format} variables`,
        "keras→ts",
        await attempt(() => (model ? weightsCell(model, matrixCase.weights) : { ok: false, detail: "not loaded" })),
      );
    }
    if (matrixCase.files["weights.h5"]) {
      record(
        name,
        "to_json + .weights.h5",
        "keras→ts",
        await attempt(async () => {
          const model = keras.models.modelFromJSON(matrixCase.architecture) as tf.LayersModel & { loadWeights(path: string): Promise<unknown> };
          await model.loadWeights(matrixCase.files["weights.h5"]!);
          return predictionCell(predictWith(model, inputs), matrixCase.expected);
        }),
      );
    }
    if (matrixCase.files["export"]) {
      record(
        name,
        "model.export() SavedModel",
        "keras→ts",
        await attempt(async () => {
          const loaded = await tf.savedModel.load(matrixCase.files["export"]!);
          const signature = loaded.signatures["serving_default"]!;
          const keys = Object.keys(signature.inputs);
          const feeds = Object.fromEntries(
            keys.map((key, index) => [key, inputs[keys.length === inputs.length && ["a", "b"].includes(key) ? ["a", "b"].indexOf(key) : index]!]),
          );
          const outputs = signature(feeds);
          return predictionCell(Array.from(Object.values(outputs)[0]!.dataSync()), matrixCase.expected);
        }),
      );
    }

    // tskeras writes (a model it builds itself from the recipe) → Keras/TF reads.
    const directory = join(tsDirectory, name.replace(":", "_"));
    mkdirSync(directory, { recursive: true });
    const built = await attempt(async () => {
      const model = buildInTskeras(matrixCase);
      randomizeWeights(model, name.length);
      expectedFromTs[name] = predictWith(model, inputs);
      const files: Record<string, string> = {};
      for (const [format, file] of [
        ["keras", "model.keras"],
        ["h5", "model.h5"],
        ["savedmodel", "savedmodel"],
      ] as const) {
        await attempt(async () => {
          await model.save(join(directory, file));
          files[format] = join(directory, file);
          return { ok: true };
        }).then((cell) => {
          if (cell.ok) return;
          if (format !== "savedmodel") return record(name, format, "ts→keras", cell);
          record(name, "SavedModel (tf.saved_model.load)", "ts→keras", cell);
          record(name, "SavedModel (TFSMLayer)", "ts→keras", cell);
        });
      }
      await attempt(async () => {
        await (model as unknown as { saveWeights(path: string): Promise<void> }).saveWeights(join(directory, "model.weights.h5"));
        files["weights.h5"] = join(directory, "model.weights.h5");
        return { ok: true };
      }).then((cell) => {
        if (!cell.ok) record(name, "weights.h5", "ts→keras", cell);
      });
      toPython[name] = {
        class_name: matrixCase.class_name,
        kwargs: matrixCase.kwargs,
        shape: matrixCase.shape,
        inputs: matrixCase.inputs,
        input_dtype: matrixCase.input_dtype,
        files,
      };
      return { ok: true };
    });
    if (!built.ok) record(name, "build in tskeras", "ts→keras", built);

    // Defaults: the layer built in TypeScript from the same arguments has Keras 3's config values.
    record(
      name,
      "getConfig() = get_config()",
      "defaults",
      await attempt(() => compareDefaults(matrixCase.class_name, matrixCase.kwargs, written.defaults[name]!)),
    );
  }

  // A tf.Module through tf.saved_model.save and tf.train.Checkpoint, both ways.
  const module = written.module;
  const moduleInputs = tf.tensor(module.inputs as number[][], undefined, "float32");
  record(
    "tf.Module",
    "tf.saved_model.save",
    "keras→ts",
    await attempt(async () => {
      const loaded = await tf.savedModel.load(module.savedmodel);
      return predictionCell(Array.from(Object.values(loaded.signatures["serving_default"]!({ x: moduleInputs }))[0]!.dataSync()), module.expected);
    }),
  );
  record(
    "tf.Module",
    "tf.train.Checkpoint",
    "keras→ts",
    await attempt(() => {
      const reader = tf.train.loadCheckpoint(module.checkpoint);
      for (const key of ["w", "b"] as const) {
        const values = Array.from(reader.getTensor(`${key}/.ATTRIBUTES/VARIABLE_VALUE`).data as Float32Array);
        if (values.join() !== module.variables[key].map(Math.fround).join()) return { ok: false, detail: `${key} differs` };
      }
      return { ok: true };
    }),
  );
  const ours = tsModule();
  const moduleDirectory = join(tsDirectory, "module");
  await tf.savedModel.save(ours, join(moduleDirectory, "savedmodel"));
  const checkpointPrefix = await new tf.train.Checkpoint({ w: ours.w, b: ours.b }).write(join(moduleDirectory, "checkpoint", "ckpt"));
  const moduleExpected = Array.from((ours.call(moduleInputs) as tf.Tensor).dataSync());

  // Compiled models trained in tskeras, one per optimizer tskeras maps to Keras and one per loss:
  // Keras restores the optimizer (class, iterations, moments), and two more fit steps on the same
  // batch end with the loss tskeras computes for its second step.
  const compiledDirectory = join(tsDirectory, "compiled");
  mkdirSync(compiledDirectory, { recursive: true });
  const trainX = [
    [0.5, -1, 0.25],
    [1, 0.5, -0.5],
    [-0.75, 0.2, 1],
    [0.1, 0.9, -0.3],
  ];
  const trainY = [
    [1, 0],
    [0, 1],
    [0.3, 0.7],
    [0.6, 0.4],
  ];
  const compiledCases: Array<{ entry: string; optimizer: () => tf.Optimizer; kerasOptimizer: string; loss: string; formats: Array<"keras" | "h5"> }> = [
    { entry: "compiled Adam + fit step", optimizer: () => tf.train.adam(0.01), kerasOptimizer: "Adam", loss: "meanSquaredError", formats: ["keras", "h5"] },
    { entry: "compiled Adamax", optimizer: () => tf.train.adamax(0.01), kerasOptimizer: "Adamax", loss: "meanSquaredError", formats: ["keras", "h5"] },
    { entry: "compiled SGD", optimizer: () => tf.train.sgd(0.1), kerasOptimizer: "SGD", loss: "meanSquaredError", formats: ["keras", "h5"] },
    {
      entry: "compiled SGD(momentum)",
      optimizer: () => tf.train.momentum(0.1, 0.9),
      kerasOptimizer: "SGD",
      loss: "meanSquaredError",
      formats: ["keras", "h5"],
    },
    {
      entry: "compiled SGD(nesterov)",
      optimizer: () => tf.train.momentum(0.1, 0.9, true),
      kerasOptimizer: "SGD",
      loss: "meanSquaredError",
      formats: ["keras", "h5"],
    },
    { entry: "compiled RMSprop", optimizer: () => tf.train.rmsprop(0.01), kerasOptimizer: "RMSprop", loss: "meanSquaredError", formats: ["keras", "h5"] },
    {
      entry: "compiled RMSprop(centered, momentum)",
      optimizer: () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true),
      kerasOptimizer: "RMSprop",
      loss: "meanSquaredError",
      formats: ["keras", "h5"],
    },
    { entry: "compiled Adagrad", optimizer: () => tf.train.adagrad(0.1), kerasOptimizer: "Adagrad", loss: "meanSquaredError", formats: ["keras", "h5"] },
    { entry: "compiled Adadelta", optimizer: () => tf.train.adadelta(1), kerasOptimizer: "Adadelta", loss: "meanSquaredError", formats: ["keras", "h5"] },
    // The loss names tskeras's compile accepts besides mean_squared_error (sparse categorical needs integer labels).
    ...["meanAbsoluteError", "categoricalCrossentropy", "binaryCrossentropy"].map((loss) => ({
      entry: `loss ${loss}`,
      optimizer: () => tf.train.sgd(0.1),
      kerasOptimizer: "SGD",
      loss,
      formats: ["keras"] as Array<"keras" | "h5">,
    })),
  ];
  const compiledFiles: Record<string, string> = {};
  const nextLoss: Record<string, number> = {};
  const compiledExpected: Record<string, string> = {};
  for (const compiledCase of compiledCases) {
    for (const format of compiledCase.formats) {
      const key = `${compiledCase.entry}|${format}`;
      compiledExpected[key] = compiledCase.kerasOptimizer;
      const cell = await attempt(async () => {
        // Softmax outputs: probabilities for the crossentropies, and positive for the logarithmic losses.
        const model = new keras.Sequential([
          new keras.layers.Dense(4, { activation: "tanh", inputShape: [3] }),
          new keras.layers.Dense(2, { activation: "softmax" }),
        ]);
        randomizeWeights(model, 5);
        model.compile({ optimizer: compiledCase.optimizer(), loss: compiledCase.loss });
        const x = tf.tensor2d(trainX);
        const y = tf.tensor2d(trainY);
        await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
        const file = join(compiledDirectory, `${compiledCase.entry.replace(/[^A-Za-z0-9]+/g, "_")}.${format}`);
        await model.save(file);
        compiledFiles[key] = file;
        // The first step's loss is the loss of the saved weights; the second one's follows the update the
        // restored optimizer state (iterations, moments) makes.
        const history = await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
        nextLoss[key] = history.history["loss"]![1] as number;
        return { ok: true };
      });
      if (!cell.ok) record(compiledCase.entry, format, "ts→keras", cell);
    }
  }

  // One Python process reads everything tskeras wrote.
  const manifestPath = join(work, "manifest.json");
  writeFileSync(
    manifestPath,
    JSON.stringify({
      cases: toPython,
      compiled: { files: compiledFiles, x: trainX, y: trainY },
      module: { savedmodel: join(moduleDirectory, "savedmodel"), checkpoint: checkpointPrefix, inputs: module.inputs },
    }),
  );
  const read = await oracleJson<Record<string, Record<string, { predicted?: unknown; error?: string; variables?: Record<string, number[] | null> }>>>(
    script,
    ["read", manifestPath],
    { timeoutMs: 600_000 },
  );
  const formatNames: Record<string, string> = {
    keras: "keras",
    h5: "h5",
    "weights.h5": "weights.h5",
    savedmodel: "SavedModel (tf.saved_model.load)",
    tfsmlayer: "SavedModel (TFSMLayer)",
  };
  for (const [name, outcome] of Object.entries(read)) {
    if (name === "module" || name === "compiled") continue;
    for (const [format, result] of Object.entries(outcome)) {
      record(
        name,
        formatNames[format] ?? format,
        "ts→keras",
        result.error !== undefined ? { ok: false, detail: result.error.split("\n")[0]!.slice(0, 200) } : predictionCell(result.predicted, expectedFromTs[name]),
      );
    }
  }
  for (const [key, result] of Object.entries(read["compiled"] as unknown as Record<string, ResumeOutcome & { keras_own?: ResumeOutcome }>)) {
    const [entry, format] = key.split("|") as [string, string];
    const expectedOptimizer = compiledExpected[key]!;
    record(
      entry,
      format,
      "ts→keras",
      sameAsKerasOwnH5(result, result.keras_own) ??
        (result.error !== undefined
          ? { ok: false, detail: result.error.split("\n")[0]!.slice(0, 200) }
          : result.optimizer !== expectedOptimizer || result.iterations !== 3
            ? { ok: false, detail: `optimizer ${result.optimizer} at iteration ${result.iterations}, expected ${expectedOptimizer} at 3` }
            : Math.abs(result.loss! - nextLoss[key]!) <= tolerance * Math.max(1, Math.abs(nextLoss[key]!))
              ? { ok: true }
              : { ok: false, detail: `next fit step loss ${result.loss} in Keras, ${nextLoss[key]} in tskeras` }),
    );
  }

  // Compiled models Keras trained and saved → tskeras resumes: the optimizer (class, iterations, slots)
  // is restored, and two more fit steps end with the loss Keras computed for its own next two steps.
  for (const [key, kerasCase] of Object.entries(written.compiled.cases)) {
    const [name, format] = key.split("|") as [string, string];
    const entry = name === "Adam" ? "compiled Adam + fit step" : `compiled ${name}`;
    record(
      entry,
      format,
      "keras→ts",
      await attempt(async () => {
        const model = await keras.models.loadModel(kerasCase.file);
        const optimizer = kerasOptimizerConfig(model.optimizer as tf.Optimizer).className;
        const iterations = (model.optimizer as tf.Optimizer).iterations;
        if (optimizer !== kerasCase.optimizer || iterations !== 3) {
          return { ok: false, detail: `optimizer ${optimizer} at iteration ${iterations}, expected ${kerasCase.optimizer} at 3` };
        }
        const history = await model.fit(tf.tensor2d(written.compiled.x), tf.tensor2d(written.compiled.y), {
          epochs: 2,
          batchSize: 4,
          shuffle: false,
          verbose: 0,
        });
        const loss = history.history["loss"]![1] as number;
        return Math.abs(loss - kerasCase.loss) <= tolerance * Math.max(1, Math.abs(kerasCase.loss))
          ? { ok: true }
          : { ok: false, detail: `next fit step loss ${loss} in tskeras, ${kerasCase.loss} in Keras` };
      }),
    );
  }
  const moduleRead = read["module"]!;
  record(
    "tf.Module",
    "tf.saved_model.save",
    "ts→keras",
    moduleRead["savedmodel"]!.error !== undefined
      ? { ok: false, detail: moduleRead["savedmodel"]!.error }
      : predictionCell(moduleRead["savedmodel"]!.predicted, moduleExpected),
  );
  record(
    "tf.Module",
    "tf.train.Checkpoint",
    "ts→keras",
    await attempt(() => {
      const result = moduleRead["checkpoint"]!;
      if (result.error !== undefined) return { ok: false, detail: result.error };
      const w = Array.from(ours.w.dataSync());
      const b = Array.from(ours.b.dataSync());
      return result.variables!["w"]?.join() === w.join() && result.variables!["b"]?.join() === b.join() ? { ok: true } : { ok: false, detail: "values differ" };
    }),
  );

  printMatrix(written, supported);
  const failures = [...cells].filter(([, cell]) => !cell.ok && cell.todo === undefined);
  assert.deepEqual(
    failures.map(([key, cell]) => `${key}: ${cell.detail}`),
    [],
  );
});

function buildInTskeras(matrixCase: MatrixCase): tf.LayersModel {
  const layer = keras.layers.deserialize({
    class_name: matrixCase.class_name,
    config: { ...(matrixCase.kwargs as Record<string, unknown>) },
  } as never) as tf.layers.Layer;
  if (matrixCase.inputs.length === 2) {
    const a = keras.Input({ shape: matrixCase.shape, name: "a" });
    const b = keras.Input({ shape: matrixCase.shape, name: "b" });
    return new keras.Model([a, b], layer.apply([a, b]) as tf.SymbolicTensor);
  }
  const input = new keras.layers.InputLayer({ inputShape: matrixCase.shape, dtype: matrixCase.input_dtype === "int32" ? "int32" : "float32" });
  return new keras.Sequential([input, layer]);
}

/** Deterministic weights in [0.5, 1.5] (as the Keras side does), so a swapped variable shows. */
function randomizeWeights(model: tf.LayersModel, seed: number): void {
  model.setWeights(model.getWeights().map((weight, index) => tf.randomUniform(weight.shape, 0.5, 1.5, weight.dtype as "float32", seed * 100 + index)));
}

function tsModule(): { w: tf.Variable; b: tf.Variable; call: (x: tf.Tensor) => tf.Tensor } {
  const module = new tf.Module() as unknown as { w: tf.Variable; b: tf.Variable; call: (x: tf.Tensor) => tf.Tensor };
  module.w = new tf.Variable(
    tf.tensor2d([
      [0.5, -1.25],
      [2, 0.75],
      [-0.5, 1],
    ]),
    { name: "w" },
  );
  module.b = new tf.Variable(tf.tensor1d([0.3, -0.1]), { name: "b" });
  module.call = tf.function((x: tf.Tensor) => tf.tanh(tf.add(tf.matMul(x, module.w), module.b)), {
    inputSignature: [new tf.TensorSpec([null, 3], "float32", "x")],
  }) as unknown as (x: tf.Tensor) => tf.Tensor;
  return module;
}

function printMatrix(written: KerasWritten, supported: Set<string>): void {
  const entries = [...new Set([...cells.keys()].map((key) => key.split("|")[0]!))];
  const direction = (column: string): number => ["keras→ts", "ts→keras", "defaults"].indexOf(column.slice(column.lastIndexOf(" ") + 1));
  const columns = [...new Set([...cells.keys()].map((key) => key.split("|").slice(1).join(" ")))].sort((left, right) => direction(left) - direction(right));
  const lines: string[] = [];
  lines.push(`Differential matrix: TensorFlow ${written.versions.tensorflow}, Keras ${written.versions.keras}`);
  const catalog = Object.entries(written.catalog)
    .map(([kind, names]) => `${kind} ${names.length}`)
    .join(", ");
  lines.push(
    `Keras catalog (enumerated now): ${catalog}; layer classes tskeras supports: ${[...new Set(written.catalog.layers.filter((name) => supported.has(name) || supportedLayerClasses([name]).size))].length}; with a recipe: ${entries.length - 1}`,
  );
  const activations = written.catalog.activations;
  lines.push(
    `activations: ${activations.filter((name) => isBuiltinActivationName(name)).length} of ${activations.length} in keras.activations are supported and in the matrix; not supported: ${activations.filter((name) => !isBuiltinActivationName(name)).join(", ") || "none"}`,
  );
  const uncovered = written.catalog.layers.filter((name) => supportedLayerClasses([name]).size > 0 && !(name in written.cases));
  if (uncovered.length > 0) lines.push(`supported but without a recipe (not in the matrix): ${uncovered.join(", ")}`);
  lines.push(`legend: ✓ pass, T known failure (todo), ✗ fail, · not applicable`);
  columns.forEach((column, index) => lines.push(`  [${index + 1}] ${column}`));
  const width = Math.max(...entries.map((entry) => entry.length));
  lines.push(`${"entry".padEnd(width)} ${columns.map((_, index) => String(index + 1).padStart(2)).join(" ")}`);
  for (const entry of entries) {
    const marks = columns.map((column) => {
      const [format, direction] = [column.slice(0, column.lastIndexOf(" ")), column.slice(column.lastIndexOf(" ") + 1)];
      const cell = cells.get(`${entry}|${format}|${direction}`);
      return (cell === undefined ? "·" : cell.ok ? "✓" : cell.todo !== undefined ? "T" : "✗").padStart(2);
    });
    lines.push(`${entry.padEnd(width)} ${marks.join(" ")}`);
  }
  const counts = { pass: 0, todo: 0, fail: 0 };
  const perDirection: Record<string, { pass: number; total: number }> = {};
  for (const [key, cell] of cells) {
    const direction = key.split("|")[2]!;
    perDirection[direction] ??= { pass: 0, total: 0 };
    perDirection[direction]!.total++;
    if (cell.ok) {
      counts.pass++;
      perDirection[direction]!.pass++;
    } else if (cell.todo !== undefined) counts.todo++;
    else counts.fail++;
  }
  lines.push(
    `cells: ${cells.size} = ${counts.pass} pass + ${counts.todo} todo + ${counts.fail} fail; ${Object.entries(perDirection)
      .map(([direction, count]) => `${direction} ${count.pass}/${count.total}`)
      .join(", ")}`,
  );
  for (const [key, cell] of cells) if (cell.ok && cell.note !== undefined) lines.push(`  note ${key.replaceAll("|", " · ")}: ${cell.note}`);
  for (const [key, cell] of cells)
    if (!cell.ok)
      lines.push(
        `  ${cell.todo !== undefined ? "todo" : "FAIL"} ${key.replaceAll("|", " · ")}: ${cell.detail}${cell.todo !== undefined ? ` (${cell.todo})` : ""}`,
      );
  console.log(lines.join("\n"));
}
