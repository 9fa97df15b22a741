// Const tensors of a SavedModel graph go through the one stored-tensor converter: int64 values that
// int32 holds convert exactly, and one outside int32's range is refused with the value named (it
// used to wrap silently). The protos are built by hand, so the expected numbers are the inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { tensorFromProto } from "../../lib/formats/savedmodel/tensor-proto.js";
import type { TensorProto } from "../../lib/formats/protobuf/messages.js";

await import("@tensorflow/tfjs-backend-cpu");
await tf.setBackend("cpu");

const int64 = 9;
function proto(fields: Partial<TensorProto>): TensorProto {
  return { half_val: [], float_val: [], double_val: [], int_val: [], string_val: [], int64_val: [], bool_val: [], uint32_val: [], uint64_val: [], ...fields };
}
function int64Content(values: bigint[]): Uint8Array {
  return new Uint8Array(BigInt64Array.from(values).buffer);
}

test("int64 Const values that fit int32 convert exactly, from tensor_content and from int64_val", async () => {
  const fromContent = tensorFromProto(
    proto({ dtype: int64, tensor_shape: { dim: [{ size: 3 }] }, tensor_content: int64Content([-2147483648n, 7n, 2147483647n]) }),
  );
  assert.equal(fromContent.dtype, "int32");
  assert.deepEqual(Array.from(await fromContent.data()), [-2147483648, 7, 2147483647]);
  const fromField = tensorFromProto(proto({ dtype: int64, tensor_shape: { dim: [{ size: 2 }] }, int64_val: [5] }));
  assert.deepEqual(Array.from(await fromField.data()), [5, 5]);
});

test("an int64 Const value outside int32's range is refused, not wrapped", () => {
  assert.throws(
    () => tensorFromProto(proto({ dtype: int64, tensor_shape: { dim: [{ size: 2 }] }, tensor_content: int64Content([1n, 2n ** 40n]) })),
    (error: Error) =>
      error instanceof RangeError && /Const tensor of type int64: int64 value 1099511627776 \(element 1\) does not fit in tfjs int32/.test(error.message),
  );
  assert.throws(() => tensorFromProto(proto({ dtype: int64, tensor_shape: { dim: [] }, int64_val: [2 ** 33] })), /does not fit in tfjs int32/);
});
