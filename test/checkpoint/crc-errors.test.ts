import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointFormatError, loadCheckpoint } from "../../lib/formats/checkpoint/index.js";
import { readReference, realFixtures } from "./fixtures.js";

/** Copies the real tf.keras 2.4 checkpoint into a fresh folder and returns its prefix. */
function copyRealCheckpoint(): { directory: string; prefix: string } {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-ckpt-crc-"));
  for (const name of ["cp.ckpt.index", "cp.ckpt.data-00000-of-00001"]) {
    copyFileSync(join(realFixtures, "ckpt_k2.4.0_conv", name), join(directory, name));
  }
  return { directory, prefix: join(directory, "cp.ckpt") };
}

test("a flipped data byte is reported with the tensor key and the data file", () => {
  const { directory, prefix } = copyRealCheckpoint();
  try {
    // Pick the largest numeric tensor from the reference (offsets come from TensorFlow, not our reader).
    const variables = readReference("ckpt_k2.4.0_conv").bundle.variables.filter((variable) => variable.dtype === "float32");
    const target = variables.reduce((best, variable) => (variable.size > best.size ? variable : best));
    const dataPath = `${prefix}.data-00000-of-00001`;
    const bytes = readFileSync(dataPath);
    bytes[target.offset + Math.floor(target.size / 2)]! ^= 0x01;
    writeFileSync(dataPath, bytes);
    const reader = loadCheckpoint(prefix);
    assert.throws(
      () => reader.getTensor(target.key),
      (error: unknown) =>
        error instanceof CheckpointFormatError &&
        error.message.includes("CRC32C mismatch") &&
        error.message.includes(target.key) &&
        error.path.includes(dataPath),
    );
    // Other tensors still read: the damage is local to one entry.
    const other = variables.find((variable) => variable.key !== target.key)!;
    assert.deepEqual(reader.getTensor(other.key).shape, other.shape);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("a flipped byte inside the index's first data block is reported with the index file", () => {
  const { directory, prefix } = copyRealCheckpoint();
  try {
    const indexPath = `${prefix}.index`;
    const bytes = readFileSync(indexPath);
    // The first data block starts at offset 0; byte 5 is inside the first entry's key/value region.
    bytes[5]! ^= 0x40;
    writeFileSync(indexPath, bytes);
    assert.throws(
      () => loadCheckpoint(prefix),
      (error: unknown) => error instanceof CheckpointFormatError && error.path.includes(indexPath) && error.message.includes("CRC32C"),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
