// .keras archives: hostile zips are refused before expansion; the format is sniffed from content.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync, strToU8 } from "fflate";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { readZipSafely } from "../../lib/formats/keras-archive/safe-zip.js";
import { readKerasArchive } from "../../lib/formats/keras-archive/keras-archive.js";
import { snakeCase } from "../../lib/util/naming.js";
import { keras3VariableGroups } from "../../lib/keras/saving/stores/keras3-walker.js";
import { loadModel as loadKerasModel } from "../../lib/keras/saving/api.js";
import { fixturePath, readReference } from "./reference-fixtures.js";
// The loaders rebuild models with the Keras classes, which register themselves when lib/keras is loaded.
import * as keras from "../../lib/keras/index.js";

tfc.env().set("IS_TEST", true); // silences the "install tfjs-node" banner
await tfc.setBackend("cpu");

function withDirectory<T>(run: (directory: string) => Promise<T> | T): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-archive-test-"));
  return Promise.resolve(run(directory)).finally(() => rmSync(directory, { recursive: true, force: true }));
}

/** Renames every occurrence of a member name inside the zip bytes (local and central headers). */
function renameMember(zip: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const copy = zip.slice();
  const needle = Buffer.from(from);
  let position = Buffer.from(copy.buffer).indexOf(needle);
  while (position >= 0) {
    copy.set(Buffer.from(to), position);
    position = Buffer.from(copy.buffer).indexOf(needle, position + 1);
  }
  return copy;
}

test("readZipSafely refuses members with .. or absolute paths", () => {
  const traversal = zipSync({ "../evil.txt": strToU8("x"), "config.json": strToU8("{}") });
  assert.throws(() => readZipSafely(traversal, "t.keras"), /t\.keras contains the member "\.\.\/evil\.txt", which points outside the archive/);
  const absolute = zipSync({ "/etc/evil": strToU8("x") });
  assert.throws(() => readZipSafely(absolute, "a.keras"), /"\/etc\/evil", which points outside the archive/);
  const windows = zipSync({ "C:\\evil": strToU8("x") });
  assert.throws(() => readZipSafely(windows, "w.keras"), /points outside the archive/);
});

test("readZipSafely refuses duplicate member names", () => {
  const zip = renameMember(zipSync({ "config.json": strToU8('{"a":1}'), configXjson: strToU8('{"b":2}') }, { level: 0 }), "configXjson", "config.json");
  assert.throws(() => readZipSafely(zip, "d.keras"), /d\.keras contains the member "config\.json" twice/);
});

test("readZipSafely refuses decompression bombs by ratio and by absolute size", () => {
  const bomb = zipSync({ "model.weights.h5": new Uint8Array(4 << 20) }, { level: 9 });
  assert.ok(bomb.length < 100_000);
  assert.throws(
    () => readZipSafely(bomb, "b.keras"),
    /b\.keras: member "model\.weights\.h5" expands \d+-fold .* above the limit of 100\. Refusing a possible decompression bomb/,
  );
  const stored = zipSync({ "a.bin": new Uint8Array(3000) }, { level: 0 });
  assert.throws(
    () => readZipSafely(stored, "c.keras", { maxMemberBytes: 2000, maxTotalBytes: 1 << 30, maxExpansionRatio: 100, ratioFloorBytes: 1 << 20 }),
    /member "a\.bin" would expand to 3000 bytes, above the 2000-byte cap/,
  );
  // The same archive passes under the default caps, with its content intact.
  assert.equal(readZipSafely(stored, "c.keras").get("a.bin")?.length, 3000);
});

test("a truncated archive and an archive without config.json give clear errors", async () => {
  await withDirectory(async (directory) => {
    const original = readFileSync(fixturePath(readReference("k3_3.10.0_cnn")));
    const truncated = join(directory, "truncated.keras");
    writeFileSync(truncated, original.subarray(0, 5000));
    await assert.rejects(readKerasArchive(truncated), /truncated\.keras is not a readable zip archive .* it may be truncated or corrupt/);
    const noConfig = join(directory, "noconfig.keras");
    writeFileSync(noConfig, zipSync({ "metadata.json": strToU8("{}") }));
    await assert.rejects(readKerasArchive(noConfig), /noconfig\.keras has no config\.json member \(members: metadata\.json\)/);
  });
});

test("a .keras file that is HDF5 inside is sniffed and loaded as a Keras 2 model", async () => {
  await withDirectory(async (directory) => {
    const reference = readReference("k2h5_2.4.0_conv");
    const disguised = join(directory, "model.keras");
    copyFileSync(fixturePath(reference), disguised);
    const model = await loadKerasModel(disguised);
    const input = reference.prediction!.inputs[0]!;
    const flat = (values: unknown): number[] => (Array.isArray(values) ? values.flatMap(flat) : [values as number]);
    const output = model.predict(tfc.tensor(flat(input.values), input.shape)) as tfc.Tensor;
    const expected = flat(reference.prediction!.outputs[0]!.values);
    Array.from(output.dataSync()).forEach((value, index) => assert.ok(Math.abs(value - expected[index]!) <= 1e-4));
    model.dispose();
  });
});

test("Keras 3 weight groups follow snake_case(ClassName) with _k suffixes, as in the reference files", () => {
  assert.equal(snakeCase("MaxPooling2D"), "max_pooling2d");
  assert.equal(snakeCase("Conv2D"), "conv2d");
  assert.equal(snakeCase("BatchNormalization"), "batch_normalization");
  assert.equal(snakeCase("LSTM"), "lstm");
  // Reference weight_group_mapping of k3_3.10.0_cnn (layer classes in model order).
  assert.equal(snakeCase("KLDivergence"), "kl_divergence");
  // Reference weight_group_mapping of k3_3.10.0_cnn (layer classes in model order), from the one walk.
  const model = new keras.Sequential([
    keras.Input({ shape: [28, 28, 1] }),
    new keras.layers.Conv2D({ filters: 2, kernelSize: 3 }),
    new keras.layers.MaxPooling2D({ poolSize: 2 }),
    new keras.layers.Conv2D({ filters: 2, kernelSize: 3 }),
    new keras.layers.MaxPooling2D({ poolSize: 2 }),
    new keras.layers.Flatten(),
    new keras.layers.Dropout({ rate: 0.5 }),
    new keras.layers.Dense(4),
    new keras.layers.Dense(2),
  ]);
  assert.deepEqual(
    keras3VariableGroups(model).map((group) => group.path),
    [
      "vars",
      "layers/conv2d/vars",
      "layers/max_pooling2d/vars",
      "layers/conv2d_1/vars",
      "layers/max_pooling2d_1/vars",
      "layers/flatten/vars",
      "layers/dropout/vars",
      "layers/dense/vars",
      "layers/dense_1/vars",
    ],
  );
});
