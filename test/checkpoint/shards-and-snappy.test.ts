import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32cOf, dataShardPath, loadCheckpoint, maskCrc, readTable, writeTable } from "../../lib/formats/checkpoint/index.js";
import { bundleEntryMessage, bundleHeaderMessage } from "../../lib/formats/protobuf/tensorflow.js";

const snappy = createRequire(import.meta.url)("snappyjs") as { compress(data: Uint8Array): Uint8Array };
const encoder = new TextEncoder();

function entryBytes(fields: Record<string, unknown>): Uint8Array {
  return bundleEntryMessage.encode(bundleEntryMessage.fromObject(fields)).finish();
}

test("a two-shard bundle reads each tensor from its shard", () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-shards-"));
  try {
    const prefix = join(directory, "sharded");
    const first = Float32Array.of(1, 2);
    const second = Int32Array.of(7, 8, 9);
    const bytesOf = (array: Float32Array | Int32Array) => new Uint8Array(array.buffer);
    writeFileSync(
      `${prefix}.index`,
      writeTable([
        { key: new Uint8Array(0), value: bundleHeaderMessage.encode(bundleHeaderMessage.fromObject({ num_shards: 2, version: { producer: 1 } })).finish() },
        {
          key: encoder.encode("a"),
          value: entryBytes({ dtype: 1, shape: { dim: [{ size: 2 }] }, shard_id: 0, offset: 3, size: 8, crc32c: maskCrc(crc32cOf(bytesOf(first))) }),
        },
        {
          key: encoder.encode("b"),
          value: entryBytes({ dtype: 3, shape: { dim: [{ size: 3 }] }, shard_id: 1, offset: 0, size: 12, crc32c: maskCrc(crc32cOf(bytesOf(second))) }),
        },
      ]),
    );
    assert.equal(dataShardPath(prefix, 1, 2), `${prefix}.data-00001-of-00002`);
    writeFileSync(`${prefix}.data-00000-of-00002`, Buffer.concat([Uint8Array.of(0, 0, 0), bytesOf(first)]));
    writeFileSync(`${prefix}.data-00001-of-00002`, bytesOf(second));
    const reader = loadCheckpoint(prefix);
    assert.deepEqual(Array.from(reader.getTensor("a").data as Float32Array), [1, 2]);
    assert.deepEqual(Array.from(reader.getTensor("b").data as Int32Array), [7, 8, 9]);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("a table whose data block is snappy-compressed reads the same entries", () => {
  const entries = Array.from({ length: 30 }, (_, index) => ({
    key: encoder.encode(`key-${String(index).padStart(3, "0")}`),
    value: new Uint8Array(50).fill(index),
  }));
  const plain = writeTable(entries);
  // The plain table is [data block][trailer][metaindex (8 bytes)][trailer][index]...: rebuild it
  // with the data block compressed (type 1) and a hand-encoded index block pointing at it.
  const footerStart = plain.length - 48;
  const metaOffset = (plain[footerStart]! & 0x7f) | ((plain[footerStart + 1]! & 0x7f) << 7);
  const dataBlock = plain.subarray(0, metaOffset - 5);
  const compressed = snappy.compress(dataBlock);
  const withTrailer = (contents: Uint8Array, type: number): Uint8Array => {
    const out = new Uint8Array(contents.length + 5);
    out.set(contents);
    out[contents.length] = type;
    new DataView(out.buffer).setUint32(contents.length + 1, maskCrc(crc32cOf(out.subarray(0, contents.length + 1))), true);
    return out;
  };
  const varint = (value: number): number[] => (value < 128 ? [value] : [(value & 0x7f) | 0x80, value >> 7]);
  const separator = encoder.encode("kez"); // > "key-029": any key at or past the block's last key works
  const handle = [...varint(0), ...varint(compressed.length)];
  const indexContents = Uint8Array.from([0, separator.length, handle.length, ...separator, ...handle, 0, 0, 0, 0, 1, 0, 0, 0]);
  const dataPart = withTrailer(compressed, 1);
  const metaPart = withTrailer(Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0), 0);
  const indexPart = withTrailer(indexContents, 0);
  const footer = new Uint8Array(48);
  footer.set([...varint(dataPart.length), ...varint(8), ...varint(dataPart.length + metaPart.length), ...varint(indexContents.length)]);
  footer.set([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb], 40);
  const table = Buffer.concat([dataPart, metaPart, indexPart, footer]);
  assert.ok(compressed.length < dataBlock.length);
  assert.deepEqual(
    readTable(table, "snappy.index").map((entry) => [Buffer.from(entry.key).toString(), Array.from(entry.value)]),
    entries.map((entry) => [Buffer.from(entry.key).toString(), Array.from(entry.value)]),
  );
});
