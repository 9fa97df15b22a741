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
import { keras, tf } from "../../lib/index.js";
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

  const cumulative = tf.function((x: tfc.Tensor) => tfc.cumprod(x), { inputSignature: [new tf.TensorSpec([4])] }).getConcreteFunction;
  assert.throws(() => cumulative(), /cannot trace the tfjs kernel "Cumprod"/);
});

/** Keras's sparsemax formula on one row, by plain arithmetic: sort, cumulative sums, support, τ. */
function sparsemaxRow(row: number[]): number[] {
  const sorted = [...row].sort((left, right) => right - left);
  const cumulative = sorted.map((_, index) => sorted.slice(0, index + 1).reduce((sum, value) => sum + value, 0));
  const support = sorted.map((value, index) => value - (cumulative[index]! - 1) / (index + 1) > 0);
  const k = support.filter(Boolean).length;
  const tau = (cumulative.filter((_, index) => support[index]).reduce((sum, value) => sum + value, 0) - 1) / k;
  return row.map((value) => Math.max(value - tau, 0));
}

test("sparsemax traces with an open batch into TopKV2, Cumsum, Range and OneHot, and its graph gives the formula's values for 5 rows", () => {
  const traced = tf.function((x: tfc.Tensor) => keras.activations.sparsemax(x), { inputSignature: [new tf.TensorSpec([null, 4], "float32", "x")] });
  const concrete = traced.getConcreteFunction();
  const ops = concrete.traced.definition.node_def.map((node) => node.op);
  for (const op of ["TopKV2", "Cumsum", "Range", "OneHot"]) assert.ok(ops.includes(op), `${op} in ${ops.join(", ")}`);
  // The values output of TopKV2 feeds Cumsum by its argument name, as TensorFlow names function edges.
  const cumsum = concrete.traced.definition.node_def.find((node) => node.op === "Cumsum")!;
  assert.match(cumsum.input[0]!, /^TopKV2:values:0$/);
  assert.deepEqual(
    concrete.outputSpecs.map((spec) => spec.shape),
    [[null, 4]],
  );
  const rows = [
    [1, 2, 0.5, -1],
    [0.3, 0.25, -0.5, 0.1],
    [0.9, 0.8, 0.7, -2],
    [-1, -1.5, 3, 0],
    [0.25, 0.25, 0.25, 0.25],
  ];
  const actual = (concrete(tfc.tensor2d(rows)) as tfc.Tensor).arraySync() as number[][];
  rows.forEach((row, index) => {
    const expected = sparsemaxRow(row);
    actual[index]!.forEach((value, position) => assert.ok(Math.abs(value - expected[position]!) < 1e-6, `row ${index}: ${actual[index]} vs ${expected}`));
  });
});

test("a failed trace leaves nothing behind: no tensors, the engine and Variable.assign restored, the next trace identical to one made before", () => {
  const spec = [new tf.TensorSpec([null, 4], "float32", "x")];
  const nodesOf = (): string =>
    JSON.stringify(
      tf
        .function((x: tfc.Tensor) => keras.activations.sparsemax(x), { inputSignature: spec })
        .getConcreteFunction()
        .traced.definition.node_def.map((node) => [node.name, node.op, node.input]),
    );
  const before = nodesOf();
  const engine = tfc.engine() as unknown as { runKernelFunc: unknown; state: { kernelDepth: number; scopeStack: unknown[]; gradientDepth: number } };
  const state = () => ({
    tensors: tfc.memory().numTensors,
    runKernelFunc: engine.runKernelFunc,
    assign: tfc.Variable.prototype.assign,
    kernelDepth: engine.state.kernelDepth,
    scopes: engine.state.scopeStack.length,
    gradientDepth: engine.state.gradientDepth,
  });
  const clean = state();
  const failing: Array<[string, (x: tfc.Tensor) => tfc.Tensor, RegExp]> = [
    ["an untraceable kernel after traceable ones", (x) => tfc.cumprod(keras.activations.sparsemax(x), 1), /cannot trace the tfjs kernel "Cumprod"/],
    ["an error thrown by the function", (x) => (tfc.exp(x), tfc.topk(x, 2), assert.fail("thrown while tracing")), /thrown while tracing/],
    [
      "an error inside a custom-gradient body",
      (x) =>
        tfc.customGrad((input) => {
          tfc.cumsum(input as tfc.Tensor, 1);
          throw new Error("thrown in customGrad");
        })(x),
      /thrown in customGrad/,
    ],
  ];
  for (const [what, fn, message] of failing) {
    assert.throws(() => tf.function(fn, { inputSignature: spec }).getConcreteFunction(), message, what);
    assert.deepEqual(state(), clean, what);
  }
  assert.equal(nodesOf(), before);
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
