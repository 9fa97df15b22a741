// Op kernels whose attribute mapping is easy to get wrong (strides, padding, slice masks,
// data formats), compared with numpy loops run by /usr/bin/python3.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs-core";
import { GraphRuntime } from "../../lib/formats/savedmodel/graph/graph-runtime.js";
import { VariableHandle } from "../../lib/formats/savedmodel/graph/values.js";
import type { AttrValue, GraphDef, NodeDef } from "../../lib/formats/protobuf/messages.js";

tf.env().set("PROD", true);
await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

const numpyScript = String.raw`
import json, numpy as np
x = (np.arange(50, dtype=np.float64) / 10 - 2).reshape(1, 5, 5, 2)
w = ((np.arange(54) % 7 - 3) / 4).reshape(3, 3, 2, 3)
def conv(x, w, stride, pad_top, pad_bottom, pad_left, pad_right, out_h, out_w):
    xp = np.pad(x, ((0, 0), (pad_top, pad_bottom), (pad_left, pad_right), (0, 0)))
    out = np.zeros((1, out_h, out_w, w.shape[3]))
    for i in range(out_h):
        for j in range(out_w):
            patch = xp[0, i*stride:i*stride+3, j*stride:j*stride+3, :]
            out[0, i, j] = np.tensordot(patch, w, axes=([0, 1, 2], [0, 1, 2]))
    return out
def maxpool(x, size, stride, pad_bottom, out_h):
    xp = np.pad(x, ((0, 0), (0, pad_bottom), (0, pad_bottom), (0, 0)), constant_values=-np.inf)
    out = np.zeros((1, out_h, out_h, x.shape[3]))
    for i in range(out_h):
        for j in range(out_h):
            out[0, i, j] = xp[0, i*stride:i*stride+size, j*stride:j*stride+size].max(axis=(0, 1))
    return out
m = np.arange(24, dtype=np.float64).reshape(4, 6)
b4 = np.arange(8, dtype=np.float64).reshape(1, 2, 2, 2)
a = np.arange(6, dtype=np.float64).reshape(2, 3)
c = np.arange(12, dtype=np.float64).reshape(3, 4) - 5
print(json.dumps({
  "conv_same_s2": conv(x, w, 2, 1, 1, 1, 1, 3, 3).tolist(),
  "conv_valid_s1": conv(x, w, 1, 0, 0, 0, 0, 3, 3).tolist(),
  "maxpool_valid": maxpool(x, 2, 2, 0, 2).tolist(),
  "maxpool_same": maxpool(x, 2, 2, 1, 3).tolist(),
  "slice_masks": m[1:3, 0::2].tolist(),
  "slice_shrink": m[2, 1:4].tolist(),
  "bias_nchw": (b4 + np.array([10.0, 20.0]).reshape(1, 2, 1, 1)).tolist(),
  "einsum": np.einsum("ij,jk->ik", a, c).tolist(),
  "mean_keep": m.mean(axis=1, keepdims=True).tolist(),
}))
`;
const python = spawnSync("/usr/bin/python3", ["-c", numpyScript], { encoding: "utf8" });
assert.equal(python.status, 0, python.stderr);
const expected = JSON.parse(python.stdout) as Record<string, unknown>;

function constNode(name: string, values: number[], shape: number[], dtype: "float" | "int" = "float"): NodeDef {
  const field = dtype === "float" ? { float_val: values } : { int_val: values };
  return {
    name,
    op: "Const",
    input: [],
    attr: { value: { tensor: { dtype: dtype === "float" ? 1 : 3, tensor_shape: { dim: shape.map((size) => ({ size })) }, ...field } } } as unknown as Record<
      string,
      AttrValue
    >,
  };
}
const range = (count: number, map: (index: number) => number): number[] => Array.from({ length: count }, (_, index) => map(index));
const s = (text: string) => ({ s: new TextEncoder().encode(text) });
const ints = (values: number[]) => ({ list: { i: values } });

function run(nodes: NodeDef[], fetch: string): number[] {
  const graph: GraphDef = { node: nodes };
  const runtime = new GraphRuntime(graph, { opDefinitions: [], bindVariable: (node) => new VariableHandle(node.name, () => tf.scalar(0)) });
  const [value] = runtime.runGraph(new Map(), [fetch]);
  return Array.from((value as tf.Tensor).dataSync() as Float32Array);
}
function op(name: string, opName: string, input: string[], attr: Record<string, unknown>): NodeDef {
  return { name, op: opName, input, attr: attr as Record<string, AttrValue> };
}
function assertClose(actual: number[], expectedValues: unknown, label: string): void {
  const flat = (expectedValues as unknown[]).flat(4) as number[];
  assert.equal(actual.length, flat.length, label);
  actual.forEach((value, index) => assert.ok(Math.abs(value - flat[index]!) < 1e-4, `${label}[${index}]: ${value} vs ${flat[index]}`));
}

const image = constNode(
  "x",
  range(50, (i) => i / 10 - 2),
  [1, 5, 5, 2],
);
const filter = constNode(
  "w",
  range(54, (i) => ((i % 7) - 3) / 4),
  [3, 3, 2, 3],
);

test("Conv2D maps strides and SAME/VALID padding like TensorFlow", () => {
  const conv = (padding: string, stride: number) =>
    op("conv", "Conv2D", ["x", "w"], { strides: ints([1, stride, stride, 1]), padding: s(padding), data_format: s("NHWC") });
  assertClose(run([image, filter, conv("SAME", 2)], "conv"), expected.conv_same_s2, "SAME stride 2");
  assertClose(run([image, filter, conv("VALID", 1)], "conv"), expected.conv_valid_s1, "VALID stride 1");
});

test("MaxPool maps ksize, strides and padding", () => {
  const pool = (padding: string) => op("pool", "MaxPool", ["x"], { ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), padding: s(padding) });
  assertClose(run([image, pool("VALID")], "pool"), expected.maxpool_valid, "VALID");
  assertClose(run([image, pool("SAME")], "pool"), expected.maxpool_same, "SAME");
});

test("StridedSlice honours end_mask and shrink_axis_mask", () => {
  const matrix = constNode(
    "m",
    range(24, (i) => i),
    [4, 6],
  );
  const slice = (begin: number[], end: number[], strides: number[], masks: Record<string, number>) => [
    matrix,
    constNode("b", begin, [2], "int"),
    constNode("e", end, [2], "int"),
    constNode("s", strides, [2], "int"),
    op("slice", "StridedSlice", ["m", "b", "e", "s"], Object.fromEntries(Object.entries(masks).map(([key, value]) => [key, { i: value }]))),
  ];
  assertClose(run(slice([1, 0], [3, 0], [1, 2], { end_mask: 2 }), "slice"), expected.slice_masks, "m[1:3, 0::2]");
  assertClose(run(slice([2, 1], [3, 4], [1, 1], { shrink_axis_mask: 1 }), "slice"), expected.slice_shrink, "m[2, 1:4]");
});

test("BiasAdd with NCHW adds the bias along axis 1", () => {
  const nodes = [
    constNode(
      "v",
      range(8, (i) => i),
      [1, 2, 2, 2],
    ),
    constNode("bias", [10, 20], [2]),
    op("add", "BiasAdd", ["v", "bias"], { data_format: s("NCHW") }),
  ];
  assertClose(run(nodes, "add"), expected.bias_nchw, "BiasAdd NCHW");
});

test("Einsum and Mean(keep_dims) read their equation, axes and flags", () => {
  const a = constNode(
    "a",
    range(6, (i) => i),
    [2, 3],
  );
  const c = constNode(
    "c",
    range(12, (i) => i - 5),
    [3, 4],
  );
  assertClose(run([a, c, op("e", "Einsum", ["a", "c"], { equation: s("ij,jk->ik") })], "e"), expected.einsum, "einsum");
  const matrix = constNode(
    "m",
    range(24, (i) => i),
    [4, 6],
  );
  const axis = constNode("axis", [1], [1], "int");
  assertClose(run([matrix, axis, op("mean", "Mean", ["m", "axis"], { keep_dims: { b: true } })], "mean"), expected.mean_keep, "mean");
});
