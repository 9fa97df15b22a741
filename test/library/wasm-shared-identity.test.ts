// Identity (tf.clone, and tfjs's copies of tensors saved for backprop) on wasm shares storage instead
// of copying it; the clone must stay intact when the original is disposed, and keep its own dtype and shape.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import { selectBackend } from "../../lib/backend/select.js";

describe("wasm Identity shares storage", () => {
  before(async () => {
    process.env.TSKERAS_BACKEND = "wasm";
    assert.equal(await selectBackend(), "wasm");
  });

  it("a clone takes no new storage and outlives its original", () => {
    const backend = tfc.backend() as unknown as { numDataIds(): number };
    const original = tfc.tensor2d([1.5, -2, 3, 4.25, 5, 6], [2, 3]);
    const ids = backend.numDataIds();
    const clone = tfc.clone(original);
    assert.equal(backend.numDataIds(), ids, "no second copy of the values");
    original.dispose();
    assert.deepEqual(clone.shape, [2, 3]);
    assert.deepEqual(Array.from(clone.dataSync()), [1.5, -2, 3, 4.25, 5, 6]);
    clone.dispose();
    assert.equal(backend.numDataIds(), ids - 1, "the storage is freed with its last tensor");
  });

  it("int32, bool and string tensors clone to the same values", () => {
    for (const tensor of [tfc.tensor1d([1, -7], "int32"), tfc.tensor1d([true, false], "bool"), tfc.tensor1d(["a", "bc"], "string")]) {
      const clone = tfc.clone(tensor);
      assert.equal(clone.dtype, tensor.dtype);
      assert.deepEqual(clone.arraySync(), tensor.arraySync());
      tfc.dispose([tensor, clone]);
    }
  });
});
