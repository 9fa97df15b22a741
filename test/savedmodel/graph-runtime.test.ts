// The graph interpreter on small hand-written graphs: function-body edge naming, list
// outputs, control flow, Const decoding and dependency order. Expected values are worked
// out by hand from the ops' definitions.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { GraphRuntime } from "../../lib/formats/savedmodel/graph/graph-runtime.js";
import { VariableHandle } from "../../lib/formats/savedmodel/graph/values.js";
import type { AttrValue, FunctionDef, GraphDef, NodeDef } from "../../lib/formats/protobuf/messages.js";

tf.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

const float32 = 1;
const int32 = 3;
const bool = 10;

function node(name: string, op: string, input: string[] = [], attr: Record<string, unknown> = {}): NodeDef {
  return { name, op, input, attr: attr as Record<string, AttrValue> };
}

function scalarConst(name: string, value: number, dtype = float32): NodeDef {
  const valueField = dtype === float32 ? { float_val: [value] } : dtype === bool ? { bool_val: [value !== 0] } : { int_val: [value] };
  return node(name, "Const", [], { dtype: { type: dtype }, value: { tensor: { dtype, tensor_shape: { dim: [] }, ...valueField } } });
}

function fn(name: string, inputs: string[], outputs: string[], body: NodeDef[], ret: Record<string, string>): FunctionDef {
  const arg = (argName: string) => ({ name: argName, type: float32 });
  return {
    signature: { name, input_arg: inputs.map(arg), output_arg: outputs.map(arg), attr: [] },
    attr: {},
    node_def: body,
    ret,
    control_ret: {},
  };
}

function runtimeFor(graph: GraphDef): GraphRuntime {
  return new GraphRuntime(graph, {
    opDefinitions: [],
    bindVariable: (varNode) => new VariableHandle(varNode.name, () => tf.keep(tf.scalar(4))),
  });
}

function scalarOf(value: unknown): number {
  return (value as tf.Tensor).dataSync()[0] as number;
}

test("function bodies resolve node:out_arg:index through multi-output ops (FusedBatchNormV3)", () => {
  // y = (x - mean) / sqrt(var + eps) * scale + offset with x=5, mean=1, var=3.999, eps=0.001, scale=2, offset=0.5
  // = 4 / 2 * 2 + 0.5 = 4.5 ; batch_mean (output arg 2 of 6) passes the mean through: 1.
  const body = [
    node("x4", "Reshape", ["x", "shape:output:0"], { T: { type: float32 } }),
    node("shape", "Const", [], { value: { tensor: { dtype: int32, tensor_shape: { dim: [{ size: 4 }] }, int_val: [1, 1, 1, 1] } } }),
    ...[
      ["scale", 2],
      ["offset", 0.5],
      ["mean", 1],
      ["variance", 3.999],
    ].map(([name, value]) =>
      node(name as string, "Const", [], {
        value: { tensor: { dtype: float32, tensor_shape: { dim: [{ size: 1 }] }, float_val: [value] } },
      }),
    ),
    node("bn", "FusedBatchNormV3", ["x4:output:0", "scale:output:0", "offset:output:0", "mean:output:0", "variance:output:0"], {
      epsilon: { f: 0.001 },
      is_training: { b: false },
    }),
  ];
  const library = [fn("normalize", ["x"], ["y", "m"], body, { y: "bn:y:0", m: "bn:batch_mean:0" })];
  const runtime = runtimeFor({ node: [], library: { function: library } });
  const [y, m] = runtime.callFunction("normalize", [tf.scalar(5)]);
  assert.ok(Math.abs(scalarOf(y) - 4.5) < 1e-5, `y = ${scalarOf(y)}`);
  assert.equal(scalarOf(m), 1);
});

test("list outputs are indexed within their argument (IdentityN output:1) and top-level edges by :index", () => {
  const library = [
    fn("second", ["a", "b"], ["out"], [node("pair", "IdentityN", ["a", "b"], { T: { list: { type: [float32, float32] } } })], {
      out: "pair:output:1",
    }),
  ];
  const graph: GraphDef = {
    node: [
      scalarConst("one", 1),
      scalarConst("two", 2),
      node("call", "PartitionedCall", ["one", "two"], { f: { func: { name: "second", attr: {} } } }),
      node("both", "IdentityN", ["one", "two"]),
    ],
    library: { function: library },
  };
  const [fromCall, secondOfPair] = runtimeFor(graph).runGraph(new Map(), ["call:0", "both:1"]);
  assert.equal(scalarOf(fromCall), 2);
  assert.equal(scalarOf(secondOfPair), 2);
});

test("StatelessIf runs the branch its predicate selects", () => {
  const library = [
    fn("double", ["x"], ["y"], [scalarConst("k", 2), node("m", "Mul", ["x", "k:output:0"])], { y: "m:z:0" }),
    fn("negate", ["x"], ["y"], [node("n", "Neg", ["x"])], { y: "n:y:0" }),
  ];
  const ifNode = (name: string, predicate: string) =>
    node(name, "StatelessIf", [predicate, "x"], {
      then_branch: { func: { name: "double", attr: {} } },
      else_branch: { func: { name: "negate", attr: {} } },
    });
  const graph: GraphDef = {
    node: [node("x", "Placeholder"), scalarConst("yes", 1, bool), scalarConst("no", 0, bool), ifNode("a", "yes"), ifNode("b", "no")],
    library: { function: library },
  };
  const [a, b] = runtimeFor(graph).runGraph(new Map([["x", tf.scalar(7)]]), ["a:0", "b:0"]);
  assert.equal(scalarOf(a), 14);
  assert.equal(scalarOf(b), -7);
});

test("StatelessWhile iterates the body until the condition is false", () => {
  // while i < 5: i = i + 1; acc = acc * 2   (from i=0, acc=3) → i=5, acc=96
  const library = [
    fn("below_five", ["i", "acc"], ["keep_going"], [scalarConst("five", 5), node("less", "Less", ["i", "five:output:0"])], {
      keep_going: "less:z:0",
    }),
    fn(
      "step",
      ["i", "acc"],
      ["i_next", "acc_next"],
      [scalarConst("one", 1), scalarConst("two", 2), node("inc", "AddV2", ["i", "one:output:0"]), node("dbl", "Mul", ["acc", "two:output:0"])],
      { i_next: "inc:z:0", acc_next: "dbl:z:0" },
    ),
  ];
  const graph: GraphDef = {
    node: [
      scalarConst("i0", 0),
      scalarConst("acc0", 3),
      node("loop", "StatelessWhile", ["i0", "acc0"], {
        cond: { func: { name: "below_five", attr: {} } },
        body: { func: { name: "step", attr: {} } },
      }),
    ],
    library: { function: library },
  };
  const [i, acc] = runtimeFor(graph).runGraph(new Map(), ["loop:0", "loop:1"]);
  assert.equal(scalarOf(i), 5);
  assert.equal(scalarOf(acc), 96);
});

test("a While loop reads a TensorList item per step and writes into a reserved list (Keras 3's exported RNN pattern)", () => {
  // src = rows of x; dst = Reserve(3); for i in 0..2: dst[i] = src[i] * 2; out = Stack(dst) = 2x
  const rows = new Uint8Array(24);
  const view = new DataView(rows.buffer);
  [1, 2, 3, 4, 5, 6].forEach((value, index) => view.setFloat32(index * 4, value, true));
  const itemShape = node("item_shape", "Const", [], { value: { tensor: { dtype: int32, tensor_shape: { dim: [{ size: 1 }] }, int_val: [2] } } });
  const library = [
    fn("more_steps", ["i", "src", "dst"], ["keep_going"], [scalarConst("three", 3, int32), node("less", "Less", ["i", "three:output:0"])], {
      keep_going: "less:z:0",
    }),
    fn(
      "step",
      ["i", "src", "dst"],
      ["i_next", "src_out", "dst_next"],
      [
        itemShape,
        scalarConst("one", 1, int32),
        scalarConst("two", 2),
        node("item", "TensorListGetItem", ["src", "i", "item_shape:output:0"], { element_dtype: { type: float32 } }),
        node("doubled", "Mul", ["item:item:0", "two:output:0"]),
        node("written", "TensorListSetItem", ["dst", "i", "doubled:z:0"], { element_dtype: { type: float32 } }),
        node("inc", "AddV2", ["i", "one:output:0"]),
      ],
      { i_next: "inc:z:0", src_out: "src", dst_next: "written:output_handle:0" },
    ),
  ];
  const graph: GraphDef = {
    node: [
      node("x", "Const", [], { value: { tensor: { dtype: float32, tensor_shape: { dim: [{ size: 3 }, { size: 2 }] }, tensor_content: rows } } }),
      itemShape,
      scalarConst("count", 3, int32),
      scalarConst("i0", 0, int32),
      node("src", "TensorListFromTensor", ["x", "item_shape"], { element_dtype: { type: float32 } }),
      node("dst", "TensorListReserve", ["item_shape", "count"], { element_dtype: { type: float32 } }),
      node("loop", "While", ["i0", "src", "dst"], { cond: { func: { name: "more_steps", attr: {} } }, body: { func: { name: "step", attr: {} } } }),
      node("out", "TensorListStack", ["loop:2", "item_shape"], { element_dtype: { type: float32 }, num_elements: { i: 3 } }),
    ],
    library: { function: library },
  };
  const [out] = runtimeFor(graph).runGraph(new Map(), ["out:0"]) as tf.Tensor[];
  assert.deepEqual(out!.arraySync(), [
    [2, 4],
    [6, 8],
    [10, 12],
  ]);
});

test("Const decodes tensor_content bytes and repeats a single value to fill its shape", () => {
  const content = new Uint8Array(12);
  const view = new DataView(content.buffer);
  [1.5, -2, 0.25].forEach((value, index) => view.setFloat32(index * 4, value, true));
  const graph: GraphDef = {
    node: [
      node("packed", "Const", [], { value: { tensor: { dtype: float32, tensor_shape: { dim: [{ size: 3 }] }, tensor_content: content } } }),
      node("filled", "Const", [], { value: { tensor: { dtype: int32, tensor_shape: { dim: [{ size: 2 }, { size: 2 }] }, int_val: [7] } } }),
    ],
  };
  const [packed, filled] = runtimeFor(graph).runGraph(new Map(), ["packed", "filled"]) as tf.Tensor[];
  assert.deepEqual(Array.from(packed!.dataSync()), [1.5, -2, 0.25]);
  assert.deepEqual(filled!.arraySync(), [
    [7, 7],
    [7, 7],
  ]);
  assert.equal(filled!.dtype, "int32");
});

test("a node reached along two paths is evaluated once; variables are read through handles", () => {
  // c = b + 1 ; out = b * c where b = ReadVariableOp(v) = 4  →  4 * 5 = 20
  let reads = 0;
  const graph: GraphDef = {
    node: [
      node("v", "VarHandleOp"),
      node("b", "ReadVariableOp", ["v"]),
      scalarConst("one", 1),
      node("c", "AddV2", ["b", "one"]),
      node("out", "Mul", ["b", "c"]),
    ],
  };
  const runtime = new GraphRuntime(graph, {
    opDefinitions: [],
    bindVariable: (varNode) =>
      new VariableHandle(varNode.name, () => {
        reads += 1;
        return tf.keep(tf.scalar(4));
      }),
  });
  assert.equal(scalarOf(runtime.runGraph(new Map(), ["out"])[0]), 20);
  assert.equal(reads, 1);
});

test("cycles and unfed placeholders are reported with the node names", () => {
  const cyclic: GraphDef = { node: [node("a", "Neg", ["b"]), node("b", "Neg", ["a"])] };
  assert.throws(() => runtimeFor(cyclic).runGraph(new Map(), ["a"]), /Node "a" in the top-level graph depends on itself/);
  const unfed: GraphDef = { node: [node("x", "Placeholder"), node("y", "Neg", ["x"])] };
  assert.throws(() => runtimeFor(unfed).runGraph(new Map(), ["y"]), /Placeholder "x" in the top-level graph was not fed/);
});
