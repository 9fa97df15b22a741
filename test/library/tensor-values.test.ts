// float32ValuesForReading: on the wasm backend a view of the tensor's memory (no copy) with the same
// numbers dataSync gives; on cpu what dataSync gives.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { test } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { float32ValuesForReading } from "../../lib/backend/tensor-values.js";

const require = createRequire(import.meta.url);

for (const backend of ["wasm", "cpu"]) {
  test(`float32ValuesForReading on ${backend} gives the tensor's values`, async () => {
    if (backend === "wasm") setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
    await tfc.setBackend(backend);
    const expected = Float32Array.from({ length: 1000 }, (_, index) => Math.sin(index) * 3);
    const other = tfc.tensor(new Float32Array(50).fill(7));
    const uploaded = tfc.tensor(expected, [10, 100]);
    const tensor = tfc.add(uploaded, 0); // a kernel's output, not the uploaded array
    const values = float32ValuesForReading(tensor);
    assert.equal(values.length, 1000);
    assert.deepEqual(Array.from(values), Array.from(tensor.dataSync()));
    assert.deepEqual(Array.from(values), Array.from(expected).map(Math.fround));
    // On wasm the values are the backend's heap itself (no copy was made).
    if (backend === "wasm") assert.equal(values.buffer, (tfc.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer);
    const ints = tfc.tensor([1, 2, 3], [3], "int32");
    assert.deepEqual(Array.from(float32ValuesForReading(ints)), [1, 2, 3]);
    tfc.dispose([uploaded, tensor, other, ints]);
  });
}
