import { test } from "node:test";
import assert from "node:assert/strict";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { join } from "node:path";
import { storedTensorToTfjs, loadCheckpoint } from "../../lib/formats/checkpoint/index.js";
import { readReference, realFixtures } from "./fixtures.js";

await tfc.setBackend("cpu");

test("checkpoint tensors convert to tfjs with reference values", async () => {
  const reader = loadCheckpoint(join(realFixtures, "ckpt_k2.4.0_conv"));
  const reference = readReference("ckpt_k2.4.0_conv").bundle.variables;
  const kernel = reference.find((variable) => variable.key === "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")!;
  const tensor = storedTensorToTfjs(reader.getTensor(kernel.key));
  assert.deepEqual(tensor.shape, kernel.shape);
  assert.deepEqual(Array.from(await tensor.data()).slice(0, kernel.first_values!.length), kernel.first_values);
  const iter = reference.find((variable) => variable.key === "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE")!;
  const step = storedTensorToTfjs(reader.getTensor(iter.key));
  assert.equal(step.dtype, "int32");
  assert.deepEqual(Array.from(await step.data()), iter.first_values);
});

test("float16 and bfloat16 bits become their float values; int64 overflow is refused", async () => {
  const half = storedTensorToTfjs({ dtype: "float16", shape: [3], data: Uint16Array.of(0x3c00, 0xc000, 0x0001) });
  assert.deepEqual(Array.from(await half.data()), [1, -2, Math.fround(2 ** -24)]);
  const brain = storedTensorToTfjs({ dtype: "bfloat16", shape: [2], data: Uint16Array.of(0x3fc0, 0xc100) });
  assert.deepEqual(Array.from(await brain.data()), [1.5, -8]);
  assert.throws(() => storedTensorToTfjs({ dtype: "int64", shape: [1], data: BigInt64Array.of(2n ** 40n) }), /does not fit in tfjs int32/);
});
