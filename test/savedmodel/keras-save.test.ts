// saveKerasSavedModel: our SavedModel for the sm_k2_dense architecture is compared with the real
// file tf-keras 2.10 wrote (node paths, checkpoint keys), reloaded in a fresh node process, and its
// serving_default signature run through the graph runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { saveKerasSavedModel } from "../../lib/keras/saving/savedmodel/save-keras-saved-model.js";
import { loadSavedModel, readSavedModelDirectory } from "../../lib/formats/savedmodel/index.js";
import { loadCheckpoint } from "../../lib/formats/checkpoint/index.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const realModel = join(realFixturesDirectory, "sm_k2_dense", "my_model");

tf.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

/** The sm_k2_dense architecture (reference keras_root_config_summary): Dense(8, relu) ← 43, Dense(5, relu), Dense(1, sigmoid). */
async function trainedDenseModel(): Promise<tfl.LayersModel> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 8, activation: "relu", inputShape: [43], name: "dense" }),
      tfl.layers.dense({ units: 5, activation: "relu", name: "dense_1" }),
      tfl.layers.dense({ units: 1, activation: "sigmoid", name: "dense_2" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: "binaryCrossentropy", metrics: ["accuracy"] });
  // One training step creates Adam's slots, which Keras saves too.
  await model.fit(tf.randomUniform([16, 43], 0, 1, "float32", 7), tf.round(tf.randomUniform([16, 1], 0, 1, "float32", 8)), { epochs: 1, verbose: 0 });
  return model;
}

const keys = (directory: string): string[] =>
  loadCheckpoint(join(directory, "variables", "variables"))
    .keys()
    .sort();
const metadataPaths = (directory: string): string[] =>
  readSavedModelDirectory(directory)
    .kerasMetadata!.nodes.map((node) => node.node_path!)
    .sort();

const model = await trainedDenseModel();
const saved = join(mkdtempSync(join(tmpdir(), "tskeras-sm-")), "my_model");
await saveKerasSavedModel(model, saved);
const input = tf.randomUniform([3, 43], -1, 1, "float32", 11);
const expected = (model.predict(input) as tf.Tensor).arraySync() as number[][];

test("keras_metadata.pb node paths equal those of the real tf-keras file", () => {
  assert.deepEqual(metadataPaths(saved), metadataPaths(realModel));
});

test("variables/ checkpoint keys equal those of the real tf-keras file (weights, Adam slots, metrics)", () => {
  assert.deepEqual(keys(saved), keys(realModel));
});

test("the directory has saved_model.pb, keras_metadata.pb, variables/, assets/, fingerprint.pb and no temporary folder", () => {
  for (const name of ["saved_model.pb", "keras_metadata.pb", "variables", "assets", "fingerprint.pb"]) assert.ok(existsSync(join(saved, name)), name);
  assert.deepEqual(readdirSync(dirname(saved)), ["my_model"]);
});

test("saved_model.pb decoded field by field from the wire format: schema version 1, tag serve, serving_default", () => {
  const bytes = readFileSync(join(saved, "saved_model.pb"));
  // Independent of protobufjs: walk the top-level fields by hand.
  const fields = wireFields(bytes);
  assert.deepEqual(fields.find((field) => field.number === 1)?.value, 1);
  const metaGraph = fields.find((field) => field.number === 2)!.value as Uint8Array;
  const metaFields = wireFields(metaGraph);
  const infoDef = wireFields(metaFields.find((field) => field.number === 1)!.value as Uint8Array);
  assert.deepEqual(
    infoDef.filter((field) => field.number === 4).map((field) => Buffer.from(field.value as Uint8Array).toString()),
    ["serve"],
  );
  const signatureKeys = metaFields
    .filter((field) => field.number === 5)
    .map((field) => Buffer.from(wireFields(field.value as Uint8Array).find((entry) => entry.number === 1)!.value as Uint8Array).toString());
  assert.ok(signatureKeys.includes("serving_default"), signatureKeys.join());
  const text = bytes.toString("latin1");
  for (const op of ["VarHandleOp", "ReadVariableOp", "MatMul", "BiasAdd", "Relu", "Sigmoid", "StatefulPartitionedCall"]) assert.ok(text.includes(op), op);
});

test("serving_default of our SavedModel runs through the graph runtime with the model's predictions", async () => {
  const loaded = await loadSavedModel(saved);
  const signature = loaded.signatures.serving_default!;
  assert.deepEqual(Object.keys(signature.inputs), ["dense_input"]);
  assert.deepEqual(Object.keys(signature.outputs), ["dense_2"]);
  const { dense_2 } = signature({ dense_input: input });
  const actual = dense_2!.arraySync() as number[][];
  expected.forEach((row, i) => row.forEach((value, j) => assert.ok(Math.abs(actual[i]![j]! - value) < 1e-6, `${actual[i]![j]} vs ${value}`)));
  loaded.dispose();
});

test("a fresh node process loads our SavedModel with keras.models.loadModel and predicts identically", () => {
  const script = `
    import * as tf from "@tensorflow/tfjs-core";
    tf.env().set("PROD", true);
    const { keras } = await import(${JSON.stringify(join(root, "dist", "lib", "index.js"))});
    // Same backend as this process, so identical weights give bit-identical outputs.
    await import("@tensorflow/tfjs-backend-cpu");
    await tf.setBackend("cpu");
    const model = await keras.models.loadModel(${JSON.stringify(saved)});
    const input = tf.tensor(${JSON.stringify(input.arraySync())});
    console.log(JSON.stringify({ output: model.predict(input).arraySync(), iterations: model.optimizer.iterations }));
  `;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  const result = JSON.parse(output.trim().split("\n").pop()!) as { output: number[][]; iterations: number };
  assert.deepEqual(result.output, expected);
  assert.equal(result.iterations, model.optimizer.iterations);
});

/** Minimal protobuf wire-format reader: varint and length-delimited fields only. */
function wireFields(bytes: Uint8Array): Array<{ number: number; value: number | Uint8Array }> {
  const fields: Array<{ number: number; value: number | Uint8Array }> = [];
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[offset++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === 0) fields.push({ number, value: varint() });
    else if (wireType === 2) {
      const length = varint();
      fields.push({ number, value: bytes.subarray(offset, offset + length) });
      offset += length;
    } else if (wireType === 5) offset += 4;
    else if (wireType === 1) offset += 8;
    else throw new Error(`unexpected wire type ${wireType}`);
  }
  return fields;
}
