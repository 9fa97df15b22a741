import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CheckpointFormatError,
  loadCheckpoint,
  maskCrc,
  crc32cOf,
  writeBundle,
  writeTable,
  type CheckpointTensorInput,
} from "../../lib/formats/checkpoint/index.js";
import { bundleEntryMessage, bundleHeaderMessage } from "../../lib/formats/protobuf/tensorflow.js";
import { realBundles, realFixtures } from "./fixtures.js";

/** Small deterministic PRNG (mulberry32) so every run mutates the same bytes. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Opens the checkpoint and reads everything; returns "ok" or the error's class name. */
function readEverything(prefix: string): string {
  try {
    const reader = loadCheckpoint(prefix);
    reader.getVariableToShapeMap();
    reader.getVariableToDtypeMap();
    for (const key of reader.keys()) reader.getTensor(key);
    reader.objectGraph();
    return "ok";
  } catch (error) {
    if (error instanceof CheckpointFormatError) return "CheckpointFormatError";
    return `unexpected ${(error as Error).name}: ${(error as Error).message}`;
  }
}

/** Recomputes the masked CRC of each block whose handle is in the (intact) footer and index. */
function blockRegions(index: Uint8Array): { offset: number; size: number }[] {
  const regions: { offset: number; size: number }[] = [];
  const readVarintAt = (bytes: Uint8Array, position: number): [number, number] => {
    let value = 0;
    let scale = 1;
    while (true) {
      const byte = bytes[position++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (!(byte & 0x80)) return [value, position];
    }
  };
  const footer = index.length - 48;
  let [metaOffset, position] = readVarintAt(index, footer);
  let metaSize: number;
  [metaSize, position] = readVarintAt(index, position);
  const [indexOffset, next] = readVarintAt(index, position);
  const [indexSize] = readVarintAt(index, next);
  regions.push({ offset: metaOffset, size: metaSize }, { offset: indexOffset, size: indexSize });
  // Every real and written index here has one data block starting at 0, ending at the metaindex.
  regions.push({ offset: 0, size: metaOffset - 5 });
  return regions;
}

function fixCrcs(index: Uint8Array, regions: { offset: number; size: number }[]): void {
  for (const { offset, size } of regions) {
    const crc = maskCrc(crc32cOf(index.subarray(offset, offset + size + 1)));
    new DataView(index.buffer, index.byteOffset).setUint32(offset + size + 1, crc, true);
  }
}

test("1,500 corrupted variants of real and written checkpoints fail only with CheckpointFormatError", () => {
  const workspace = mkdtempSync(join(tmpdir(), "tskeras-fuzz-"));
  try {
    const written = join(workspace, "written");
    const tensors: [string, CheckpointTensorInput][] = [
      ["a", { dtype: "float32", shape: [3], data: Float32Array.of(1, 2, 3) }],
      ["b", { dtype: "string", shape: [2], data: ["xy", "z"] }],
      ["c", { dtype: "int64", shape: [1], data: BigInt64Array.of(9n) }],
      ["d", { dtype: "float16", shape: [2, 1], data: Uint16Array.of(1, 2) }],
    ];
    writeBundle(written, tensors);
    const sources = [...realBundles.map(({ id, prefix }) => join(realFixtures, id, prefix)), written];
    const random = seededRandom(20261122);
    const outcomes = new Map<string, number>();
    const target = join(workspace, "variant");
    let variants = 0;
    for (let round = 0; round < 300; round++) {
      for (const source of sources) {
        const index = new Uint8Array(readFileSync(`${source}.index`));
        const data = new Uint8Array(readFileSync(`${source}.data-00000-of-00001`));
        const kind = round % 5;
        if (kind === 0) {
          writeFileSync(`${target}.index`, index.subarray(0, Math.floor(random() * index.length)));
          writeFileSync(`${target}.data-00000-of-00001`, data);
        } else if (kind === 1 || kind === 2) {
          // Flip bytes inside blocks, then (kind 2) repair the CRCs so the parser itself is exercised.
          const regions = blockRegions(index);
          const flips = 1 + Math.floor(random() * 4);
          for (let flip = 0; flip < flips; flip++) {
            const region = regions[Math.floor(random() * regions.length)]!;
            const position = region.offset + Math.floor(random() * Math.max(1, region.size));
            index[position] = Math.floor(random() * 256);
          }
          if (kind === 2) fixCrcs(index, regions);
          writeFileSync(`${target}.index`, index);
          writeFileSync(`${target}.data-00000-of-00001`, data);
        } else if (kind === 3) {
          copyFileSync(`${source}.index`, `${target}.index`);
          const truncated = random() < 0.5;
          if (truncated) writeFileSync(`${target}.data-00000-of-00001`, data.subarray(0, Math.floor(random() * data.length)));
          else {
            data[Math.floor(random() * data.length)] ^= 1 + Math.floor(random() * 255);
            writeFileSync(`${target}.data-00000-of-00001`, data);
          }
        } else {
          const position = Math.floor(random() * index.length);
          index[position] ^= 1 << Math.floor(random() * 8);
          writeFileSync(`${target}.index`, index);
          writeFileSync(`${target}.data-00000-of-00001`, data);
        }
        const outcome = readEverything(target);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        variants++;
      }
    }
    assert.equal(variants, 1500);
    const unexpected = [...outcomes.keys()].filter((outcome) => outcome !== "ok" && outcome !== "CheckpointFormatError");
    assert.deepEqual(unexpected, []);
    // Most corruptions must be detected, not silently accepted.
    assert.ok((outcomes.get("CheckpointFormatError") ?? 0) > 1200, JSON.stringify([...outcomes]));
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});

/** Builds a bundle whose single entry is given as raw proto fields, with a data file of `dataSize` bytes. */
function hostileBundle(directory: string, entry: Record<string, unknown>, dataSize = 16, header: Record<string, unknown> = { num_shards: 1 }): string {
  const prefix = join(directory, `hostile-${Math.random().toString(36).slice(2)}`);
  const index = writeTable([
    { key: new Uint8Array(0), value: bundleHeaderMessage.encode(bundleHeaderMessage.fromObject(header)).finish() },
    { key: new TextEncoder().encode("t"), value: bundleEntryMessage.encode(bundleEntryMessage.fromObject(entry)).finish() },
  ]);
  writeFileSync(`${prefix}.index`, index);
  writeFileSync(`${prefix}.data-00000-of-00001`, new Uint8Array(dataSize));
  return prefix;
}

test("hostile entries are refused with a message naming the problem", () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-hostile-"));
  try {
    const cases: [Record<string, unknown>, RegExp, Record<string, unknown>?][] = [
      [{ dtype: 1, shape: { dim: [{ size: 4 }] }, offset: 0, size: 12 }, /\(16 bytes\) but its entry says 12 bytes/],
      [{ dtype: 1, shape: { dim: [{ size: 4 }] }, offset: 8, size: 16 }, /past the end of the 16-byte data file/],
      [{ dtype: 1, shape: { dim: [{ size: 2 ** 40 }] }, offset: 0, size: 2 ** 42 }, /past the end/],
      [{ dtype: 7, shape: { dim: [{ size: 1e12 }] }, offset: 0, size: 16 }, /1000000000000 elements but only 16 bytes/],
      [{ dtype: 1, shape: { dim: [{ size: -1 }] }, offset: 0, size: 4 }, /non-negative dimensions/],
      [{ dtype: 1, shape: { dim: [{ size: 1 }] }, shard_id: 3, offset: 0, size: 4 }, /shard 3; the bundle has 1 shards/],
      [{ dtype: 20, shape: {}, offset: 0, size: 4 }, /DataType 20/],
      [{ dtype: 1, shape: { dim: [{ size: 1 }] }, offset: 0, size: 4, crc32c: 123 }, /CRC32C mismatch/],
      [{ dtype: 1, shape: {}, offset: 0, size: 4 }, /big-endian/, { num_shards: 1, endianness: 1 }],
      [{ dtype: 1, shape: {}, offset: 0, size: 4 }, /needs a reader of version >= 7/, { num_shards: 1, version: { producer: 9, min_consumer: 7 } }],
    ];
    for (const [entry, message, header] of cases) {
      const prefix = hostileBundle(directory, entry, 16, header);
      assert.throws(
        () => {
          const reader = loadCheckpoint(prefix);
          reader.getTensor("t");
        },
        (error: unknown) => error instanceof CheckpointFormatError && message.test(error.message) && error.message.includes(prefix),
        JSON.stringify(entry),
      );
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("a wrong magic number and a too-short index are named clearly", () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-magic-"));
  try {
    const prefix = join(directory, "x");
    writeFileSync(`${prefix}.index`, new Uint8Array(48));
    assert.throws(() => loadCheckpoint(prefix), /magic number 0xdb4775248b80fb57/);
    writeFileSync(`${prefix}.index`, new Uint8Array(10));
    assert.throws(
      () => loadCheckpoint(prefix),
      (error: unknown) => error instanceof CheckpointFormatError && /10 bytes, shorter than the 48-byte table footer/.test(error.message),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
