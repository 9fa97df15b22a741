// tskeras's row-copying GatherV2 on wasm against tfjs's CPU kernel: first axis (the fast path) for
// float32 and int32, multi-dimensional and repeated indices, and the cases it leaves to tfjs's kernel.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import { selectBackend } from "../../lib/backend/select.js";

async function gathered(backend: string, make: () => tfc.Tensor): Promise<{ shape: number[]; dtype: string; values: number[] }> {
  await tfc.setBackend(backend);
  const result = make();
  const out = { shape: result.shape, dtype: result.dtype, values: Array.from(await result.data()) };
  result.dispose();
  return out;
}

const x = () =>
  tfc.tensor3d(
    Array.from({ length: 5 * 3 * 2 }, (_, index) => index * 0.5 - 3),
    [5, 3, 2],
  );

const cases: Record<string, () => tfc.Tensor> = {
  "rows of a float32 tensor": () => tfc.tidy(() => tfc.gather(x(), tfc.tensor1d([4, 0, 2, 2], "int32"))),
  "rows of an int32 tensor": () => tfc.tidy(() => tfc.gather(tfc.cast(x(), "int32"), tfc.tensor1d([1, 3], "int32"))),
  "rows by a 2-D index tensor": () => tfc.tidy(() => tfc.gather(x(), tfc.tensor2d([0, 4, 1, 1, 3, 2], [2, 3], "int32"))),
  "elements of a vector": () => tfc.tidy(() => tfc.gather(tfc.tensor1d([7, 8, 9]), tfc.tensor1d([2, 2, 0], "int32"))),
  "no indices": () => tfc.tidy(() => tfc.gather(x(), tfc.tensor1d([], "int32"))),
  "axis 1 (tfjs's kernel)": () => tfc.tidy(() => tfc.gather(x(), tfc.tensor1d([2, 0], "int32"), 1)),
  "booleans (tfjs's kernel)": () => tfc.tidy(() => tfc.gather(tfc.tensor1d([true, false, true], "bool"), tfc.tensor1d([1, 0], "int32"))),
};

describe("wasm GatherV2 by rows", () => {
  before(async () => {
    process.env.TSKERAS_BACKEND = "wasm";
    assert.equal(await selectBackend(), "wasm");
  });

  for (const [name, make] of Object.entries(cases)) {
    it(`${name}: as tfjs's CPU kernel`, async () => {
      const expected = await gathered("cpu", make);
      const actual = await gathered("wasm", make);
      assert.deepEqual(actual, expected);
    });
  }

  it("an index out of range is reported as tfjs reports it, and nothing leaks", async () => {
    await tfc.setBackend("wasm");
    const data = x();
    const indices = tfc.tensor1d([1, 5], "int32");
    const before = tfc.memory().numBytes;
    assert.throws(() => tfc.gather(data, indices), /GatherV2: the index value 5 is not in \[0, 4\]/);
    assert.equal(tfc.memory().numBytes, before);
    tfc.dispose([data, indices]);
  });
});
