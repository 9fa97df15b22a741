// The SavedModel runtime's kernels for ops Keras's preprocessing and attention exports use
// (MirrorPad, Bucketize, DenseBincount, MatrixBandPart), each against TensorFlow's own raw op on the
// same inputs and attributes.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "../../lib/index.js"; // the backend tskeras picks (wasm in the tests)
import { arrayKernels } from "../../lib/formats/savedmodel/graph/kernels/array.js";
import { NodeAttributes } from "../../lib/formats/savedmodel/graph/attributes.js";
import type { KernelContext } from "../../lib/formats/savedmodel/graph/kernels/op-kernel.js";
import type { AttrValue, NodeDef } from "../../lib/formats/protobuf/messages.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

function run(op: string, inputs: tf.Tensor[], attr: Record<string, AttrValue>): { shape: number[]; values: number[] } {
  const node = { name: `test_${op}`, op, input: [], device: "", attr } as unknown as NodeDef;
  const context: KernelContext = { node, inputs, attributes: new NodeAttributes(node), callFunction: () => [] };
  const [output] = arrayKernels[op]!(context) as tf.Tensor[];
  return { shape: output!.shape, values: Array.from(output!.dataSync()) };
}

const text = (value: string): AttrValue => ({ s: new TextEncoder().encode(value) }) as AttrValue;
const floats = (values: number[]): AttrValue => ({ list: { f: values } }) as unknown as AttrValue;
const flag = (value: boolean): AttrValue => ({ b: value }) as AttrValue;

test("MirrorPad, Bucketize, DenseBincount and MatrixBandPart equal TensorFlow's raw ops", async (t) => {
  if (!requireOracle(t)) return;
  await tf.ready();
  const image = Array.from({ length: 2 * 4 * 3 }, (_, index) => (index * 7) % 11);
  const signal = [-3.5, 0, 0.25, 1, 2.999, 3, 10, -0.1];
  const counts = [0, 1, 1, 3, 4, 4, 4, 2, 0, 5];
  const expected = await oracleJson<Record<string, { shape: number[]; values: number[] }>>(
    `
import json, sys, numpy as np, tensorflow as tf
image = np.array(${JSON.stringify(image)}, np.float32).reshape(2, 4, 3)
signal = np.array(${JSON.stringify(signal)}, np.float32)
counts = np.array(${JSON.stringify(counts)}, np.int32).reshape(2, 5)
results = {
  "reflect": tf.raw_ops.MirrorPad(input=image, paddings=[[0, 0], [2, 1], [1, 2]], mode="REFLECT"),
  "symmetric": tf.raw_ops.MirrorPad(input=image, paddings=[[1, 1], [0, 3], [2, 0]], mode="SYMMETRIC"),
  "bucketize": tf.raw_ops.Bucketize(input=signal, boundaries=[0.0, 1.0, 3.0]),
  "bincount": tf.raw_ops.DenseBincount(input=counts, size=6, weights=tf.zeros([0], tf.float32), binary_output=False),
  "binary": tf.raw_ops.DenseBincount(input=counts, size=6, weights=tf.zeros([0], tf.float32), binary_output=True),
  "band": tf.raw_ops.MatrixBandPart(input=image, num_lower=-1, num_upper=0),
  "band2": tf.raw_ops.MatrixBandPart(input=image, num_lower=1, num_upper=1),
}
print(json.dumps({k: {"shape": list(v.shape), "values": v.numpy().astype(np.float64).ravel().tolist()} for k, v in results.items()}))`,
  );
  const imageTensor = tf.tensor3d(image, [2, 4, 3]);
  const paddings = (pairs: number[][]) => tf.tensor2d(pairs, [3, 2], "int32");
  const countsTensor = tf.tensor2d(counts, [2, 5], "int32");
  const empty = tf.tensor1d([], "float32");
  const actual = {
    reflect: run(
      "MirrorPad",
      [
        imageTensor,
        paddings([
          [0, 0],
          [2, 1],
          [1, 2],
        ]),
      ],
      { mode: text("REFLECT") },
    ),
    symmetric: run(
      "MirrorPad",
      [
        imageTensor,
        paddings([
          [1, 1],
          [0, 3],
          [2, 0],
        ]),
      ],
      { mode: text("SYMMETRIC") },
    ),
    bucketize: run("Bucketize", [tf.tensor1d(signal)], { boundaries: floats([0, 1, 3]) }),
    bincount: run("DenseBincount", [countsTensor, tf.scalar(6, "int32"), empty], { binary_output: flag(false) }),
    binary: run("DenseBincount", [countsTensor, tf.scalar(6, "int32"), empty], { binary_output: flag(true) }),
    band: run("MatrixBandPart", [imageTensor, tf.scalar(-1, "int32"), tf.scalar(0, "int32")], {}),
    band2: run("MatrixBandPart", [imageTensor, tf.scalar(1, "int32"), tf.scalar(1, "int32")], {}),
  };
  for (const [name, result] of Object.entries(actual)) {
    assert.deepEqual(result.shape, expected[name]!.shape, `${name}: shape`);
    assert.deepEqual(result.values, expected[name]!.values, `${name}: values`);
  }
});
