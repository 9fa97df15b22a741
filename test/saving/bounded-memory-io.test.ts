// Saving and loading in bounded memory (issue 17): restores write each tensor's bytes straight into its
// variable's memory and still give exactly the saved values; a variable whose memory another tensor
// shares is assigned instead, leaving that tensor alone; .keras archives written by tskeras are read
// in place (their weights member stored at a power-of-two offset), Python's zipfile and the HDF5
// library still read them, and an unaligned archive still loads through extraction; big datasets
// (read in row blocks) come back whole; a save that fails leaves the previous file untouched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { overwriteVariableValues, tensorBytesForReading } from "../../lib/backend/tensor-values.js";
import { writeBundle } from "../../lib/formats/checkpoint/bundle.js";
import { SafeZipFile } from "../../lib/formats/keras-archive/safe-zip.js";
import { StoredZipWriter } from "../../lib/formats/keras-archive/zip-writer.js";
import { writeFileAtomicWith } from "../../lib/io/atomic-file.js";
import { loadModel, loadWeights, saveModel, saveWeights } from "../../lib/keras/saving/api.js";
import * as keras from "../../lib/keras/index.js";
import { requireOracle, runOracle } from "../support/oracle.js";

tfc.env().set("IS_TEST", true);
const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);

function withDirectory<T>(run: (directory: string) => Promise<T> | T): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-bounded-io-"));
  return Promise.resolve(run(directory)).finally(() => rmSync(directory, { recursive: true, force: true }));
}

/** Values that differ element by element (a shifted or partial copy would not match). */
function ramp(count: number, seed: number): Float32Array {
  return Float32Array.from({ length: count }, (_, index) => Math.fround(Math.sin(index * 0.37 + seed) * (1 + (index % 7))));
}

/** A Dense model whose first kernel (2048×640 float32, 5 MiB) is bigger than the HDF5 reader's 4 MiB row blocks. */
function model(seed: number): keras.Sequential {
  // relu makes the first layer a fused matMul, which the wasm backend runs through XNNPACK with cached packed weights.
  const built = new keras.Sequential([keras.Input({ shape: [2048] }), new keras.layers.Dense(640, { activation: "relu" }), new keras.layers.Dense(3)]);
  const values = built.getWeights().map((weight, index) => tfc.tensor(ramp(weight.size, seed + index), weight.shape));
  built.setWeights(values);
  tfc.dispose(values); // the variables alone hold their memory, as after a build (restores then write in place)
  return built;
}

function weightValues(built: { getWeights(): tfc.Tensor[] }): number[][] {
  return built.getWeights().map((weight) => Array.from(weight.dataSync()));
}

for (const backend of ["wasm", "cpu"]) {
  test(`overwriteVariableValues on ${backend}: in place when the variable owns its memory, assigned when another tensor shares it`, async () => {
    await tfc.setBackend(backend);
    const initial = tfc.zeros([3, 4]);
    const owned = tfc.variable(initial);
    initial.dispose(); // the variable alone holds that memory now, as a layer's weights do
    const bytesBefore = tensorBytesForReading(owned);
    const next = ramp(12, 1);
    assert.equal(
      overwriteVariableValues(owned, (bytes) => bytes.set(new Uint8Array(next.buffer))),
      true,
    );
    assert.deepEqual(Array.from(owned.dataSync()), Array.from(next));
    // The same memory holds the new values (nothing was allocated).
    assert.equal(tensorBytesForReading(owned).byteOffset, bytesBefore.byteOffset);

    const shared = tfc.tensor([1, 2, 3], [3], "int32");
    const sharing = tfc.variable(shared); // tfjs shares the initial value's memory
    assert.equal(
      overwriteVariableValues(sharing, (bytes) => bytes.set(new Uint8Array(Int32Array.of(7, 8, 9).buffer))),
      false,
    );
    assert.deepEqual(Array.from(sharing.dataSync()), [7, 8, 9]);
    assert.deepEqual(Array.from(shared.dataSync()), [1, 2, 3], "the tensor that shared the memory keeps its values");
    assert.throws(() => overwriteVariableValues(tfc.variable(tfc.tensor([true]), true, undefined, "bool"), () => {}), /bool/);
    tfc.dispose([owned, shared, sharing]);
  });

  test(`TF checkpoint and .weights.h5 restores on ${backend} give exactly the saved values`, () =>
    withDirectory(async (directory) => {
      await tfc.setBackend(backend);
      const saved = model(1);
      await saveWeights(saved, join(directory, "ckpt", "cp"));
      await saveWeights(saved, join(directory, "w.weights.h5"));
      const x = tfc.tensor(ramp(2 * 2048, 9), [2, 2048]);
      const expected = Array.from((saved.predict(x) as tfc.Tensor).dataSync());
      for (const path of [join(directory, "ckpt", "cp"), join(directory, "w.weights.h5")]) {
        const restored = model(50);
        // A prediction first: the wasm backend then caches its kernels packed for XNNPACK, which a
        // restore writing into the same memory must invalidate.
        restored.predict(x);
        (await loadWeights(restored, path)).assertConsumed();
        assert.deepEqual(weightValues(restored), weightValues(saved), path);
        assert.deepEqual(Array.from((restored.predict(x) as tfc.Tensor).dataSync()), expected, `${path}: predictions use the restored weights`);
      }
    }));
}

test("a checkpoint whose data does not match its CRC is refused", () =>
  withDirectory(async (directory) => {
    await tfc.setBackend("wasm");
    const saved = model(2);
    const prefix = join(directory, "cp");
    await saveWeights(saved, prefix);
    const dataPath = `${prefix}.data-00000-of-00001`;
    const data = readFileSync(dataPath);
    data[data.length >> 1] ^= 0xff;
    writeFileSync(dataPath, data);
    await assert.rejects(loadWeights(model(3), prefix), /CRC32C mismatch/);
  }));

test(".keras archives put model.weights.h5 at a power-of-two offset, load in place with the saved values, and Python reads them", (t) =>
  withDirectory(async (directory) => {
    await tfc.setBackend("wasm");
    const saved = model(4);
    const path = join(directory, "m.keras");
    await saveModel(saved, path);
    const zip = SafeZipFile.open(path);
    let offset: number;
    try {
      assert.deepEqual(zip.names(), ["metadata.json", "config.json", "model.weights.h5"], "Keras's member order");
      offset = zip.storedRange("model.weights.h5")!.offset;
    } finally {
      zip.close();
    }
    assert.ok(offset >= 512 && (offset & (offset - 1)) === 0, `data offset ${offset} is a power of two from 512 on`);
    const loaded = await loadModel(path);
    assert.deepEqual(weightValues(loaded), weightValues(saved));
    if (!requireOracle(t)) return;
    const script = [
      "import sys, zipfile, numpy as np, keras",
      "zipfile.ZipFile(sys.argv[1]).testzip() is None or sys.exit('bad CRC')",
      "m = keras.saving.load_model(sys.argv[1])",
      "print(float(np.asarray(m.layers[0].kernel)[1000, 600]), float(np.asarray(m.layers[1].bias)[2]))",
    ].join("\n");
    const [kernelValue, biasValue] = (await runOracle(script, [path])).trim().split(/\s+/).map(Number);
    assert.equal(kernelValue, saved.getWeights()[0]!.dataSync()[1000 * 640 + 600]);
    assert.equal(biasValue, saved.getWeights()[3]!.dataSync()[2]);
  }));

test("an archive whose weights member is not at a power-of-two offset still loads (extracted), with the same values", () =>
  withDirectory(async (directory) => {
    await tfc.setBackend("wasm");
    const saved = model(5);
    const aligned = join(directory, "aligned.keras");
    await saveModel(saved, aligned);
    // Rewrite the archive without the alignment padding, as Python's zipfile writes it.
    const members = (() => {
      const zip = SafeZipFile.open(aligned);
      try {
        return zip.names().map((name) => [name, zip.read(name)] as const);
      } finally {
        zip.close();
      }
    })();
    const unaligned = join(directory, "unaligned.keras");
    const descriptor = openSync(unaligned, "w");
    try {
      const writer = new StoredZipWriter(descriptor);
      for (const [name, bytes] of members) writer.addBytes(name, bytes);
      writer.finish();
    } finally {
      closeSync(descriptor);
    }
    const zip = SafeZipFile.open(unaligned);
    try {
      const { offset } = zip.storedRange("model.weights.h5")!;
      assert.notEqual(offset & (offset - 1), 0, "the member sits at an ordinary offset");
    } finally {
      zip.close();
    }
    assert.deepEqual(weightValues(await loadModel(unaligned)), weightValues(saved));
  }));

test("a save that fails part-way leaves the previous file (and checkpoint) untouched and no temporary file", () =>
  withDirectory(async (directory) => {
    const target = join(directory, "model.keras");
    writeFileSync(target, "previous save");
    await assert.rejects(
      writeFileAtomicWith(target, ({ descriptor }) => {
        writeFileSync(descriptor, "half of a new save");
        throw new Error("disk full");
      }),
      /disk full/,
    );
    assert.equal(readFileSync(target, "utf8"), "previous save");
    assert.deepEqual(readdirSync(directory), ["model.keras"]);

    await tfc.setBackend("wasm");
    const prefix = join(directory, "ckpt");
    writeBundle(prefix, [["w", { dtype: "float32", shape: [2], data: Float32Array.of(1, 2) }]]);
    const before = [readFileSync(`${prefix}.index`), readFileSync(`${prefix}.data-00000-of-00001`)];
    assert.throws(
      () =>
        writeBundle(prefix, [
          ["a", { dtype: "float32", shape: [2], data: (use) => use(new Uint8Array(8)) }],
          [
            "b",
            {
              dtype: "float32",
              shape: [2],
              data: () => {
                throw new Error("the variable was disposed");
              },
            },
          ],
        ]),
      /disposed/,
    );
    assert.deepEqual([readFileSync(`${prefix}.index`), readFileSync(`${prefix}.data-00000-of-00001`)], before);
    assert.deepEqual(readdirSync(directory).sort(), ["ckpt.data-00000-of-00001", "ckpt.index", "model.keras"]);
    assert.ok(existsSync(`${prefix}.index`));
  }));
