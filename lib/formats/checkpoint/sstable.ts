/**
 * The LevelDB-style sorted table TensorFlow uses for a checkpoint's `.index` file:
 * prefix-compressed data blocks with restart points, an (empty) metaindex block, an index block of
 * block handles, and a 48-byte footer ending in a magic number. Every block carries a masked CRC32C.
 */
import { createRequire } from "node:module";
import { CheckpointFormatError } from "./errors.js";
import { crc32cOf, maskCrc, unmaskCrc } from "./masked-crc.js";
import { ByteBuilder } from "./byte-builder.js";
import { readVarint, writeVarint } from "./varint.js";

const snappy = createRequire(import.meta.url)("snappyjs") as { uncompress(data: Uint8Array, maxLength?: number): Uint8Array };

const FOOTER_SIZE = 48;
const BLOCK_TRAILER_SIZE = 5;
const MAGIC_LOW = 0x8b80fb57;
const MAGIC_HIGH = 0xdb477524;
const NO_COMPRESSION = 0;
const SNAPPY_COMPRESSION = 1;

/** One key/value pair of a table. Keys are raw bytes, compared byte-wise. */
export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

interface BlockHandle {
  offset: number;
  size: number;
}

/** Byte-wise comparison, the order LevelDB tables are sorted in. */
export function compareBytes(left: Uint8Array, right: Uint8Array): number {
  return Buffer.compare(left, right);
}

/**
 * Parses a whole `.index` table and returns its entries in order, verifying every block CRC, every
 * bound, and that keys are strictly increasing. `path` only names the file in errors.
 *
 * @example
 * const entries = readTable(readFileSync("model.ckpt.index"), "model.ckpt.index");
 */
export function readTable(file: Uint8Array, path: string): TableEntry[] {
  if (file.length < FOOTER_SIZE) {
    throw new CheckpointFormatError(
      path,
      `the file is ${file.length} bytes, shorter than the ${FOOTER_SIZE}-byte table footer; it is truncated or not a checkpoint index.`,
    );
  }
  const footerStart = file.length - FOOTER_SIZE;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(footerStart + 40, true) !== MAGIC_LOW || view.getUint32(footerStart + 44, true) !== MAGIC_HIGH) {
    throw new CheckpointFormatError(
      path,
      "the table footer does not end with the magic number 0xdb4775248b80fb57; this is not a TensorFlow checkpoint index (or it is truncated).",
    );
  }
  const metaindex = readHandle(file, footerStart, file.length, path, "metaindex");
  const index = readHandle(file, metaindex.next, footerStart + 40, path, "index");
  readBlock(file, metaindex.handle, footerStart, path);
  const indexEntries = parseBlock(readBlock(file, index.handle, footerStart, path), path);
  const entries: TableEntry[] = [];
  for (const indexEntry of indexEntries) {
    const decoded = readHandle(indexEntry.value, 0, indexEntry.value.length, path, "data block");
    for (const entry of parseBlock(readBlock(file, decoded.handle, footerStart, path), path)) {
      const previous = entries[entries.length - 1];
      if (previous !== undefined && compareBytes(previous.key, entry.key) >= 0) {
        throw new CheckpointFormatError(path, "table keys are not in strictly increasing byte order; the index is corrupt.");
      }
      entries.push(entry);
    }
  }
  return entries;
}

function readHandle(bytes: Uint8Array, offset: number, limit: number, path: string, what: string): { handle: BlockHandle; next: number } {
  const blockOffset = readVarint(bytes, offset, limit);
  const blockSize = blockOffset && readVarint(bytes, blockOffset.next, limit);
  if (!blockOffset || !blockSize) throw new CheckpointFormatError(path, `the ${what} block handle is truncated or malformed.`);
  return { handle: { offset: blockOffset.value, size: blockSize.value }, next: blockSize.next };
}

/** Returns the block contents after checking bounds, type and CRC (snappy blocks are expanded). */
function readBlock(file: Uint8Array, handle: BlockHandle, end: number, path: string): Uint8Array {
  if (handle.offset + handle.size + BLOCK_TRAILER_SIZE > end) {
    throw new CheckpointFormatError(
      path,
      `a block at offset ${handle.offset} of ${handle.size} bytes runs past the end of the table data (${end} bytes); the index is truncated or corrupt.`,
    );
  }
  const contentsEnd = handle.offset + handle.size;
  const type = file[contentsEnd]!;
  const stored = new DataView(file.buffer, file.byteOffset + contentsEnd + 1, 4).getUint32(0, true);
  const actual = crc32cOf(file.subarray(handle.offset, contentsEnd + 1));
  if (unmaskCrc(stored) !== actual) {
    throw new CheckpointFormatError(
      path,
      `block at offset ${handle.offset} fails its CRC32C check (stored ${unmaskCrc(stored)}, computed ${actual}); the index file is corrupt.`,
    );
  }
  const contents = file.subarray(handle.offset, contentsEnd);
  if (type === NO_COMPRESSION) return contents;
  if (type === SNAPPY_COMPRESSION) {
    // Snappy expands at most ~32x; refuse a declared length beyond that before allocating it.
    const declared = readVarint(contents, 0);
    if (!declared || declared.value > contents.length * 32 + 64) {
      throw new CheckpointFormatError(path, `snappy block at offset ${handle.offset} declares an impossible uncompressed size.`);
    }
    try {
      return snappy.uncompress(contents, declared.value);
    } catch (error) {
      throw new CheckpointFormatError(path, `snappy block at offset ${handle.offset} does not decompress: ${(error as Error).message}`);
    }
  }
  throw new CheckpointFormatError(path, `block at offset ${handle.offset} has compression type ${type}; expected 0 (none) or 1 (snappy).`);
}

/** Decodes the prefix-compressed entries of one block. */
function parseBlock(block: Uint8Array, path: string): TableEntry[] {
  if (block.length < 4) throw new CheckpointFormatError(path, "a table block is shorter than its 4-byte restart count.");
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const restartCount = view.getUint32(block.length - 4, true);
  if (restartCount * 4 + 4 > block.length) {
    throw new CheckpointFormatError(path, `a table block declares ${restartCount} restart points, more than fit in its ${block.length} bytes.`);
  }
  const entriesEnd = block.length - 4 - restartCount * 4;
  const entries: TableEntry[] = [];
  let previousKey = new Uint8Array(0);
  let offset = 0;
  while (offset < entriesEnd) {
    const shared = readVarint(block, offset, entriesEnd);
    const unshared = shared && readVarint(block, shared.next, entriesEnd);
    const valueLength = unshared && readVarint(block, unshared.next, entriesEnd);
    if (!shared || !unshared || !valueLength) throw new CheckpointFormatError(path, "a table entry header is truncated.");
    const keyStart = valueLength.next;
    const valueEnd = keyStart + unshared.value + valueLength.value;
    if (shared.value > previousKey.length || valueEnd > entriesEnd) {
      throw new CheckpointFormatError(path, "a table entry's key or value runs past its block; the index is corrupt.");
    }
    const key = new Uint8Array(shared.value + unshared.value);
    key.set(previousKey.subarray(0, shared.value), 0);
    key.set(block.subarray(keyStart, keyStart + unshared.value), shared.value);
    entries.push({ key, value: block.subarray(keyStart + unshared.value, valueEnd) });
    previousKey = key;
    offset = valueEnd;
  }
  return entries;
}

/** Layout options of {@link writeTable}; the defaults are TensorFlow's tensor-bundle settings. */
export interface TableWriteOptions {
  blockSize?: number;
  restartInterval?: number;
}

class BlockBuilder {
  private readonly bytes = new ByteBuilder();
  private readonly restarts: number[] = [0];
  private sinceRestart = 0;
  private lastKey = new Uint8Array(0);
  count = 0;

  constructor(private readonly restartInterval: number) {}

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.sinceRestart < this.restartInterval) {
      const limit = Math.min(key.length, this.lastKey.length);
      while (shared < limit && key[shared] === this.lastKey[shared]) shared++;
    } else {
      this.restarts.push(this.bytes.length);
      this.sinceRestart = 0;
    }
    writeVarint(this.bytes, shared);
    writeVarint(this.bytes, key.length - shared);
    writeVarint(this.bytes, value.length);
    this.bytes.append(key.subarray(shared));
    this.bytes.append(value);
    this.lastKey = key;
    this.sinceRestart++;
    this.count++;
  }

  estimatedSize(): number {
    return this.bytes.length + this.restarts.length * 4 + 4;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.estimatedSize());
    out.set(this.bytes.bytes(), 0);
    const view = new DataView(out.buffer);
    let position = this.bytes.length;
    for (const restart of this.restarts) {
      view.setUint32(position, restart, true);
      position += 4;
    }
    view.setUint32(position, this.restarts.length, true);
    return out;
  }
}

/** Shortest key k with start <= k < limit (LevelDB's FindShortestSeparator); keeps `start` if none is shorter. */
function shortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  const common = Math.min(start.length, limit.length);
  let index = 0;
  while (index < common && start[index] === limit[index]) index++;
  if (index < common) {
    const byte = start[index]!;
    if (byte < 0xff && byte + 1 < limit[index]!) {
      const separator = start.slice(0, index + 1);
      separator[index] = byte + 1;
      return separator;
    }
  }
  return start;
}

/** Shortest key k >= key (LevelDB's FindShortSuccessor). */
function shortSuccessor(key: Uint8Array): Uint8Array {
  for (let index = 0; index < key.length; index++) {
    if (key[index] !== 0xff) {
      const successor = key.slice(0, index + 1);
      successor[index] = key[index]! + 1;
      return successor;
    }
  }
  return key;
}

/**
 * Serializes entries (already sorted byte-wise, keys unique) into a complete uncompressed table.
 *
 * @example
 * const bytes = writeTable([{ key: new Uint8Array(), value: headerBytes }]);
 */
export function writeTable(entries: readonly TableEntry[], options: TableWriteOptions = {}): Uint8Array {
  const blockSize = options.blockSize ?? 262144;
  const restartInterval = options.restartInterval ?? 16;
  const chunks: Uint8Array[] = [];
  let fileOffset = 0;
  const appendBlock = (contents: Uint8Array): BlockHandle => {
    const withTrailer = new Uint8Array(contents.length + BLOCK_TRAILER_SIZE);
    withTrailer.set(contents, 0);
    withTrailer[contents.length] = NO_COMPRESSION;
    const crc = maskCrc(crc32cOf(withTrailer.subarray(0, contents.length + 1)));
    new DataView(withTrailer.buffer).setUint32(contents.length + 1, crc, true);
    chunks.push(withTrailer);
    const handle = { offset: fileOffset, size: contents.length };
    fileOffset += withTrailer.length;
    return handle;
  };
  const indexBlock = new BlockBuilder(1);
  let dataBlock = new BlockBuilder(restartInterval);
  let pending: { lastKey: Uint8Array; handle: BlockHandle } | undefined;
  const flushPending = (nextKey: Uint8Array | undefined): void => {
    if (!pending) return;
    const separator = nextKey ? shortestSeparator(pending.lastKey, nextKey) : shortSuccessor(pending.lastKey);
    indexBlock.add(separator, encodeHandle(pending.handle));
    pending = undefined;
  };
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    if (index > 0 && compareBytes(entries[index - 1]!.key, entry.key) >= 0) {
      throw new Error(`writeTable: keys must be unique and sorted byte-wise; entry ${index} is out of order. Sort the entries before writing.`);
    }
    flushPending(entry.key);
    dataBlock.add(entry.key, entry.value);
    if (dataBlock.estimatedSize() >= blockSize) {
      pending = { lastKey: entry.key, handle: appendBlock(dataBlock.finish()) };
      dataBlock = new BlockBuilder(restartInterval);
    }
  }
  // A block flushed by the size check was already given its index entry when the next key arrived.
  if (dataBlock.count > 0) {
    pending = { lastKey: entries[entries.length - 1]!.key, handle: appendBlock(dataBlock.finish()) };
  }
  flushPending(undefined);
  const metaindexHandle = appendBlock(new BlockBuilder(restartInterval).finish());
  const indexHandle = appendBlock(indexBlock.finish());
  const footer = new Uint8Array(FOOTER_SIZE);
  const handles = [...encodeHandle(metaindexHandle), ...encodeHandle(indexHandle)];
  footer.set(handles, 0);
  const footerView = new DataView(footer.buffer);
  footerView.setUint32(40, MAGIC_LOW, true);
  footerView.setUint32(44, MAGIC_HIGH, true);
  chunks.push(footer);
  return Buffer.concat(chunks);
}

function encodeHandle(handle: BlockHandle): Uint8Array {
  const bytes: number[] = [];
  writeVarint(bytes, handle.offset);
  writeVarint(bytes, handle.size);
  return Uint8Array.from(bytes);
}
