// OneHot on wasm with a float32 result: tfjs-backend-wasm 4.22 wrote int32 bits there (ones read back
// as 1e-45). Expected values are written out by hand.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import { selectBackend } from "../../lib/backend/select.js";

describe("OneHot on wasm", () => {
  before(async () => {
    process.env["TSKERAS_BACKEND"] = "wasm";
    assert.equal(await selectBackend(), "wasm");
  });

  it("gives float32 on/off values, and int32 as before, without leaking", async () => {
    const start = tfc.memory().numTensors;
    const indices = tfc.tensor2d([0, 2, 1, 5], [2, 2], "int32");
    const floats = tfc.oneHot(indices, 3, 0.75, -0.5, "float32");
    assert.equal(floats.dtype, "float32");
    assert.deepEqual(floats.shape, [2, 2, 3]);
    // Index 5 is outside the depth: a row of off values, as in TensorFlow.
    assert.deepEqual(Array.from(await floats.data()), [0.75, -0.5, -0.5, -0.5, -0.5, 0.75, -0.5, 0.75, -0.5, -0.5, -0.5, -0.5]);
    const ints = tfc.oneHot(indices, 3);
    assert.equal(ints.dtype, "int32");
    assert.deepEqual(Array.from(await ints.data()), [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
    tfc.dispose([indices, floats, ints]);
    assert.equal(tfc.memory().numTensors, start);
  });
});
