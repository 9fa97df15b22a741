import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BundleReader,
  buildObjectGraph,
  loadCheckpoint,
  readTable,
  writeBundle,
  writeTable,
  type CheckpointTensorInput,
} from "../../lib/formats/checkpoint/index.js";
import { readReference, realBundles, realFixtures, repositoryRoot } from "./fixtures.js";

const textEncoder = new TextEncoder();
const withTemporaryDirectory = (body: (directory: string) => void): void => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-ckpt-"));
  try {
    body(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
};

/** One tensor of every dtype, with edge values, plus empty tensors. */
const everyDtype: [string, CheckpointTensorInput][] = [
  ["f16", { dtype: "float16", shape: [3], data: Uint16Array.of(0x3c00, 0xc000, 0x7bff) }],
  ["bf16", { dtype: "bfloat16", shape: [2], data: Uint16Array.of(0x3f80, 0xff80) }],
  ["f32", { dtype: "float32", shape: [2, 2], data: Float32Array.of(1.5, -0, Infinity, 3.4028234663852886e38) }],
  ["f64", { dtype: "float64", shape: [2], data: Float64Array.of(Math.PI, -1e-300) }],
  ["i8", { dtype: "int8", shape: [2], data: Int8Array.of(-128, 127) }],
  ["i16", { dtype: "int16", shape: [2], data: Int16Array.of(-32768, 32767) }],
  ["i32", { dtype: "int32", shape: [1, 2], data: Int32Array.of(-2147483648, 2147483647) }],
  ["i64", { dtype: "int64", shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n) }],
  ["u8", { dtype: "uint8", shape: [2], data: Uint8Array.of(0, 255) }],
  ["u16", { dtype: "uint16", shape: [1], data: Uint16Array.of(65535) }],
  ["u32", { dtype: "uint32", shape: [1], data: Uint32Array.of(4294967295) }],
  ["u64", { dtype: "uint64", shape: [1], data: BigUint64Array.of(2n ** 64n - 1n) }],
  ["bool", { dtype: "bool", shape: [3], data: Uint8Array.of(1, 0, 1) }],
  ["c64", { dtype: "complex64", shape: [1], data: Float32Array.of(1, -2) }],
  ["c128", { dtype: "complex128", shape: [1], data: Float64Array.of(3, 4) }],
  ["str", { dtype: "string", shape: [3], data: ["", "héllo", "x".repeat(300)] }],
  ["bytes", { dtype: "string", shape: [], data: [Uint8Array.of(0, 255, 10)] }],
  ["empty_f32", { dtype: "float32", shape: [0, 4], data: new Float32Array(0) }],
  ["empty_str", { dtype: "string", shape: [0], data: [] }],
  ["scalar", { dtype: "float32", shape: [], data: Float32Array.of(7) }],
];

test("every dtype, strings and empty tensors survive a write → read round trip exactly", () => {
  withTemporaryDirectory((directory) => {
    const prefix = join(directory, "all");
    writeBundle(prefix, everyDtype);
    const reader = new BundleReader(prefix);
    assert.deepEqual(reader.keys(), everyDtype.map(([key]) => key).sort());
    for (const [key, expected] of everyDtype) {
      const actual = reader.readTensor(key);
      assert.equal(actual.dtype, expected.dtype, key);
      assert.deepEqual(actual.shape, expected.shape, key);
      if (expected.dtype === "string") {
        const expectedBytes = (expected.data as (string | Uint8Array)[]).map((value) => (typeof value === "string" ? textEncoder.encode(value) : value));
        assert.deepEqual(actual.data, expectedBytes, key);
      } else {
        assert.deepEqual(actual.data, expected.data, key);
      }
    }
    // Only the index and one data shard remain: no temporary files are left behind.
    assert.deepEqual(readdirSync(directory).sort(), ["all.data-00000-of-00001", "all.index"]);
  });
});

test("rewriting a real checkpoint reproduces TensorFlow's per-tensor masked CRCs and sizes", () => {
  withTemporaryDirectory((directory) => {
    const source = loadCheckpoint(join(realFixtures, "ckpt_k2.4.0_conv"));
    const prefix = join(directory, "copy");
    writeBundle(
      prefix,
      source.keys().map((key) => [key, source.getTensor(key)] as const),
    );
    const report = runIndependentReader(prefix);
    const reference = readReference("ckpt_k2.4.0_conv").bundle.variables;
    const byKey = new Map(report.entries.slice(1).map((entry) => [entry.key, entry]));
    for (const variable of reference) {
      const written = byKey.get(variable.key)!;
      assert.equal(written.crc_masked, variable.crc32c_masked, variable.key);
      assert.equal(written.size, variable.size, variable.key);
      assert.deepEqual(written.shape, variable.shape, variable.key);
    }
  });
});

test("re-encoding the entries of real .index files gives TensorFlow's bytes exactly", () => {
  for (const { id, prefix } of realBundles) {
    const path = join(realFixtures, id, `${prefix}.index`);
    const original = readFileSync(path);
    assert.deepEqual(Buffer.from(writeTable(readTable(original, path))), original, id);
  }
});

test("an index larger than one 256 KiB block splits into blocks that Python reads back in order", () => {
  withTemporaryDirectory((directory) => {
    const prefix = join(directory, "wide");
    const tensors = Array.from(
      { length: 6000 },
      (_, index) =>
        [`model/layer_with_weights-${index}/kernel/.ATTRIBUTES/VARIABLE_VALUE`, { dtype: "int32", shape: [1], data: Int32Array.of(index) }] as [
          string,
          CheckpointTensorInput,
        ],
    );
    writeBundle(prefix, tensors);
    const report = runIndependentReader(prefix);
    const dataBlocks = report.blocks.length - 2;
    assert.ok(dataBlocks >= 2, `expected several data blocks, got ${dataBlocks}`);
    assert.ok(report.blocks.every((block) => block.crc_ok));
    assert.deepEqual(
      report.entries.slice(1).map((entry) => entry.key),
      tensors.map(([key]) => key).sort(),
    );
    const reader = new BundleReader(prefix);
    assert.deepEqual(Array.from(reader.readTensor(tensors[4321]![0]).data as Int32Array), [4321]);
  });
});

test("small blocks with shortened separators still read back every entry", () => {
  const entries = Array.from({ length: 300 }, (_, index) => ({
    key: textEncoder.encode(`k${(index * 7919) % 100000}`),
    value: Uint8Array.of(index % 256),
  })).sort((left, right) => Buffer.compare(left.key, right.key));
  const table = writeTable(entries, { blockSize: 128, restartInterval: 4 });
  assert.deepEqual(
    readTable(table, "small-blocks.index").map((entry) => Buffer.from(entry.key).toString()),
    entries.map((entry) => Buffer.from(entry.key).toString()),
  );
});

interface IndependentReport {
  magic: string;
  footer_padding_zero: boolean;
  blocks: { type: number; crc_ok: boolean }[];
  metaindex_entries: number;
  index_restart_interval_1: boolean;
  data_restarts: number[];
  restart_starts_have_shared_0: boolean;
  entries: {
    key: string;
    num_shards?: number;
    endianness?: number;
    producer?: number;
    dtype?: number;
    shape?: number[];
    shard?: number;
    offset?: number;
    size?: number;
    crc_masked?: number;
    data_crc_ok?: boolean;
  }[];
}

function runIndependentReader(prefix: string): IndependentReport {
  const script = join(repositoryRoot, "test", "checkpoint", "independent-index-reader.py");
  const output = execFileSync("/usr/bin/python3", [script, `${prefix}.index`, `${prefix}.data-00000-of-00001`], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as IndependentReport;
}

test("an independent Python reader accepts the index we write and finds the format's layout rules", () => {
  withTemporaryDirectory((directory) => {
    const prefix = join(directory, "many");
    // 40 keys so the data block has several restart points (interval 16).
    const tensors = Array.from(
      { length: 40 },
      (_, index) =>
        [`layer-${String(index).padStart(2, "0")}/kernel`, { dtype: "float32", shape: [2], data: Float32Array.of(index, -index) }] as [
          string,
          CheckpointTensorInput,
        ],
    );
    writeBundle(prefix, [...tensors, ["name", { dtype: "string", shape: [], data: ["n"] }]]);
    const report = runIndependentReader(prefix);
    assert.equal(report.magic, "db4775248b80fb57");
    assert.equal(report.footer_padding_zero, true);
    assert.deepEqual(
      report.blocks.map((block) => block.crc_ok),
      [true, true, true],
    );
    assert.deepEqual(
      report.blocks.map((block) => block.type),
      [0, 0, 0],
    );
    assert.equal(report.metaindex_entries, 0);
    assert.equal(report.index_restart_interval_1, true);
    assert.equal(report.data_restarts.length, Math.ceil(42 / 16));
    assert.equal(report.restart_starts_have_shared_0, true);
    assert.deepEqual(report.entries[0], { key: "", num_shards: 1, endianness: 0, producer: 1 });
    const keys = report.entries.map((entry) => entry.key);
    assert.deepEqual(keys, [...keys].sort());
    for (const entry of report.entries.slice(1)) {
      if (entry.dtype === 1) assert.equal(entry.data_crc_ok, true, entry.key);
    }
    const { crc_masked: _crc, ...fifth } = report.entries.find((entry) => entry.key === "layer-05/kernel")!;
    assert.deepEqual(fifth, { key: "layer-05/kernel", dtype: 1, shape: [2], shard: 0, offset: 5 * 8, size: 8, data_crc_ok: true });
  });
});

test("the object-graph builder produces Keras-style keys including optimizer slots", () => {
  withTemporaryDirectory((directory) => {
    const value = (number: number): CheckpointTensorInput => ({ dtype: "float32", shape: [1], data: Float32Array.of(number) });
    const kernel = { attributes: [{ name: "VARIABLE_VALUE", tensor: value(1) }] };
    const slotM = { attributes: [{ name: "VARIABLE_VALUE", tensor: value(2) }] };
    const iter = { attributes: [{ name: "VARIABLE_VALUE", tensor: { dtype: "int64", shape: [], data: BigInt64Array.of(5n) } as CheckpointTensorInput }] };
    const dense = { children: [{ name: "kernel", node: kernel }] };
    const optimizer = { children: [{ name: "iter", node: iter }], slots: [{ variable: kernel, slotName: "m", slot: slotM }] };
    const { tensors } = buildObjectGraph({
      children: [
        { name: "layer_with_weights-0", node: dense },
        { name: "layer-0", node: dense },
        { name: "optimizer", node: optimizer },
      ],
    });
    const prefix = join(directory, "ckpt-1");
    writeBundle(prefix, tensors);
    const reader = loadCheckpoint(prefix);
    assert.deepEqual(reader.keys(), [
      "_CHECKPOINTABLE_OBJECT_GRAPH",
      "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE",
      "layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE",
      "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE",
    ]);
    const graph = reader.objectGraph()!;
    // Breadth-first numbering: root 0, dense 1, optimizer 2, kernel 3, iter 4, then the slot 5.
    assert.deepEqual(graph.nodes[0]!.children, [
      { node_id: 1, local_name: "layer_with_weights-0" },
      { node_id: 1, local_name: "layer-0" },
      { node_id: 2, local_name: "optimizer" },
    ]);
    assert.deepEqual(graph.nodes[2]!.slot_variables, [{ original_variable_node_id: 3, slot_name: "m", slot_variable_node_id: 5 }]);
    assert.deepEqual(Array.from(reader.getTensor("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE").data as BigInt64Array), [5n]);
  });
});
