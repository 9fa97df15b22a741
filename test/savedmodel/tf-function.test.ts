// tf.function: tracing TypeScript functions over tfjs ops into TensorFlow graph functions, and the
// "modules" guide's flow: an object holding a Variable and a tf.function traced for two input
// signatures is saved with tf.savedModel.save and reloaded in a fresh node process without its
// class. Reference values are computed by plain arithmetic in the test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import * as tfc from "@tensorflow/tfjs-core";
import { tf } from "../../lib/index.js";
import { readSavedModelDirectory, selectMetaGraph } from "../../lib/formats/savedmodel/index.js";
import { loadCheckpoint } from "../../lib/formats/checkpoint/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
tfc.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tfc.setBackend("cpu");

const kernel = [
  [1, 2],
  [3, 4],
  [5, 6],
];
/** relu(x·W + b) · 2, by hand. */
const denseReference = (rows: number[][], bias: number[]): number[][] =>
  rows.map((row) =>
    bias.map(
      (b, j) =>
        2 *
        Math.max(
          0,
          row.reduce((sum, value, i) => sum + value * kernel[i]![j]!, b),
        ),
    ),
  );

test("a traced function records MatMul/AddV2/Relu/Mul with ReadVariableOp for captured variables and a Const for the number", () => {
  const w = tf.variable(tf.tensor2d(kernel), true, "dense_w");
  const b = tf.variable(tf.tensor1d([0.5, -10]), true, "dense_b");
  const dense = tf.function((x: tfc.Tensor) => tf.mul(tf.relu(tf.add(tf.matMul(x, w), b)), 2), {
    inputSignature: [new tf.TensorSpec([null, 3], "float32", "x")],
  });
  const concrete = dense.getConcreteFunction();
  const definition = concrete.traced.definition;
  assert.deepEqual(
    definition.node_def.map((node) => node.op),
    ["ReadVariableOp", "MatMul", "ReadVariableOp", "AddV2", "Relu", "Const", "Mul", "Identity"],
  );
  assert.deepEqual(
    definition.signature.input_arg.map((argument) => [argument.name, argument.type]),
    [
      ["x", 1],
      ["dense_w_readvariableop_resource", 20],
      ["dense_b_readvariableop_resource", 20],
    ],
  );
  assert.deepEqual(concrete.traced.captured, [w, b]);
  assert.equal(definition.node_def.find((node) => node.op === "Const")!.attr["value"]!.tensor!.float_val![0], 2);

  const rows = [
    [1, 1, 1],
    [0, 1, -1],
    [2, -1, 0.5],
  ];
  const x = tf.tensor2d(rows);
  // The same results eagerly (f(x)) and through the traced graph, for a batch size not traced.
  assert.deepEqual((dense(x) as tfc.Tensor).arraySync(), denseReference(rows, [0.5, -10]));
  assert.deepEqual((concrete(x) as tfc.Tensor).arraySync(), denseReference(rows, [0.5, -10]));
  // The graph reads the variable at call time, not its value at trace time.
  b.assign(tf.tensor1d([0, 1]));
  assert.deepEqual((concrete(x) as tfc.Tensor).arraySync(), denseReference(rows, [0, 1]));
});

test("inputSignature is enforced, a function without one traces once per new shape, and untraceable kernels are named", () => {
  const square = tf.function((x: tfc.Tensor) => tf.square(x), { inputSignature: [new tf.TensorSpec([2], "float32")] });
  assert.throws(() => square(tf.tensor1d([1, 2, 3])), /does not match its inputSignature \[TensorSpec\(shape=\(2,\), dtype=float32\)\]/);

  const double = tf.function(function double(x: tfc.Tensor) {
    return tf.add(x, x);
  });
  assert.equal(double.concreteFunctions().length, 0);
  double(tf.scalar(1));
  double(tf.scalar(5));
  double(tf.tensor1d([1, 2]));
  assert.deepEqual(
    double.concreteFunctions().map((concrete) => concrete.inputSignature.map(String)),
    [["TensorSpec(shape=(), dtype=float32, name='x')"], ["TensorSpec(shape=(2,), dtype=float32, name='x')"]],
  );
  // Outputs keep the function's structure: an object of tensors stays an object.
  const both = tf.function((x: tfc.Tensor) => ({ sum: tf.sum(x), mean: tf.mean(x) }), { inputSignature: [new tf.TensorSpec([4])] });
  const result = both.getConcreteFunction()(tf.tensor1d([1, 2, 3, 6])) as Record<string, tfc.Tensor>;
  assert.deepEqual(Object.keys(result), ["sum", "mean"]);
  assert.deepEqual([result["sum"]!.arraySync(), result["mean"]!.arraySync()], [12, 3]);

  const cumulative = tf.function((x: tfc.Tensor) => tfc.cumsum(x), { inputSignature: [new tf.TensorSpec([4])] }).getConcreteFunction;
  assert.throws(() => cumulative(), /cannot trace the tfjs kernel "Cumsum"/);
});

test("an open batch size stays open: a reshape from x.shape[0] becomes -1, the output spec is [null], and 12 rows give 12 results", () => {
  const rowSums = tf.function((x: tfc.Tensor) => tf.sum(tf.reshape(x, [x.shape[0]!, 6]), 1), { inputSignature: [new tf.TensorSpec([null, 2, 3])] });
  const concrete = rowSums.getConcreteFunction();
  assert.deepEqual(
    concrete.outputSpecs.map((spec) => spec.shape),
    [[null]],
  );
  const reshapeTarget = concrete.traced.definition.node_def.find((node) => node.name === "Reshape/shape")!.attr["value"]!.tensor!.int_val;
  assert.deepEqual(reshapeTarget, [-1, 6]);
  const rows = Array.from({ length: 12 }, (_, row) => [
    [row, 1, 2],
    [3, 4, -row],
  ]);
  // Each row sums to 10 (row and -row cancel): computed by hand, not by the function.
  assert.deepEqual(
    (concrete(tfc.tensor(rows)) as tfc.Tensor).arraySync(),
    rows.map(() => 10),
  );
  // A kernel fed a constant made from the stand-in size cannot stay open: refused, naming the kernel.
  const addsRowCount = tf.function((x: tfc.Tensor) => tf.add(x, tfc.fill([x.shape[0]!, 3], x.shape[0]!)), { inputSignature: [new tf.TensorSpec([null, 3])] });
  assert.throws(
    () => addsRowCount.getConcreteFunction(),
    /an attribute of the kernel "Fill".*depends on the size of an input dimension the signature leaves open/,
  );
});

test("the modules guide: saved with tf.savedModel.save, reloaded in a fresh process without the class, both traced signatures identical", async () => {
  class CustomModule {
    v = tf.variable(tf.scalar(1.5), true, "v");
    call = tf.function((x: tfc.Tensor) => tf.mul(x, this.v));
    double = tf.function((x: tfc.Tensor) => tf.add(x, x), { inputSignature: [new tf.TensorSpec([null], "float32", "x")] });
    mutate = tf.function(
      (newV: tfc.Tensor) => {
        this.v.assign(newV as tfc.Scalar);
      },
      { inputSignature: [new tf.TensorSpec([], "float32", "new_v")] },
    );
  }
  const module = new CustomModule();
  // Two traces, as in the guide: a scalar call and a vector signature.
  const scalarOutput = (module.call(tf.scalar(3)) as tfc.Tensor).arraySync();
  module.call.getConcreteFunction(new tf.TensorSpec([null], "float32", "x"));
  const saved = join(mkdtempSync(join(tmpdir(), "tskeras-module-")), "module");
  await tf.savedModel.save(module, saved, { signatures: { serving_default: module.double } });
  // Tracing mutate recorded the assignment without running it.
  assert.equal(module.v.arraySync(), 1.5);

  // The written object graph: root children v, call, double (+ signatures), two concrete functions for call.
  const metaGraph = selectMetaGraph(readSavedModelDirectory(saved).savedModel, undefined);
  const objects = metaGraph.object_graph_def!.nodes;
  assert.deepEqual(
    objects[0]!.children.map((child) => child.local_name),
    ["v", "call", "double", "mutate", "signatures"],
  );
  const callNode = objects[objects[0]!.children[1]!.node_id!]!;
  assert.equal(callNode.function!.concrete_functions.length, 2);
  assert.deepEqual(Object.keys(metaGraph.signature_def).sort(), ["__saved_model_init_op", "serving_default"]);
  assert.deepEqual(loadCheckpoint(join(saved, "variables", "variables")).getTensor("v/.ATTRIBUTES/VARIABLE_VALUE").data, new Float32Array([1.5]));

  const script = `
    import * as tfc from "@tensorflow/tfjs-core";
    tfc.env().set("PROD", true);
    const { tf } = await import(${JSON.stringify(join(root, "dist", "lib", "index.js"))});
    await import("@tensorflow/tfjs-backend-cpu");
    await tfc.setBackend("cpu");
    const loaded = await tf.savedModel.load(${JSON.stringify(saved)});
    const serving = loaded.signatures.serving_default({ x: tf.tensor1d([1, -2]) });
    let unsaved = "";
    try { loaded.call(tf.tensor2d([[1]])); } catch (error) { unsaved = error.message; }
    console.log(JSON.stringify({
      keys: Object.keys(loaded).filter((key) => !["signatures", "variables", "tags", "savedModel", "dispose"].includes(key)),
      v: loaded.v.arraySync(),
      scalar: loaded.call(tf.scalar(3)).arraySync(),
      vector: loaded.call(tf.tensor1d([2, -4, 0.5])).arraySync(),
      doubled: loaded.double(tf.tensor1d([1, 2])).arraySync(),
      serving: Object.fromEntries(Object.entries(serving).map(([key, value]) => [key, value.arraySync()])),
      unsaved,
      afterMutate: (loaded.mutate(tf.scalar(-2)), loaded.call(tf.scalar(3)).arraySync()),
    }));`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  const result = JSON.parse(output.trim().split("\n").pop()!) as Record<string, unknown>;
  assert.deepEqual(result["keys"], ["v", "call", "double", "mutate"]);
  assert.equal(result["v"], 1.5);
  assert.equal(scalarOutput, 4.5);
  assert.equal(result["scalar"], 4.5);
  assert.deepEqual(result["vector"], [3, -6, 0.75]);
  assert.deepEqual(result["doubled"], [2, 4]);
  assert.deepEqual(result["serving"], { output_0: [2, -4] });
  assert.match(result["unsaved"] as string, /No saved concrete function takes \(float32\[1, 1\]\)/);
  assert.equal(result["afterMutate"], -6);

  // In this process too the loaded object is a plain object, not an instance of the class.
  const loaded = await tf.savedModel.load(saved);
  assert.equal((loaded as object) instanceof CustomModule, false);
  assert.deepEqual((loaded["call"] as (x: tfc.Tensor) => tfc.Tensor)(tf.tensor1d([2])).arraySync(), [3]);
});
