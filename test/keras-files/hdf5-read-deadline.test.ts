// The HDF5 library (h5wasm, and libhdf5 under h5py alike) loops forever on some damaged metadata.
// Hdf5File reads in a worker thread under a deadline, so such a file is refused with a clear
// error instead of hanging the process, and the next file still reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { Hdf5File, hdf5ReadLimits } from "../../lib/formats/hdf5/hdf5-file.js";
import { fixturePath, readReference } from "./reference-fixtures.js";

test("a model.weights.h5 whose 'name' attribute makes HDF5 loop is refused after the deadline; a good file reads afterwards", {
  timeout: 120_000,
}, async () => {
  // The real nested_custom archive's weights with 4 bytes changed at offsets found by the fuzz test
  // (seed 4, variant 61): h5py's visititems lists the objects, but reading the string attribute
  // "name" of layers/dense/vars never returns, in h5py as in h5wasm.
  const original = unzipSync(readFileSync(fixturePath(readReference("k3_3.15.0_nested_custom"))))["model.weights.h5"]!;
  const damaged = Uint8Array.from(original);
  for (const [offset, value] of [
    [1617, 0o207],
    [2016, 0o326],
    [2690, 0o252],
    [3414, 0o355],
  ] as const)
    damaged[offset] = value;
  const path = join(mkdtempSync(join(tmpdir(), "tskeras-deadline-")), "looping.weights.h5");
  writeFileSync(path, damaged);
  const saved = hdf5ReadLimits.baseDeadlineMs;
  hdf5ReadLimits.baseDeadlineMs = 3_000;
  try {
    await assert.rejects(Hdf5File.open(path), (error: Error) => {
      assert.ok(error.message.startsWith(path), error.message);
      assert.match(error.message, /did not finish within 3 s/);
      assert.match(error.message, /corrupt/);
      return true;
    });
  } finally {
    hdf5ReadLimits.baseDeadlineMs = saved;
  }
  // The stopped reader is replaced: the undamaged weights read, with the layout of the reference JSON.
  const goodPath = join(mkdtempSync(join(tmpdir(), "tskeras-deadline-")), "good.weights.h5");
  writeFileSync(goodPath, original);
  const file = await Hdf5File.open(goodPath);
  const reference = readReference("k3_3.15.0_nested_custom").variables.filter((variable) => variable.path.startsWith("layers/"));
  assert.deepEqual(
    file.listDatasets("/").map(({ path, shape }) => [path, shape]),
    reference.map((variable) => [variable.path, variable.shape]),
  );
  assert.equal(file.attributeText("layers/dense/vars", "name"), "d_0");
});
