import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CheckpointFormatError,
  crc32cOf,
  latestCheckpoint,
  loadCheckpoint,
  maskCrc,
  readCheckpointState,
  writeBundle,
  writeTable,
  type CheckpointTensorInput,
} from "../../lib/formats/checkpoint/index.js";
import { bundleEntryMessage, bundleHeaderMessage } from "../../lib/formats/protobuf/tensorflow.js";
import { realFixtures } from "./fixtures.js";

const realIndex = join(realFixtures, "ckpt_k2.4.0_conv", "cp.ckpt.index");
const realData = join(realFixtures, "ckpt_k2.4.0_conv", "cp.ckpt.data-00000-of-00001");

function workspace(): string {
  return mkdtempSync(join(tmpdir(), "tskeras-hostile-input-"));
}

const isFormatError = (pattern: RegExp, path?: string) => (error: unknown) =>
  error instanceof CheckpointFormatError && pattern.test(error.message) && (path === undefined || error.path === path);

test("a real index truncated anywhere in its footer is refused, naming the file and the missing footer", () => {
  const directory = workspace();
  try {
    const index = readFileSync(realIndex);
    const prefix = join(directory, "cp.ckpt");
    copyFileSync(realData, `${prefix}.data-00000-of-00001`);
    // Cutting 1 byte, 47 bytes or half the file removes (part of) the 48-byte footer with its magic number.
    for (const length of [index.length - 1, index.length - 47, Math.floor(index.length / 2)]) {
      writeFileSync(`${prefix}.index`, index.subarray(0, length));
      assert.throws(() => loadCheckpoint(prefix), isFormatError(/magic number 0xdb4775248b80fb57.*truncated/, `${prefix}.index`), `cut to ${length} bytes`);
    }
    writeFileSync(`${prefix}.index`, new Uint8Array(0));
    assert.throws(() => loadCheckpoint(prefix), isFormatError(/is 0 bytes, shorter than the 48-byte table footer/));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

/** A valid footer (LevelDB layout: two varint block handles, padding, magic) whose index handle says `indexSize`. */
function footerWithIndexHandle(metaindexOffset: number, metaindexSize: number, indexOffset: number, indexSize: number): Uint8Array {
  const varint = (value: number): number[] => {
    const out: number[] = [];
    while (value >= 0x80) {
      out.push((value % 128) | 0x80);
      value = Math.floor(value / 128);
    }
    out.push(value);
    return out;
  };
  const footer = new Uint8Array(48);
  footer.set([...varint(metaindexOffset), ...varint(metaindexSize), ...varint(indexOffset), ...varint(indexSize)], 0);
  const view = new DataView(footer.buffer);
  view.setUint32(40, 0x8b80fb57, true);
  view.setUint32(44, 0xdb477524, true);
  return footer;
}

test("an index block handle claiming 2^45 bytes is refused before anything that size is allocated", () => {
  const directory = workspace();
  try {
    const prefix = join(directory, "huge");
    // An empty 5-byte-trailer block at 0 (the metaindex), then a footer whose index handle claims 32 TiB.
    const block = new Uint8Array(4 + 5);
    block[4] = 0;
    new DataView(block.buffer).setUint32(5, maskCrc(crc32cOf(block.subarray(0, 5))), true);
    writeFileSync(`${prefix}.index`, Buffer.concat([block, footerWithIndexHandle(0, 4, 0, 2 ** 45)]));
    assert.throws(() => loadCheckpoint(prefix), isFormatError(/block at offset 0 of 35184372088832 bytes runs past the end of the table data \(9 bytes\)/));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

/** One-entry bundle built from raw proto fields, with a data file of `dataSize` zero bytes. */
function bundleWithEntry(directory: string, name: string, entry: Record<string, unknown>, dataSize: number): string {
  const prefix = join(directory, name);
  writeFileSync(
    `${prefix}.index`,
    writeTable([
      { key: new Uint8Array(0), value: bundleHeaderMessage.encode(bundleHeaderMessage.fromObject({ num_shards: 1 })).finish() },
      { key: new TextEncoder().encode("t"), value: bundleEntryMessage.encode(bundleEntryMessage.fromObject(entry)).finish() },
    ]),
  );
  writeFileSync(`${prefix}.data-00000-of-00001`, new Uint8Array(dataSize));
  return prefix;
}

test("shapes whose byte size disagrees with the entry, and huge consistent claims, name the tensor and both sizes", () => {
  const directory = workspace();
  try {
    // float64 [3, 5] is 120 bytes; the entry claims 60.
    const disagreeing = bundleWithEntry(directory, "disagree", { dtype: 2, shape: { dim: [{ size: 3 }, { size: 5 }] }, offset: 0, size: 60 }, 120);
    assert.throws(
      () => loadCheckpoint(disagreeing).getTensor("t"),
      isFormatError(/tensor "t" has shape \[3, 5\] of float64 \(120 bytes\) but its entry says 60 bytes/),
    );
    // int8 [2^40] with a matching 1 TiB size: consistent, but the 64-byte data file cannot hold it.
    const huge = bundleWithEntry(directory, "huge", { dtype: 6, shape: { dim: [{ size: 2 ** 40 }] }, offset: 0, size: 2 ** 40 }, 64);
    const reader = loadCheckpoint(huge);
    assert.deepEqual(reader.getVariableToShapeMap(), { t: [2 ** 40] }, "the shape itself is listed as declared");
    assert.throws(
      () => reader.getTensor("t"),
      isFormatError(/tensor "t" spans bytes 0\.\.1099511627776, past the end of the 64-byte data file/, `${huge}.data-00000-of-00001`),
    );
    // A string tensor claiming 2^40 elements in 64 bytes.
    const strings = bundleWithEntry(directory, "strings", { dtype: 7, shape: { dim: [{ size: 2 ** 40 }] }, offset: 0, size: 64 }, 64);
    assert.throws(() => loadCheckpoint(strings).getTensor("t"), isFormatError(/1099511627776 elements but only 64 bytes/));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("checkpoint state paths that escape the directory are refused; absolute paths elsewhere stay inside it", () => {
  const root = workspace();
  try {
    const directory = join(root, "ckpts");
    mkdirSync(directory);
    // A sibling folder whose name starts with the directory's name must not count as inside it.
    mkdirSync(join(root, "ckpts-evil"));
    writeBundle(join(root, "ckpts-evil", "stolen"), [["w", { dtype: "float32", shape: [1], data: Float32Array.of(666) }]]);
    writeBundle(join(directory, "ckpt-1"), [["w", { dtype: "float32", shape: [1], data: Float32Array.of(1) }]]);
    const statePath = join(directory, "checkpoint");
    const escaping = [
      'model_checkpoint_path: "../ckpts-evil/stolen"\n',
      'model_checkpoint_path: "ckpt-1"\nall_model_checkpoint_paths: "../../etc/passwd"\n',
      'model_checkpoint_path: "sub/../../ckpts-evil/stolen"\n',
    ];
    for (const text of escaping) {
      writeFileSync(statePath, text);
      const refused = isFormatError(/points outside the checkpoint directory .*; refusing it/, statePath);
      assert.throws(() => readCheckpointState(directory), refused, text);
      assert.throws(() => latestCheckpoint(directory), refused, text);
      assert.throws(() => loadCheckpoint(directory), refused, text);
    }
    // An absolute path from another machine is taken by its last component, inside the directory.
    writeFileSync(statePath, `model_checkpoint_path: "${join(root, "ckpts-evil", "ckpt-1")}"\n`);
    assert.equal(latestCheckpoint(directory), join(directory, "ckpt-1"));
    assert.deepEqual(Array.from(loadCheckpoint(directory).getTensor("w").data as Float32Array), [1]);
    writeFileSync(statePath, `model_checkpoint_path: "${join(root, "ckpts-evil", "stolen")}"\n`);
    assert.equal(latestCheckpoint(directory), undefined, "no stolen.index inside the directory");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a save that fails half-way leaves the previous checkpoint loadable and no temporary files", () => {
  const directory = workspace();
  try {
    const prefix = join(directory, "model");
    writeBundle(prefix, [
      ["a", { dtype: "float32", shape: [2], data: Float32Array.of(1.5, -2) }],
      ["b", { dtype: "int32", shape: [1], data: Int32Array.of(7) }],
    ]);
    const before = readdirSync(directory).sort();
    // The third tensor (in key order) has too few bytes for its shape: the writer fails after having
    // written the first two tensors' data to its temporary file.
    assert.throws(
      () =>
        writeBundle(prefix, [
          ["a", { dtype: "float32", shape: [2], data: Float32Array.of(9, 9) }],
          ["b", { dtype: "int32", shape: [1], data: Int32Array.of(9) }],
          ["c", { dtype: "float32", shape: [4], data: Float32Array.of(9) }],
        ]),
      /Tensor "c" of float32 and shape \[4\] needs 16 bytes of typed-array data/,
    );
    assert.deepEqual(readdirSync(directory).sort(), before);
    const reader = loadCheckpoint(prefix);
    assert.deepEqual(reader.keys(), ["a", "b"]);
    assert.deepEqual(Array.from(reader.getTensor("a").data as Float32Array), [1.5, -2]);
    assert.deepEqual(Array.from(reader.getTensor("b").data as Int32Array), [7]);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

/** Data files of `prefix` this process has open (Linux: /proc/self/fd). */
function openDataFiles(prefix: string): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(join("/proc/self/fd", fd)).startsWith(`${prefix}.data-`);
    } catch {
      return false;
    }
  }).length;
}

test("a reader opens each data shard once per pass, closes it afterwards, and reads again later", async () => {
  const directory = workspace();
  try {
    const prefix = join(directory, "model");
    writeBundle(
      prefix,
      Array.from({ length: 50 }, (_, index): [string, CheckpointTensorInput] => [
        `v${String(index).padStart(2, "0")}`,
        { dtype: "int32", shape: [3], data: Int32Array.of(index, index * 2, -index) },
      ]),
    );
    const reader = loadCheckpoint(prefix);
    assert.equal(openDataFiles(prefix), 0, "opening the index does not open the data");
    for (const key of reader.keys()) reader.getTensor(key);
    assert.equal(openDataFiles(prefix), 1, "fifty reads in one pass share one descriptor");
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(openDataFiles(prefix), 0, "the descriptor is closed once the pass is over");
    // Deferred restoration reads later through the same reader.
    assert.deepEqual(Array.from(reader.getTensor("v42").data as Int32Array), [42, 84, -42]);
    reader.close();
    assert.equal(openDataFiles(prefix), 0);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("a synchronous loop over hundreds of readers keeps at most 64 data files open and reads every value", () => {
  const directory = workspace();
  try {
    const prefixes = Array.from({ length: 200 }, (_, index) => {
      const prefix = join(directory, `ckpt-${index}`);
      writeBundle(prefix, [["step", { dtype: "int64", shape: [], data: BigInt64Array.of(BigInt(index)) }]]);
      return prefix;
    });
    const readers = prefixes.map((prefix) => loadCheckpoint(prefix));
    const values = readers.map((reader) => Number((reader.getTensor("step").data as BigInt64Array)[0]));
    assert.deepEqual(
      values,
      prefixes.map((_, index) => index),
    );
    const open = prefixes.reduce((total, prefix) => total + openDataFiles(prefix), 0);
    assert.equal(open, 64);
    // The first readers' descriptors were closed to stay under the limit; they reopen on demand.
    assert.equal(Number((readers[0]!.getTensor("step").data as BigInt64Array)[0]), 0);
    for (const reader of readers) reader.close();
    assert.equal(
      prefixes.reduce((total, prefix) => total + openDataFiles(prefix), 0),
      0,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
