import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot } from "../support/kernelspec.js";
import { resultText, runCells, streamText, type CellReport } from "../engine/run-cells.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const real = realFixturesDirectory;
type Reference = { variables: Array<{ path: string; shape: number[]; first_values: number[] }>; model_config_summary: { layers: Array<{ name: string }> } };
const reference = (id: string) => JSON.parse(readFileSync(join(real, "reference", `${id}.json`), "utf8")) as Reference;
const displayed = (report: CellReport) => report.outputs.find((output) => output.type === "display")?.data as Record<string, string> | undefined;
const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** h5py (an independent reader) dumps every dataset of an HDF5 file, or of the .h5 inside a .keras zip. */
function h5pyDatasets(path: string, member?: string): Record<string, number[]> {
  const script = [
    "import h5py, io, json, sys, zipfile",
    "source = io.BytesIO(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2])) if len(sys.argv) > 2 else sys.argv[1]",
    "out = {}",
    "h5py.File(source, 'r').visititems(lambda name, item: out.__setitem__(name, item[()].ravel().tolist()) if isinstance(item, h5py.Dataset) and item.dtype.kind == 'f' else None)",
    "print(json.dumps(out))",
  ].join("\n");
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, path, ...(member ? [member] : [])], { encoding: "utf8" })) as Record<string, number[]>;
}

// The model's weights are set to known values, so every saved file can be checked against them and
// predictions against x·W + b computed by hand: x = [1, 1, 1] → [1+3+5+0.5, 2+4+6-0.5] = [9.5, 11.5].
const kernel = [1, 2, 3, 4, 5, 6];
const bias = [0.5, -0.5];
const expectedPrediction = "[9.5,11.5]";
const predict = (name: string) => `JSON.stringify(Array.from((${name}.predict(tf.tensor2d([[1, 1, 1]])) as tf.Tensor).dataSync()))`;

describe("%save and %load", () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-save-load-magics-"));
  writeFileSync(join(directory, "not-a-model.h5"), "plain text, not HDF5\n");
  const nested = reference("k3_3.15.0_nested_custom");
  const reports = runCells(
    [
      `import { keras, tf } from "tskeras";\nconst model = new keras.Sequential([new keras.layers.Dense(2, { name: "out", inputShape: [3] })]);\nmodel.layers[0]!.setWeights([tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([0.5, -0.5])]);`, // 0
      "%save model legacy.h5", // 1
      "%save model archive.keras", // 2
      "%save model exported --format savedmodel", // 3
      "%save model checkpoints/weights --format tf --weights-only", // 4
      "%save model only.weights.h5 --format keras --weights-only", // 5
      "%save model web --format tfjs", // 6
      "%load legacy.h5 as fromH5", // 7
      predict("fromH5"), // 8
      "%load archive.keras", // 9  (binds `archive`)
      predict("archive"), // 10
      "%load exported as fromSavedModel", // 11
      predict("fromSavedModel"), // 12
      "%load web/model.json as fromTfjs", // 13
      predict("fromTfjs"), // 14
      `const fresh = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);\nawait fresh.loadWeights("checkpoints/weights");\n${predict("fresh")}`, // 15
      `%load ${join(real, "k2h5_2.12.0_dense/AlphabetSoupCharity.h5")} as charity`, // 16
      "charity.countParams()", // 17
      `class NestedDense extends keras.Sequential {\n  constructor(config: { name: string; num: number }) {\n    const inner = Array.from({ length: config.num }, () => new keras.layers.Dense(4, { useBias: false }));\n    super([keras.Input({ shape: [4] }), ...inner, new keras.layers.Dense(2)], { name: config.name });\n  }\n}`, // 18
      `%load ${join(real, "k3_3.15.0_nested_custom/pre_pr22362_nested_container.keras")} as custom --custom-objects NestedDenseModel=NestedDense`, // 19
      "JSON.stringify(custom.getWeights().map((weight) => Array.from(weight.dataSync()).slice(0, 5)))", // 20
      // error paths, each followed by nothing special: the last cell checks the kernel still runs
      "%save model out.h5 --format onnx", // 21
      "%save noSuchModel out.h5", // 22
      "const notModel = 42;\n%save notModel out.h5", // 23
      "%save model", // 24
      "%save model exported2 --format savedmodel --weights-only", // 25
      "%load no/such/model.h5", // 26
      "%load not-a-model.h5", // 27
      "%load legacy.h5 into x", // 28
      `%load ${join(real, "k3_3.15.0_nested_custom/pre_pr22362_nested_container.keras")} --custom-objects Missing`, // 29
      "%save model x.keras --weights-only --format keras", // 30
      "1 + 1", // 31
      "model.layers[0]!.setWeights([tf.tensor2d([[1, 2], [3, 4], [5, 6.75]]), tf.tensor1d([0.5, -0.5])]);", // 32
      "%save model changed.h5\n%save model changed.keras", // 33
      "%diff legacy.h5 changed.h5", // 34
      "%diff archive.keras changed.keras", // 35
      "%diff legacy.h5 archive.keras", // 36
      "%diff legacy.h5 nowhere.h5", // 37
      `%load ${join(real, "k3_3.15.0_nested_custom/pre_pr22362_nested_container.keras")} as unregistered`, // 38
    ],
    { workingDirectory: directory, timeoutMs: 180_000 },
  );
  const ok = (index: number) => assert.equal(reports[index]!.outcome.status, "ok", `cell ${index}: ${JSON.stringify(reports[index]!.outcome)}`);

  it("%save writes Keras 2 .h5 whose datasets h5py reads back as the model's values", () => {
    ok(0);
    ok(1);
    assert.match(streamText(reports[1]!), /^Saved model to legacy\.h5 \(Keras 2 HDF5, [\d.]+ KiB\)\.\n$/);
    const datasets = h5pyDatasets(join(directory, "legacy.h5"));
    assert.deepEqual(datasets["model_weights/out/out/kernel:0"], kernel);
    assert.deepEqual(datasets["model_weights/out/out/bias:0"], bias);
  });

  it("%save writes a Keras 3 .keras archive and Keras 3 .weights.h5, read by zipfile + h5py", () => {
    ok(2);
    ok(5);
    const archived = h5pyDatasets(join(directory, "archive.keras"), "model.weights.h5");
    assert.deepEqual(archived["layers/dense/vars/0"], kernel);
    assert.deepEqual(archived["layers/dense/vars/1"], bias);
    const weights = h5pyDatasets(join(directory, "only.weights.h5"));
    assert.deepEqual(weights["layers/dense/vars/0"], kernel);
    assert.match(streamText(reports[5]!), /Keras 3 weights/);
  });

  it("--format tf --weights-only writes a TensorFlow checkpoint an independent index reader accepts", () => {
    ok(4);
    const prefix = join(directory, "checkpoints/weights");
    const report = JSON.parse(
      execFileSync(
        "/usr/bin/python3",
        [join(repositoryRoot, "test/checkpoint/independent-index-reader.py"), `${prefix}.index`, `${prefix}.data-00000-of-00001`],
        { encoding: "utf8" },
      ),
    ) as { blocks: Array<{ crc_ok: boolean }>; entries: Array<{ key: string; shape?: number[]; offset?: number; size?: number; data_crc_ok?: boolean }> };
    assert.ok(report.blocks.every((block) => block.crc_ok));
    const entry = report.entries.find((candidate) => candidate.key === "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")!;
    assert.deepEqual(entry.shape, [3, 2]);
    const data = readFileSync(`${prefix}.data-00000-of-00001`);
    assert.deepEqual(
      Array.from({ length: 6 }, (_, index) => data.readFloatLE(entry.offset! + 4 * index)),
      kernel,
    );
    ok(15);
    assert.equal(resultText(reports[15]!), `'${expectedPrediction}'`);
  });

  it("--format savedmodel and tfjs write their folders", () => {
    ok(3);
    ok(6);
    for (const file of ["saved_model.pb", "variables/variables.index", "keras_metadata.pb"]) assert.ok(existsSync(join(directory, "exported", file)), file);
    const modelJson = JSON.parse(readFileSync(join(directory, "web/model.json"), "utf8")) as {
      weightsManifest: Array<{ weights: Array<{ shape: number[] }> }>;
    };
    assert.deepEqual(modelJson.weightsManifest[0]!.weights.map((weight) => weight.shape).sort(), [[2], [3, 2]]);
    assert.match(streamText(reports[3]!), /TensorFlow SavedModel directory/);
  });

  it("%load binds every saved format to a variable that predicts x·W + b, and shows the summary", () => {
    for (const [load, prediction, name] of [
      [7, 8, "fromH5"],
      [9, 10, "archive"],
      [11, 12, "fromSavedModel"],
      [13, 14, "fromTfjs"],
    ] as const) {
      ok(load);
      assert.match(streamText(reports[load]!), new RegExp(`as ${name}\\.\\n$`));
      const summary = displayed(reports[load]!)!;
      assert.match(summary["text/html"]!, /<table/);
      assert.match(summary["text/plain"]!, /Total params: 8\b/); // 3×2 kernel + 2 biases
      assert.equal(resultText(reports[prediction]!), `'${expectedPrediction}'`, `cell ${prediction}`);
    }
  });

  it("%load of a real Keras 2 file shows its layers and parameter count from the reference", () => {
    ok(16);
    const facts = reference("k2h5_2.12.0_dense");
    const params = facts.variables.filter((variable) => variable.path.startsWith("model_weights/")).reduce((sum, variable) => sum + product(variable.shape), 0);
    assert.equal(resultText(reports[17]!), String(params));
    const html = displayed(reports[16]!)!["text/html"]!;
    for (const layer of facts.model_config_summary.layers.filter((layer) => !layer.name.endsWith("_input")))
      assert.match(html, new RegExp(`>${layer.name} \\(Dense\\)<`));
  });

  it("--custom-objects passes notebook classes to the loader (weights match h5py's reading)", () => {
    ok(18);
    ok(19);
    const weights = JSON.parse(JSON.parse(resultText(reports[20]!)!.replace(/^'|'$/g, '"'))) as number[][];
    assert.equal(weights.length, nested.variables.length);
    nested.variables.forEach((variable, index) =>
      variable.first_values.forEach((value, position) => assert.ok(Math.abs(weights[index]![position]! - value) < 1e-6, `${variable.path}[${position}]`)),
    );
  });

  it("%diff compares .h5 and .keras saves variable by variable (one kernel entry moved by 0.75)", () => {
    ok(32);
    ok(33);
    assert.equal(displayed(reports[34]!)!["text/plain"], "~ model_weights/out/out/kernel:0: max |Δ| = 0.7500\n1 shared variables equal, 1 differ.");
    assert.equal(displayed(reports[35]!)!["text/plain"], "~ layers/dense/vars/0: max |Δ| = 0.7500\n1 shared variables equal, 1 differ.");
    assert.equal(
      displayed(reports[36]!)!["text/plain"],
      "+ layers/dense/vars/0 (only in archive.keras)\n+ layers/dense/vars/1 (only in archive.keras)\n- model_weights/out/out/bias:0 (only in legacy.h5)\n- model_weights/out/out/kernel:0 (only in legacy.h5)\n0 shared variables equal, 0 differ.",
    );
    const outcome = reports[37]!.outcome as { status: string; ename: string; evalue: string };
    assert.equal(outcome.ename, "UsageError");
    assert.match(outcome.evalue, /^%diff: .*nowhere\.h5/);
    assert.doesNotMatch(outcome.evalue, /\n/);
  });

  it("bad formats, paths, variables and arguments are one-line UsageErrors, and the kernel stays usable", () => {
    for (const [index, pattern] of [
      [21, /^%save: unknown format "onnx"\. Expected one of h5, keras, savedmodel, tf, tfjs/],
      [22, /^No variable named "noSuchModel" in the notebook/],
      [23, /^"notModel" is not a Keras model \(a number\)/],
      [24, /^%save needs a model variable and a path, got 1 argument\. Usage: %save MODEL PATH/],
      [25, /^%save --weights-only --format savedmodel: .* always holds the architecture/],
      [26, /^%load: no\/such\/model\.h5 does not exist/],
      [27, /^%load not-a-model\.h5: /],
      [28, /^%load: could not read "legacy\.h5 into x"\. Usage: %load PATH \[as NAME\]/],
      [29, /^%load --custom-objects: no variable named "Missing" in the notebook/],
      [30, /^%save --weights-only --format keras writes Keras 3 weights, whose file name must end in \.weights\.h5/],
    ] as const) {
      const outcome = reports[index]!.outcome as { status: string; ename: string; evalue: string };
      assert.equal(outcome.status, "error", `cell ${index}`);
      assert.equal(outcome.ename, "UsageError", `cell ${index}: ${outcome.evalue}`);
      assert.match(outcome.evalue, pattern);
      assert.doesNotMatch(outcome.evalue, /\n/);
    }
    assert.ok(!existsSync(join(directory, "out.h5")), "a refused %save writes nothing");
    // A model whose class is unknown: the hint to read it anyway is the notebook's magic, with the path.
    const unknownClass = reports[38]!.outcome as { status: string; ename: string; evalue: string };
    assert.equal(unknownClass.ename, "UsageError");
    assert.match(unknownClass.evalue, /unknown class "NestedDenseModel"/);
    assert.match(unknownClass.evalue, /can still be read without the class: %inspect \S*pre_pr22362_nested_container\.keras/);
    assert.doesNotMatch(unknownClass.evalue, /inspectFile/);
    assert.equal(resultText(reports[31]!), "2");
  });
});
