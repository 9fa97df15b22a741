// SavedModel reading and signature execution, checked against the real files Python
// TensorFlow wrote and the facts in their reference JSON (read by an independent reader).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import {
  decodeFingerprint,
  formatSavedModelInspection,
  inspectSavedModel,
  kerasMetadataEntries,
  loadFromFiles,
  loadSavedModel,
  readSavedModelDirectory,
} from "../../lib/formats/savedmodel/index.js";
import { loadCheckpoint } from "../../lib/formats/checkpoint/index.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

// dist/test/savedmodel/x.test.js sits three levels below the repository root.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const fixtures = realFixturesDirectory;
const timesThree = join(fixtures, "tfjs_sm_times_three_float", "times_three_float");
const multipleSignatures = join(fixtures, "tfjs_sm_module_with_multiple_signatures", "module_with_multiple_signatures");
const kerasDense = join(fixtures, "sm_k2_dense", "my_model");

interface ReferenceSignature {
  method_name: string;
  inputs: Record<string, { name: string; dtype: string; shape: number[] | null }>;
  outputs: Record<string, { name: string; dtype: string; shape: number[] | null }>;
}
interface Reference {
  saved_model_pb: { meta_graphs: Array<{ tags: string[]; signature_defs: Record<string, ReferenceSignature> }> };
  keras_metadata_pb?: { num_nodes: number; identifiers: string[]; root_identifier: string; root_layers: string[] };
  keras_root_config_summary?: { class_name: string; layers: Array<{ class_name: string; name: string }> };
  prediction?: { tolerance_abs: number; inputs: Array<{ name: string; values: number[][] }>; outputs: Array<{ values: number[][] }> };
  bundle: { variables: Array<{ key: string; first_values?: number[] }> };
}
const reference = (id: string): Reference => JSON.parse(readFileSync(join(fixtures, "reference", `${id}.json`), "utf8")) as Reference;

// Quiet the "install tfjs-node" banner: it is printed unless PROD is set before the backend loads.
tf.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

for (const [id, directory] of [
  ["tfjs_sm_times_three_float", timesThree],
  ["tfjs_sm_module_with_multiple_signatures", multipleSignatures],
  ["sm_k2_dense", kerasDense],
] as const) {
  test(`inspectSavedModel lists the tags and signatures of ${id} as the reference does`, () => {
    const expected = reference(id).saved_model_pb.meta_graphs[0]!;
    const inspection = inspectSavedModel(directory);
    assert.deepEqual(inspection.tags, expected.tags);
    assert.deepEqual(Object.keys(inspection.signatures).sort(), Object.keys(expected.signature_defs).sort());
    for (const [key, signature] of Object.entries(expected.signature_defs)) {
      const actual = inspection.signatures[key]!;
      assert.equal(actual.methodName, signature.method_name);
      for (const side of ["inputs", "outputs"] as const) {
        assert.deepEqual(Object.keys(actual[side]).sort(), Object.keys(signature[side]).sort(), `${key} ${side}`);
        for (const [name, spec] of Object.entries(signature[side])) {
          assert.equal(actual[side][name]!.name, spec.name);
          assert.equal(actual[side][name]!.dtype, spec.dtype);
          // The reference writes null for an unknown rank; so does the reader.
          assert.deepEqual(actual[side][name]!.shape, spec.shape);
        }
      }
    }
  });
}

test("loadSavedModel exposes the user signatures and leaves out __saved_model_init_op", async () => {
  const model = await loadSavedModel(multipleSignatures);
  assert.deepEqual(Object.keys(model.signatures).sort(), ["serving_default", "timestwo"]);
  model.dispose();
});

test("times_three_float serving_default returns 3·x", async () => {
  const model = await loadSavedModel(timesThree);
  // The stored variable v is 3.0 (reference first_values) and the graph computes x * v.
  assert.deepEqual(reference("tfjs_sm_times_three_float").bundle.variables.find((v) => v.key.startsWith("v/"))?.first_values, [3]);
  for (const x of [2, -1.5, 0]) {
    const { output_0 } = model.signatures.serving_default!({ x: tf.scalar(x) });
    assert.equal(output_0!.dataSync()[0], 3 * x);
    output_0!.dispose();
  }
  model.dispose();
});

test("module_with_multiple_signatures: serving_default is x·v (v=3) and timestwo is x·two (two=2)", async () => {
  const variables = reference("tfjs_sm_module_with_multiple_signatures").bundle.variables;
  assert.deepEqual(variables.find((v) => v.key.startsWith("v/"))?.first_values, [3]);
  assert.deepEqual(variables.find((v) => v.key.startsWith("two/"))?.first_values, [2]);
  const model = await loadSavedModel(multipleSignatures);
  assert.equal(model.signatures.serving_default!({ x: tf.scalar(5) }).output_0!.dataSync()[0], 15);
  assert.equal(model.signatures.timestwo!({ x: tf.scalar(5) }).output_0!.dataSync()[0], 10);
  assert.equal(model.signatures.timestwo!({ x: tf.scalar(-0.25) }).output_0!.dataSync()[0], -0.5);
  model.dispose();
});

test("sm_k2_dense serving_default reproduces the reference prediction within 1e-4", async () => {
  const prediction = reference("sm_k2_dense").prediction!;
  const model = await loadSavedModel(kerasDense, { tags: ["serve"] });
  const input = tf.tensor(prediction.inputs[0]!.values);
  const { dense_2 } = model.signatures.serving_default!({ dense_input: input });
  assert.deepEqual(dense_2!.shape, [2, 1]);
  const actual = dense_2!.arraySync() as number[][];
  prediction.outputs[0]!.values.forEach((row, i) =>
    row.forEach((value, j) => assert.ok(Math.abs(actual[i]![j]! - value) <= prediction.tolerance_abs, `[${i}][${j}] ${actual[i]![j]} vs ${value}`)),
  );
  model.dispose();
});

test("keras_metadata.pb decodes with the node count and identifiers of the reference", () => {
  const expected = reference("sm_k2_dense").keras_metadata_pb!;
  const metadata = readSavedModelDirectory(kerasDense).kerasMetadata!;
  assert.equal(metadata.nodes.length, expected.num_nodes);
  assert.deepEqual([...new Set(metadata.nodes.map((node) => node.identifier))].sort(), expected.identifiers);
  assert.equal(metadata.nodes.find((node) => node.node_path === "root")?.identifier, expected.root_identifier);
  const rootConfig = JSON.parse(metadata.nodes.find((node) => node.node_path === "root")!.metadata!) as { class_name: string };
  assert.equal(rootConfig.class_name, "Sequential");
});

test("inspectSavedModel lists variables with the paths that are their checkpoint keys in the reference", () => {
  for (const [id, directory] of [
    ["sm_k2_dense", kerasDense],
    ["tfjs_sm_module_with_multiple_signatures", multipleSignatures],
  ] as const) {
    const bundleKeys = reference(id).bundle.variables.map((variable) => variable.key);
    const inspection = inspectSavedModel(directory);
    assert.ok(inspection.variables.length > 0);
    for (const variable of inspection.variables) {
      assert.ok(bundleKeys.includes(`${variable.path}/.ATTRIBUTES/VARIABLE_VALUE`), `${id}: ${variable.path}`);
    }
  }
  const dense = inspectSavedModel(kerasDense).variables.find((variable) => variable.path === "layer_with_weights-0/kernel");
  assert.deepEqual(dense, { name: "dense/kernel", path: "layer_with_weights-0/kernel", dtype: "float32", shape: [43, 8] });
});

test("kerasMetadataEntries parses the root config: the reference's layer classes and names", () => {
  const expected = reference("sm_k2_dense").keras_root_config_summary!;
  const entries = kerasMetadataEntries(readSavedModelDirectory(kerasDense).kerasMetadata!);
  const root = entries.find((entry) => entry.nodePath === "root")!;
  assert.equal(root.nodeId, 0);
  const config = root.metadata as { class_name: string; config: { layers: Array<{ class_name: string; config: { name: string } }> } };
  assert.equal(config.class_name, expected.class_name);
  assert.deepEqual(
    config.config.layers.map((layer) => [layer.class_name, layer.config.name]),
    expected.layers.map((layer) => [layer.class_name, layer.name]),
  );
});

test("the tf.Module SavedModels have no keras_metadata.pb and no fingerprint.pb", () => {
  const files = readSavedModelDirectory(timesThree);
  assert.equal(files.kerasMetadata, undefined);
  assert.equal(files.fingerprint, undefined);
});

test("decodeFingerprint reads hand-encoded FingerprintDef bytes, keeping all 64 bits", () => {
  // field 1 (varint) = 2^63 + 1, field 2 (varint) = 300, field 6 (message) = { producer(1) = 1981 }
  const bytes = Uint8Array.from([0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x10, 0xac, 0x02, 0x32, 0x03, 0x08, 0xbd, 0x0f]);
  const fingerprint = decodeFingerprint(bytes);
  assert.equal(fingerprint.saved_model_checksum, "9223372036854775809");
  assert.equal(fingerprint.graph_def_program_hash, "300");
  assert.equal(fingerprint.version?.producer, 1981);
});

test("a VariableSource passed in options replaces the on-disk variables", async () => {
  const model = await loadSavedModel(timesThree, {
    variables: {
      keys: () => ["v/.ATTRIBUTES/VARIABLE_VALUE"],
      getTensor: () => ({ dtype: "float32", shape: [], data: new Float32Array([10]) }),
    },
  });
  assert.equal(model.signatures.serving_default!({ x: tf.scalar(2) }).output_0!.dataSync()[0], 20);
});

test("without an object graph in the checkpoint, variables are found by their object paths", async () => {
  const bundle = loadCheckpoint(join(kerasDense, "variables", "variables"));
  const withoutObjectGraph = {
    keys: () => bundle.keys().filter((key) => key !== "_CHECKPOINTABLE_OBJECT_GRAPH"),
    getTensor: (key: string) => bundle.getTensor(key),
  };
  const prediction = reference("sm_k2_dense").prediction!;
  const model = await loadSavedModel(kerasDense, { variables: withoutObjectGraph });
  const { dense_2 } = model.signatures.serving_default!({ dense_input: tf.tensor(prediction.inputs[0]!.values) });
  const actual = Array.from(dense_2!.dataSync());
  prediction.outputs[0]!.values.flat().forEach((value, index) => assert.ok(Math.abs(actual[index]! - value) <= prediction.tolerance_abs));
  model.dispose();
});

test("an unsupported op fails with an error naming the op and the node", () => {
  const files = readSavedModelDirectory(timesThree);
  const body = files.savedModel.meta_graphs[0]!.graph_def!.library!.function.find((f) => f.signature.name === "__inference___call___15")!;
  body.node_def.find((node) => node.name === "mul")!.op = "FancyMul";
  const model = loadFromFiles(files);
  assert.throws(
    () => model.signatures.serving_default!({ x: tf.scalar(1) }),
    /Op "FancyMul" \(node "mul" in function "__inference___call___15"\) is not supported/,
  );
});

test("calling a signature with a wrong input name or shape explains what is expected", async () => {
  const model = await loadSavedModel(kerasDense);
  const signature = model.signatures.serving_default!;
  assert.throws(() => signature({ input: tf.zeros([1, 43]) }), /takes inputs \{dense_input\}; missing "dense_input"; unexpected "input"/);
  assert.throws(() => signature({ dense_input: tf.zeros([1, 42]) }), /must have shape \[\?, 43\].*got \[1, 42\]/);
});

test("unknown tags and non-SavedModel directories are refused with a fix", async () => {
  await assert.rejects(loadSavedModel(timesThree, { tags: ["train"] }), /no MetaGraph tagged \[train\]; its tag sets are \[serve\]/);
  await assert.rejects(loadSavedModel(join(fixtures, "reference")), /No saved_model.pb/);
});

test("formatSavedModelInspection prints signatures like saved_model_cli", () => {
  const text = formatSavedModelInspection(inspectSavedModel(kerasDense));
  assert.match(text, /signature_def\['serving_default'\]:/);
  assert.match(text, /inputs\['dense_input'\] tensor_info:\n {8}dtype: DT_FLOAT\n {8}shape: \(-1, 43\)\n {8}name: serving_default_dense_input:0/);
  assert.match(text, /outputs\['__saved_model_init_op'\] tensor_info:\n {8}dtype: DT_INVALID\n {8}shape: unknown_rank\n {8}name: NoOp/);
  assert.match(text, /layer_with_weights-0\/kernel {2}\(dense\/kernel\) {2}float32 {2}\(43, 8\)/);
  assert.ok(text.indexOf("signature_def['__saved_model_init_op']") < text.indexOf("signature_def['serving_default']"), "sorted by key");
});

test("a signature is a callable with its key and input/output specs, and leaks no tensors per call", async () => {
  const model = await loadSavedModel(kerasDense);
  const servingDefault = model.signatures.serving_default!;
  assert.equal(servingDefault.signatureKey, "serving_default");
  assert.deepEqual(servingDefault.inputs.dense_input, { name: "serving_default_dense_input:0", dtype: "float32", shape: [-1, 43] });
  assert.deepEqual(servingDefault.outputs.dense_2, { name: "StatefulPartitionedCall:0", dtype: "float32", shape: [-1, 1] });
  const input = tf.ones([3, 43]);
  servingDefault({ dense_input: input }).dense_2!.dispose(); // first call reads variables and constants once
  const before = tf.memory().numTensors;
  const { dense_2 } = servingDefault({ dense_input: input });
  assert.equal(tf.memory().numTensors, before + 1); // only the returned output
  dense_2!.dispose();
  model.dispose();
  input.dispose();
});
