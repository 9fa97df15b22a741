/**
 * TensorFlow tensor bundles: `PREFIX.index` (a sorted table of BundleEntryProto per tensor key,
 * with a BundleHeaderProto under the empty key) plus `PREFIX.data-%05d-of-%05d` shards holding the
 * raw tensor bytes. Kept independent of tfjs so values come out exact (int64, float16 bits, bytes).
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { BundleEntryProto, BundleHeaderProto } from "../protobuf/messages.js";
import { bundleEntryMessage, bundleHeaderMessage, decodeFilled } from "../protobuf/tensorflow.js";
import { dtypeFromEnum, dtypeFromName, typedArrayFromBytes, type CheckpointDtype, type NumericData } from "./bundle-dtypes.js";
import { CheckpointFormatError } from "./errors.js";
import { crc32cOf, maskCrc, unmaskCrc } from "./masked-crc.js";
import { readTable, writeTable, type TableEntry } from "./sstable.js";
import { readVarint, writeVarint } from "./varint.js";

/** A tensor as stored in a bundle. String tensors hold raw bytes (TF strings are byte strings). */
export interface CheckpointTensor {
  dtype: CheckpointDtype;
  shape: number[];
  data: NumericData | Uint8Array[];
}

/**
 * Lends a numeric tensor's bytes (little-endian) to `use` for the duration of the call: the writer
 * asks for each tensor's bytes only when it writes them, so a save never holds every value at once
 * and the bytes can come straight from a variable's memory.
 */
export type TensorBytesLender = (use: (bytes: Uint8Array) => void) => void;

/** What the writer accepts: like {@link CheckpointTensor}, strings may be given as JS strings (UTF-8 encoded), numbers lent ({@link TensorBytesLender}). */
export interface CheckpointTensorInput {
  dtype: CheckpointDtype;
  shape: number[];
  data: NumericData | Uint8Array[] | string[] | TensorBytesLender;
}

/** Dtype and shape of a stored tensor, known without reading its data. */
export interface BundleEntryInfo {
  dtype: CheckpointDtype;
  shape: number[];
}

/** Name of one data shard: `PREFIX.data-00000-of-00001`. */
export function dataShardPath(prefix: string, shard: number, shardCount: number): string {
  return `${prefix}.data-${String(shard).padStart(5, "0")}-of-${String(shardCount).padStart(5, "0")}`;
}

/** A data shard opened for reading: one descriptor serves every tensor read in the same turn. */
interface OpenShard {
  path: string;
  descriptor: number;
  size: number;
}

/** Every shard descriptor open in this process, oldest first, with how to close it. */
const openDescriptors = new Map<OpenShard, () => void>();
const MAX_OPEN_DESCRIPTORS = 64;

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();
const HEADER_KEY = "";
const BUNDLE_VERSION = 1;

/**
 * Reads a tensor bundle. Every tensor read verifies the entry's CRC32C.
 *
 * @example
 * const bundle = new BundleReader("ckpt/cp.ckpt");
 * for (const key of bundle.keys()) console.log(key, bundle.info(key).shape);
 * const kernel = bundle.readTensor("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE");
 */
export class BundleReader {
  readonly header: BundleHeaderProto;
  private readonly entries = new Map<string, BundleEntryProto>();
  private readonly indexPath: string;
  private readonly shards = new Map<number, OpenShard>();
  private closeScheduled = false;

  constructor(readonly prefix: string) {
    this.indexPath = `${prefix}.index`;
    if (!existsSync(this.indexPath)) {
      throw new Error(
        `No checkpoint index at ${this.indexPath}. Pass a checkpoint prefix (e.g. "dir/cp.ckpt" for dir/cp.ckpt.index) or a directory containing a "checkpoint" file.`,
      );
    }
    const table = readTable(readFileSync(this.indexPath), this.indexPath);
    if (table.length === 0 || table[0]!.key.length !== 0) {
      throw new CheckpointFormatError(this.indexPath, 'the index has no header entry (empty key ""); it is not a tensor bundle.');
    }
    this.header = this.decode(bundleHeaderMessage, table[0]!.value, "header") as BundleHeaderProto;
    if (this.header.endianness !== 0) {
      throw new CheckpointFormatError(this.indexPath, "the bundle is big-endian; only little-endian bundles are supported.");
    }
    const minConsumer = this.header.version?.min_consumer ?? 0;
    if (minConsumer > BUNDLE_VERSION) {
      throw new CheckpointFormatError(
        this.indexPath,
        `the bundle needs a reader of version >= ${minConsumer}; this reader implements version ${BUNDLE_VERSION}.`,
      );
    }
    if (this.header.num_shards < 1 || this.header.num_shards > 100000) {
      throw new CheckpointFormatError(this.indexPath, `the header declares ${this.header.num_shards} data shards; expected 1 to 99999.`);
    }
    for (const { key, value } of table.slice(1)) {
      const name = textDecoder.decode(key);
      this.entries.set(name, this.decode(bundleEntryMessage, value, `entry "${name}"`) as BundleEntryProto);
    }
  }

  private decode(type: typeof bundleHeaderMessage, bytes: Uint8Array, what: string): unknown {
    try {
      return decodeFilled(type, bytes);
    } catch (error) {
      throw new CheckpointFormatError(this.indexPath, `the ${what} is not a valid protocol buffer: ${(error as Error).message}`);
    }
  }

  /**
   * The shard's open descriptor. Restores read every tensor in one synchronous pass, so descriptors
   * stay open until the current turn of the event loop ends (one open per shard, not per tensor) and
   * are then closed: a reader kept for later (deferred restoration) never holds files open.
   */
  private openShard(shardId: number, key: string): OpenShard {
    const known = this.shards.get(shardId);
    if (known) return known;
    const path = dataShardPath(this.prefix, shardId, this.header.num_shards);
    let descriptor: number;
    try {
      descriptor = openSync(path, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new CheckpointFormatError(
          path,
          `the data shard holding tensor "${key}" is missing; copy every ${basename(path).replace(/data-.*/, "data-*")} file along with the index.`,
        );
      }
      throw error;
    }
    const shard = { path, descriptor, size: fstatSync(descriptor).size };
    this.shards.set(shardId, shard);
    // A synchronous loop over many readers (or shards) must not run out of descriptors: past the
    // limit, the longest-open one is closed (its reader reopens it if it reads there again).
    openDescriptors.set(shard, () => this.closeShard(shardId));
    if (openDescriptors.size > MAX_OPEN_DESCRIPTORS) {
      const [oldest, closeOldest] = openDescriptors.entries().next().value as [OpenShard, () => void];
      if (oldest !== shard) closeOldest();
    }
    if (!this.closeScheduled) {
      this.closeScheduled = true;
      setImmediate(() => this.close()).unref();
    }
    return shard;
  }

  /** Closes the data files now (they are closed automatically after the current turn anyway). */
  close(): void {
    this.closeScheduled = false;
    for (const shardId of [...this.shards.keys()]) this.closeShard(shardId);
  }

  private closeShard(shardId: number): void {
    const shard = this.shards.get(shardId);
    if (!shard) return;
    closeSync(shard.descriptor);
    this.shards.delete(shardId);
    openDescriptors.delete(shard);
  }

  /** Tensor keys in byte-wise sorted order (the header key is not included). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Dtype and shape of `key`, validated. */
  info(key: string): BundleEntryInfo {
    const entry = this.entry(key);
    return { dtype: this.dtypeOf(key, entry), shape: this.shapeOf(key, entry) };
  }

  private entry(key: string): BundleEntryProto {
    const entry = this.entries.get(key);
    if (!entry) {
      throw new Error(`Checkpoint ${this.prefix} has no tensor "${key}". It holds ${this.entries.size} tensors; list them with listVariables().`);
    }
    return entry;
  }

  private dtypeOf(key: string, entry: BundleEntryProto): CheckpointDtype {
    const info = dtypeFromEnum(entry.dtype);
    if (!info)
      throw new CheckpointFormatError(
        this.indexPath,
        `tensor "${key}" has DataType ${entry.dtype}, which this reader does not support (resource, variant and quantized types are not stored as plain values).`,
      );
    return info.name;
  }

  private shapeOf(key: string, entry: BundleEntryProto): number[] {
    const shape = entry.shape ?? { dim: [], unknown_rank: false };
    if (shape.unknown_rank) throw new CheckpointFormatError(this.indexPath, `tensor "${key}" has an unknown rank; a stored tensor needs a full shape.`);
    const dims = shape.dim.map((dim) => Number(dim.size));
    if (dims.some((size) => !Number.isSafeInteger(size) || size < 0)) {
      throw new CheckpointFormatError(this.indexPath, `tensor "${key}" has shape [${dims.join(", ")}]; expected non-negative dimensions.`);
    }
    return dims;
  }

  /**
   * Reads and verifies one tensor.
   * Errors: CheckpointFormatError when the entry disagrees with its data (size, bounds, CRC).
   */
  readTensor(key: string): CheckpointTensor {
    const { dtype, shape, elementCount, byteSize, entry, shard, offset, size } = this.locate(key);
    const bytes = readRange(shard, offset, size, key);
    const crcPath = `${shard.path} (tensor "${key}")`;
    if (byteSize === 0) return { dtype, shape, data: decodeStrings(bytes, elementCount, entry.crc32c, crcPath) };
    this.verifyCrc(key, shard.path, entry, bytes);
    return { dtype, shape, data: typedArrayFromBytes(dtype, bytes) };
  }

  /**
   * Reads a numeric tensor's bytes straight into `target` (exactly its byte size; e.g. a variable's
   * own memory), then verifies the CRC32C. On a CRC mismatch `target` already holds the bad bytes.
   */
  readTensorInto(key: string, target: Uint8Array): void {
    const { dtype, byteSize, entry, shard, offset, size } = this.locate(key);
    if (byteSize === 0) throw new TypeError(`readTensorInto: tensor "${key}" is a ${dtype} tensor; read strings with readTensor.`);
    if (target.length !== size) throw new RangeError(`readTensorInto: tensor "${key}" holds ${size} bytes, the target has ${target.length}.`);
    readRangeInto(shard, offset, target, key);
    this.verifyCrc(key, shard.path, entry, target);
  }

  private verifyCrc(key: string, dataPath: string, entry: BundleEntryProto, bytes: Uint8Array): void {
    const actual = crc32cOf(bytes);
    if (actual !== unmaskCrc(entry.crc32c)) {
      throw new CheckpointFormatError(
        `${dataPath} (tensor "${key}")`,
        `CRC32C mismatch: the index expects ${unmaskCrc(entry.crc32c)}, the data gives ${actual}; the data file is corrupt or belongs to another checkpoint.`,
      );
    }
  }

  /** Where a tensor's bytes are, after checking its entry against its shape, dtype and shard. */
  private locate(key: string) {
    const entry = this.entry(key);
    if (entry.slices.length > 0) {
      throw new CheckpointFormatError(this.indexPath, `tensor "${key}" is stored as partitioned slices, which this reader does not support yet.`);
    }
    const dtype = this.dtypeOf(key, entry);
    const shape = this.shapeOf(key, entry);
    const elementCount = shape.reduce((product, size) => product * size, 1);
    const byteSize = dtypeFromName(dtype).byteSize;
    const offset = Number(entry.offset);
    const size = Number(entry.size);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0) {
      throw new CheckpointFormatError(this.indexPath, `tensor "${key}" has offset ${offset} and size ${size}; expected non-negative integers.`);
    }
    if (byteSize > 0 && elementCount * byteSize !== size) {
      throw new CheckpointFormatError(
        this.indexPath,
        `tensor "${key}" has shape [${shape.join(", ")}] of ${dtype} (${elementCount * byteSize} bytes) but its entry says ${size} bytes.`,
      );
    }
    if (byteSize === 0 && elementCount > size) {
      throw new CheckpointFormatError(
        this.indexPath,
        `string tensor "${key}" has ${elementCount} elements but only ${size} bytes; each needs at least one length byte.`,
      );
    }
    if (entry.shard_id < 0 || entry.shard_id >= this.header.num_shards) {
      throw new CheckpointFormatError(this.indexPath, `tensor "${key}" is in shard ${entry.shard_id}; the bundle has ${this.header.num_shards} shards.`);
    }
    const shard = this.openShard(entry.shard_id, key);
    const dataPath = shard.path;
    if (offset + size > shard.size) {
      throw new CheckpointFormatError(
        dataPath,
        `tensor "${key}" spans bytes ${offset}..${offset + size}, past the end of the ${shard.size}-byte data file; it is truncated.`,
      );
    }
    return { dtype, shape, elementCount, byteSize, entry, shard, offset, size };
  }
}

/**
 * Reads `size` bytes at `offset` into a buffer of its own (uninitialized: every byte is overwritten,
 * and owning its whole ArrayBuffer lets typed arrays view it without a copy).
 */
function readRange(shard: OpenShard, offset: number, size: number, key: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
  readRangeInto(shard, offset, bytes, key);
  return bytes;
}

function readRangeInto(shard: OpenShard, offset: number, target: Uint8Array, key: string): void {
  for (let done = 0; done < target.length; ) {
    const read = readSync(shard.descriptor, target, done, target.length - done, offset + done);
    if (read === 0) throw new CheckpointFormatError(shard.path, `unexpected end of file while reading tensor "${key}".`);
    done += read;
  }
}

/** The running CRC of a string tensor feeds each length as uint32 (uint64 when it does not fit). */
function lengthCrcBytes(length: number): Uint8Array {
  const wide = length > 0xffffffff;
  const bytes = new Uint8Array(wide ? 8 : 4);
  const view = new DataView(bytes.buffer);
  if (wide) view.setBigUint64(0, BigInt(length), true);
  else view.setUint32(0, length, true);
  return bytes;
}

function decodeStrings(bytes: Uint8Array, count: number, maskedEntryCrc: number, path: string): Uint8Array[] {
  const lengths: number[] = [];
  let position = 0;
  let crc = 0;
  for (let index = 0; index < count; index++) {
    const length = readVarint(bytes, position);
    if (!length) throw new CheckpointFormatError(path, `string length ${index} is truncated.`);
    lengths.push(length.value);
    crc = crc32cOf(lengthCrcBytes(length.value), crc);
    position = length.next;
  }
  if (position + 4 > bytes.length) throw new CheckpointFormatError(path, "the string lengths' checksum is missing.");
  const storedLengthCrc = new DataView(bytes.buffer, bytes.byteOffset + position, 4).getUint32(0, true);
  if (unmaskCrc(storedLengthCrc) !== crc) throw new CheckpointFormatError(path, "CRC32C mismatch in the string lengths; the data file is corrupt.");
  crc = crc32cOf(bytes.subarray(position, position + 4), crc);
  position += 4;
  const total = lengths.reduce((sum, length) => sum + length, 0);
  if (position + total !== bytes.length) {
    throw new CheckpointFormatError(path, `the string lengths add up to ${total} bytes but the entry holds ${bytes.length - position} bytes of string data.`);
  }
  crc = crc32cOf(bytes.subarray(position), crc);
  if (crc !== unmaskCrc(maskedEntryCrc))
    throw new CheckpointFormatError(path, `CRC32C mismatch: the index expects ${unmaskCrc(maskedEntryCrc)}, the data gives ${crc}.`);
  return lengths.map((length) => {
    const value = bytes.slice(position, position + length);
    position += length;
    return value;
  });
}

/** Encodes a string tensor's data bytes and its (unmasked) CRC. */
function encodeStrings(values: readonly (Uint8Array | string)[]): { bytes: Uint8Array; crc: number } {
  const encoded = values.map((value) => (typeof value === "string" ? textEncoder.encode(value) : value));
  const header: number[] = [];
  let crc = 0;
  for (const value of encoded) {
    writeVarint(header, value.length);
    crc = crc32cOf(lengthCrcBytes(value.length), crc);
  }
  const lengthCrc = new Uint8Array(4);
  new DataView(lengthCrc.buffer).setUint32(0, maskCrc(crc), true);
  crc = crc32cOf(lengthCrc, crc);
  for (const value of encoded) crc = crc32cOf(value, crc);
  return { bytes: Buffer.concat([Uint8Array.from(header), lengthCrc, ...encoded]), crc };
}

/** Lends a tensor's stored bytes and their (unmasked) CRC to `use`. */
function withTensorBytes(key: string, tensor: CheckpointTensorInput, use: (bytes: Uint8Array, crc: number) => void): void {
  const data = tensor.data;
  if (typeof data !== "function") {
    const { bytes, crc } = tensorBytes(key, { ...tensor, data });
    use(bytes, crc);
    return;
  }
  const info = dtypeFromName(tensor.dtype);
  const count = tensor.shape.reduce((product, size) => product * size, 1);
  let lent = false;
  data((bytes) => {
    if (info.byteSize === 0 || bytes.byteLength !== count * info.byteSize) {
      throw new Error(
        `Tensor "${key}" of ${tensor.dtype} and shape [${tensor.shape.join(", ")}] needs ${count * info.byteSize} bytes; ${bytes.byteLength} were lent.`,
      );
    }
    lent = true;
    use(bytes, crc32cOf(bytes));
  });
  if (!lent) throw new Error(`Tensor "${key}": its bytes were never lent to the writer.`);
}

function tensorBytes(
  key: string,
  tensor: CheckpointTensorInput & { data: Exclude<CheckpointTensorInput["data"], TensorBytesLender> },
): { bytes: Uint8Array; crc: number } {
  const info = dtypeFromName(tensor.dtype);
  if (!tensor.shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw new Error(`Tensor "${key}" has shape [${tensor.shape.join(", ")}]; dimensions must be non-negative integers.`);
  }
  const count = tensor.shape.reduce((product, size) => product * size, 1);
  if (info.byteSize === 0) {
    if (!Array.isArray(tensor.data) || tensor.data.length !== count) {
      throw new Error(`String tensor "${key}" needs an array of ${count} strings or byte arrays for shape [${tensor.shape.join(", ")}].`);
    }
    return encodeStrings(tensor.data);
  }
  if (Array.isArray(tensor.data) || tensor.data.byteLength !== count * info.byteSize) {
    throw new Error(`Tensor "${key}" of ${tensor.dtype} and shape [${tensor.shape.join(", ")}] needs ${count * info.byteSize} bytes of typed-array data.`);
  }
  // Typed arrays are little-endian on every platform Node supports, which is the bundle's byte order.
  const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  return { bytes, crc: crc32cOf(bytes) };
}

function writeFully(descriptor: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
}

/**
 * Appends to a file, gathering small pieces into 1 MiB writes: a model's many small tensors
 * (biases, optimizer scalars) would otherwise cost one system call each. Large tensors go straight
 * from their own memory to the file, without a copy.
 */
class StagedWriter {
  private static readonly CAPACITY = 1 << 20;
  private readonly staging = new Uint8Array(StagedWriter.CAPACITY);
  private used = 0;

  constructor(private readonly descriptor: number) {}

  write(bytes: Uint8Array): void {
    if (bytes.length >= StagedWriter.CAPACITY / 4) {
      this.flush();
      writeFully(this.descriptor, bytes);
      return;
    }
    if (this.used + bytes.length > StagedWriter.CAPACITY) this.flush();
    this.staging.set(bytes, this.used);
    this.used += bytes.length;
  }

  flush(): void {
    writeFully(this.descriptor, this.staging.subarray(0, this.used));
    this.used = 0;
  }
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
}

/**
 * Writes a single-shard bundle at `prefix` atomically: data and index go to temporary files, then
 * are renamed into place data first and index last, so an interrupted save leaves the previous
 * checkpoint's files untouched. Like TensorFlow's bundle writer it does not fsync (see atomic-file.ts). (Between the two renames, a few microseconds, the old
 * index would see the new data; its per-tensor CRCs would then fail rather than return wrong values.)
 *
 * @example
 * writeBundle("out/ckpt", [["w/.ATTRIBUTES/VARIABLE_VALUE", { dtype: "float32", shape: [2], data: new Float32Array([1, 2]) }]]);
 */
export function writeBundle(prefix: string, tensors: Iterable<readonly [string, CheckpointTensorInput]>): void {
  // Keys are encoded once: the table is ordered by their UTF-8 bytes.
  const sorted = [...tensors]
    .map(([key, tensor]) => ({ key, encodedKey: textEncoder.encode(key), tensor }))
    .sort((left, right) => Buffer.compare(left.encodedKey, right.encodedKey));
  for (let index = 1; index < sorted.length; index++) {
    if (sorted[index]!.key === sorted[index - 1]!.key) throw new Error(`writeBundle: tensor key "${sorted[index]!.key}" appears twice; keys must be unique.`);
  }
  if (sorted.some(({ key }) => key === HEADER_KEY)) throw new Error('writeBundle: the empty key "" is reserved for the bundle header.');
  const dataPath = dataShardPath(prefix, 0, 1);
  const indexPath = `${prefix}.index`;
  const dataTemporary = temporaryName(dataPath);
  const indexTemporary = temporaryName(indexPath);
  try {
    const entries: TableEntry[] = [];
    const header = bundleHeaderMessage.encode(bundleHeaderMessage.fromObject({ num_shards: 1, endianness: 0, version: { producer: BUNDLE_VERSION } })).finish();
    entries.push({ key: new Uint8Array(0), value: header });
    const descriptor = openSync(dataTemporary, "w");
    try {
      const data = new StagedWriter(descriptor);
      let offset = 0;
      for (const { key, encodedKey, tensor } of sorted) {
        withTensorBytes(key, tensor, (bytes, crc) => {
          data.write(bytes);
          const entry = bundleEntryMessage.fromObject({
            dtype: dtypeFromName(tensor.dtype).enumValue,
            shape: { dim: tensor.shape.map((size) => ({ size })) },
            shard_id: 0,
            offset,
            size: bytes.length,
            crc32c: maskCrc(crc),
          });
          entries.push({ key: encodedKey, value: bundleEntryMessage.encode(entry).finish() });
          offset += bytes.length;
        });
      }
      data.flush();
    } finally {
      closeSync(descriptor);
    }
    const index = writeTable(entries);
    const indexDescriptor = openSync(indexTemporary, "w");
    try {
      writeFully(indexDescriptor, index);
    } finally {
      closeSync(indexDescriptor);
    }
    renameSync(dataTemporary, dataPath);
    renameSync(indexTemporary, indexPath);
  } finally {
    rmSync(dataTemporary, { force: true });
    rmSync(indexTemporary, { force: true });
  }
}
