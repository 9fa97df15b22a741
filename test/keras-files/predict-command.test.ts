// `tskeras predict` on every real .h5/.keras fixture with a whole model: the reference inputs go in
// as .npy files, the outputs must match the reference outputs (computed by Python Keras) within 1e-4.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { writeNpy } from "../../lib/formats/npy.js";
import { repositoryRoot } from "../support/kernelspec.js";
import { fixturePath, readReference } from "./reference-fixtures.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const cli = join(repositoryRoot, "dist/kernel/cli.js");
const directory = mkdtempSync(join(tmpdir(), "tskeras-predict-"));

function flatten(values: unknown): number[] {
  return Array.isArray(values) ? values.flatMap(flatten) : [Number(values)];
}

function runPredict(args: string[]) {
  return spawnSync(process.execPath, [cli, "predict", ...args], { encoding: "utf8" });
}

describe("tskeras predict", () => {
  for (const id of ["k2h5_2.12.0_dense", "k2h5_2.3.1_cnn", "k2h5_2.3.1_lstm", "k2h5_2.4.0_conv", "k3_3.10.0_cnn"]) {
    it(`${id}: reference inputs give the reference outputs within the reference tolerance`, () => {
      const reference = readReference(id);
      const prediction = reference.prediction!;
      const inputArgs = prediction.inputs.flatMap((input, index) => {
        const file = join(directory, `${id}-${index}.npy`);
        writeFileSync(file, writeNpy({ dtype: "float32", shape: input.shape, values: Float32Array.from(flatten(input.values)) }));
        return ["--input", file];
      });
      const output = join(directory, `${id}.json`);
      const child = runPredict([fixturePath(reference), ...inputArgs, "--output", output]);
      assert.equal(child.status, 0, child.stderr);
      const written = JSON.parse(readFileSync(output, "utf8")) as { outputs: { shape: number[]; dtype: string; values: number[] }[] };
      assert.equal(written.outputs.length, prediction.outputs.length);
      written.outputs.forEach((actual, index) => {
        const expected = prediction.outputs[index]!;
        assert.deepEqual(actual.shape, expected.shape);
        assert.equal(actual.dtype, "float32");
        const expectedValues = flatten(expected.values);
        assert.equal(actual.values.length, expectedValues.length);
        actual.values.forEach((value, position) =>
          assert.ok(
            Math.abs(value - expectedValues[position]!) <= prediction.tolerance_abs,
            `${id} output ${index}[${position}]: ${value} vs ${expectedValues[position]}`,
          ),
        );
      });
    });
  }

  it("explains missing arguments and refuses the Lambda file without --unsafe", () => {
    const missing = runPredict([fixturePath(readReference("k2h5_2.12.0_dense"))]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /at least one --input FILE\.npy is needed/);
    const input = join(directory, "lambda-input.npy");
    writeFileSync(input, writeNpy({ dtype: "float32", shape: [1, 1], values: new Float32Array([1]) }));
    const hostile = runPredict([join(realFixturesDirectory, "adv_k2h5_2.11.0_lambda/exploit.h5"), "--input", input, "--output", join(directory, "never.json")]);
    assert.equal(hostile.status, 1);
    assert.match(hostile.stderr, /tskeras predict: [\s\S]*Lambda/);
  });
  it("--signature serving_default runs sm_k2_dense's graph (NAME=file.npy) and gives the reference outputs", () => {
    const reference = readReference("sm_k2_dense");
    const prediction = reference.prediction!;
    const input = prediction.inputs[0]!;
    const file = join(directory, "sm-input.npy");
    writeFileSync(file, writeNpy({ dtype: "float32", shape: input.shape, values: Float32Array.from(flatten(input.values)) }));
    const output = join(directory, "sm.json");
    const child = runPredict([
      join(realFixturesDirectory, "sm_k2_dense/my_model"),
      "--signature",
      "serving_default",
      "--input",
      `dense_input=${file}`,
      "--output",
      output,
    ]);
    assert.equal(child.status, 0, child.stderr);
    const written = JSON.parse(readFileSync(output, "utf8")) as { outputs: { name: string; shape: number[]; values: number[] }[] };
    assert.equal(written.outputs.length, 1);
    assert.deepEqual(written.outputs[0]!.shape, prediction.outputs[0]!.shape);
    const expected = flatten(prediction.outputs[0]!.values);
    written.outputs[0]!.values.forEach((value, position) =>
      assert.ok(Math.abs(value - expected[position]!) <= prediction.tolerance_abs, `${value} vs ${expected[position]}`),
    );
  });

  it("--signature names the signatures a SavedModel has when the one asked for is missing", () => {
    const file = join(directory, "three.npy");
    writeFileSync(file, writeNpy({ dtype: "float32", shape: [], values: new Float32Array([2]) }));
    const child = runPredict([
      join(realFixturesDirectory, "tfjs_sm_times_three_float/times_three_float"),
      "--signature",
      "predict",
      "--input",
      file,
      "--output",
      join(directory, "never.json"),
    ]);
    assert.equal(child.status, 2);
    assert.match(child.stderr, /has no signature "predict"; it has serving_default/);
  });
});
