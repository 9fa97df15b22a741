import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { crc32 } from "@node-rs/crc32";
import { Inflate, inflateSync } from "fflate";

/** Limits that keep a hostile archive from exhausting memory. */
export interface ZipLimits {
  /** Largest allowed uncompressed size of one member. */
  maxMemberBytes: number;
  /** Largest allowed uncompressed size of all members together. */
  maxTotalBytes: number;
  /** Largest allowed uncompressed/compressed ratio for members bigger than `ratioFloorBytes`. */
  maxExpansionRatio: number;
  /** Members smaller than this are never refused for their ratio (tiny files compress very well). */
  ratioFloorBytes: number;
}

/** Default caps: 4 GiB per member and in total, ratio 100 above 1 MiB (cf. Keras's own guards). */
export const defaultZipLimits: ZipLimits = {
  maxMemberBytes: 2 ** 32,
  maxTotalBytes: 2 ** 32,
  maxExpansionRatio: 100,
  ratioFloorBytes: 1 << 20,
};

/** One member as the central directory describes it. */
interface ZipMember {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** Reads `length` bytes at `offset` of the archive (fewer at its end). */
type ReadAt = (offset: number, length: number) => Uint8Array;

const copyChunkBytes = 8 << 20;

/**
 * A zip archive on disk, opened after checking every member listed in its central directory: no
 * `..` segments or absolute paths, no duplicate names, no decompression bombs (ratio and absolute
 * caps). Members are read one at a time; a large one can be extracted to a file in chunks, so the
 * archive is never held in memory whole.
 *
 * @example
 * const zip = SafeZipFile.open("model.keras");
 * try { const config = zip.read("config.json"); } finally { zip.close(); }
 */
export class SafeZipFile {
  private constructor(
    private readonly descriptor: number,
    readonly source: string,
    private readonly members: Map<string, ZipMember>,
  ) {}

  static open(path: string, limits: ZipLimits = defaultZipLimits): SafeZipFile {
    const descriptor = openSync(path, "r");
    try {
      const size = fstatSync(descriptor).size;
      return new SafeZipFile(descriptor, path, listMembers(descriptorReader(descriptor), size, path, limits));
    } catch (error) {
      closeSync(descriptor);
      throw error;
    }
  }

  /** Member names in the archive's order. */
  names(): string[] {
    return [...this.members.keys()];
  }

  has(name: string): boolean {
    return this.members.has(name);
  }

  /** A member's bytes, expanded and checked against its CRC-32. */
  read(name: string): Uint8Array {
    return readMember(descriptorReader(this.descriptor), this.member(name), this.source);
  }

  /** Writes a member's expanded bytes to the open file `target`, in chunks, checking its CRC-32 and size. */
  extractTo(name: string, target: number): void {
    const member = this.member(name);
    const read = descriptorReader(this.descriptor);
    const start = dataOffset(read, member, this.source);
    let crc = 0;
    let written = 0;
    const emit = (chunk: Uint8Array) => {
      written += chunk.length;
      if (written > member.size)
        throw new Error(
          `${this.source}: member "${member.name}" expands beyond the ${member.size} bytes its header declares. Refusing a possible decompression bomb.`,
        );
      crc = crc32(chunk, crc);
      for (let done = 0; done < chunk.length; ) done += writeSync(target, chunk, done, chunk.length - done);
    };
    const inflater = member.method === 8 ? new Inflate((chunk) => emit(chunk)) : null;
    for (let done = 0; done < member.compressedSize; ) {
      const chunk = read(start + done, Math.min(copyChunkBytes, member.compressedSize - done));
      if (chunk.length === 0) throw truncated(this.source, member);
      done += chunk.length;
      if (inflater) inflater.push(chunk, done === member.compressedSize);
      else emit(chunk);
    }
    if (member.compressedSize === 0 && inflater) inflater.push(new Uint8Array(0), true);
    if (written !== member.size || crc >>> 0 !== member.crc) throw corrupt(this.source, member);
  }

  /**
   * Where a stored (uncompressed) member's bytes lie in the archive file, after checking them against
   * its CRC-32 and size (read in chunks); undefined for a deflated member.
   */
  storedRange(name: string): { offset: number; size: number } | undefined {
    const member = this.member(name);
    if (member.method !== 0) return undefined;
    const read = descriptorReader(this.descriptor);
    const offset = dataOffset(read, member, this.source);
    if (member.compressedSize !== member.size) throw corrupt(this.source, member);
    const buffer = Buffer.allocUnsafe(Math.min(copyChunkBytes, Math.max(member.size, 1)));
    let crc = 0;
    for (let done = 0; done < member.size; ) {
      const count = readSync(this.descriptor, buffer, 0, Math.min(buffer.length, member.size - done), offset + done);
      if (count === 0) throw truncated(this.source, member);
      crc = crc32(buffer.subarray(0, count), crc);
      done += count;
    }
    if (crc >>> 0 !== member.crc) throw corrupt(this.source, member);
    return { offset, size: member.size };
  }

  /** Reads `length` bytes at `offset` of the archive (fewer at its end). */
  readAt(offset: number, length: number): Uint8Array {
    return descriptorReader(this.descriptor)(offset, length);
  }

  close(): void {
    closeSync(this.descriptor);
  }

  private member(name: string): ZipMember {
    const member = this.members.get(name);
    if (!member) throw new Error(`${this.source} has no member "${name}" (members: ${this.names().join(", ") || "none"}).`);
    return member;
  }
}

/**
 * Unzips an archive held in memory after the same checks as {@link SafeZipFile}.
 *
 * @example
 * const members = readZipSafely(readFileSync("model.keras"), "model.keras");
 * const config = new TextDecoder().decode(members.get("config.json"));
 */
export function readZipSafely(data: Uint8Array, source: string, limits: ZipLimits = defaultZipLimits): Map<string, Uint8Array> {
  const read: ReadAt = (offset, length) => data.subarray(offset, Math.min(data.length, offset + length));
  const members = listMembers(read, data.length, source, limits);
  return new Map([...members.values()].map((member) => [member.name, readMember(read, member, source)]));
}

function descriptorReader(descriptor: number): ReadAt {
  return (offset, length) => {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const count = readSync(descriptor, buffer, done, length - done, offset + done);
      if (count === 0) break;
      done += count;
    }
    return buffer.subarray(0, done);
  };
}

class ZipRefusal extends Error {}

/** Parses the end records and the central directory, refusing hostile or broken archives. */
function listMembers(read: ReadAt, size: number, source: string, limits: ZipLimits): Map<string, ZipMember> {
  try {
    return listMembersUnchecked(read, size, source, limits);
  } catch (error) {
    if (error instanceof ZipRefusal) throw new Error(error.message);
    throw new Error(
      `${source} is not a readable zip archive (${error instanceof Error ? error.message : String(error)}). Expected a Keras 3 .keras file; it may be truncated or corrupt.`,
    );
  }
}

function listMembersUnchecked(read: ReadAt, size: number, source: string, limits: ZipLimits): Map<string, ZipMember> {
  // The end-of-central-directory record is the last 22 bytes plus a comment of up to 65,535.
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = view(read(size - tailLength, tailLength));
  let end = -1;
  for (let position = tail.byteLength - 22; position >= 0; position--) {
    if (tail.getUint32(position, true) === 0x06054b50) {
      end = position;
      break;
    }
  }
  if (end < 0) throw new Error("no end of central directory record");
  let count = tail.getUint16(end + 10, true);
  let directorySize = tail.getUint32(end + 12, true);
  let directoryOffset = tail.getUint32(end + 16, true);
  const endOffset = size - tailLength + end;
  if (endOffset >= 20 && view(read(endOffset - 20, 4)).getUint32(0, true) === 0x07064b50) {
    const locator = view(read(endOffset - 20, 20));
    const record = view(read(Number(locator.getBigUint64(8, true)), 56));
    if (record.getUint32(0, true) !== 0x06064b50) throw new Error("a broken zip64 end of central directory record");
    count = Number(record.getBigUint64(32, true));
    directorySize = Number(record.getBigUint64(40, true));
    directoryOffset = Number(record.getBigUint64(48, true));
  }
  if (directoryOffset + directorySize > size) throw new Error("the central directory lies beyond the end of the file");
  const directory = view(read(directoryOffset, directorySize));
  const members = new Map<string, ZipMember>();
  let declaredTotal = 0;
  let position = 0;
  for (let index = 0; index < count; index++) {
    if (position + 46 > directory.byteLength || directory.getUint32(position, true) !== 0x02014b50) throw new Error("a broken central directory entry");
    const flags = directory.getUint16(position + 8, true);
    const crc = directory.getUint32(position + 16, true);
    const method = directory.getUint16(position + 10, true);
    const nameLength = directory.getUint16(position + 28, true);
    const extraLength = directory.getUint16(position + 30, true);
    const commentLength = directory.getUint16(position + 32, true);
    const nameBytes = new Uint8Array(directory.buffer, directory.byteOffset + position + 46, nameLength);
    const name = new TextDecoder().decode(nameBytes);
    let compressedSize = directory.getUint32(position + 20, true);
    let originalSize = directory.getUint32(position + 24, true);
    let localHeaderOffset = directory.getUint32(position + 42, true);
    // zip64: the fields saturated at 0xFFFFFFFF follow in the 0x0001 extra, in this order.
    const extra = new DataView(directory.buffer, directory.byteOffset + position + 46 + nameLength, extraLength);
    for (let at = 0; at + 4 <= extra.byteLength; ) {
      const id = extra.getUint16(at, true);
      const length = extra.getUint16(at + 2, true);
      if (id === 0x0001) {
        let field = at + 4;
        const next = () => {
          const value = Number(extra.getBigUint64(field, true));
          field += 8;
          return value;
        };
        if (originalSize === 0xffffffff) originalSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      at += 4 + length;
    }
    position += 46 + nameLength + extraLength + commentLength;
    checkMemberName(name, source);
    if (members.has(name))
      throw new ZipRefusal(
        `${source} contains the member "${name}" twice. A valid .keras archive names each member once; the file was tampered with or is corrupt.`,
      );
    if (originalSize > limits.maxMemberBytes)
      throw new ZipRefusal(
        `${source}: member "${name}" would expand to ${originalSize} bytes, above the ${limits.maxMemberBytes}-byte cap. Refusing a possible decompression bomb.`,
      );
    if (compressedSize > size)
      throw new ZipRefusal(
        `${source}: member "${name}" claims ${compressedSize} compressed bytes but the archive has only ${size}. The archive is truncated or corrupt.`,
      );
    declaredTotal += originalSize;
    if (declaredTotal > limits.maxTotalBytes)
      throw new ZipRefusal(`${source}: members would expand to more than ${limits.maxTotalBytes} bytes in total. Refusing a possible decompression bomb.`);
    const ratio = originalSize / Math.max(1, compressedSize);
    if (originalSize > limits.ratioFloorBytes && ratio > limits.maxExpansionRatio) {
      throw new ZipRefusal(
        `${source}: member "${name}" expands ${ratio.toFixed(0)}-fold (${compressedSize} → ${originalSize} bytes), above the limit of ${limits.maxExpansionRatio}. Refusing a possible decompression bomb.`,
      );
    }
    if (flags & 1) throw new ZipRefusal(`${source}: member "${name}" is encrypted. Keras archives are never encrypted; re-save the model without a password.`);
    if (method !== 0 && method !== 8)
      throw new ZipRefusal(
        `${source}: member "${name}" uses compression method ${method}. Expected stored (0) or deflated (8), as Python's zipfile writes for Keras.`,
      );
    members.set(name, { name, method, crc, compressedSize, size: originalSize, localHeaderOffset });
  }
  return members;
}

/** Where a member's data starts: after its local header, whose name and extra lengths may differ from the central directory's. */
function dataOffset(read: ReadAt, member: ZipMember, source: string): number {
  const header = view(read(member.localHeaderOffset, 30));
  if (header.byteLength < 30 || header.getUint32(0, true) !== 0x04034b50)
    throw new Error(`${source}: the local header of member "${member.name}" is missing. The archive is truncated or corrupt.`);
  return member.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
}

function readMember(read: ReadAt, member: ZipMember, source: string): Uint8Array {
  const compressed = read(dataOffset(read, member, source), member.compressedSize);
  if (compressed.length < member.compressedSize) throw truncated(source, member);
  let bytes: Uint8Array;
  try {
    bytes = member.method === 8 ? inflateSync(compressed, { out: new Uint8Array(member.size) }) : compressed;
  } catch (error) {
    throw new Error(
      `${source}: member "${member.name}" could not be expanded (${error instanceof Error ? error.message : String(error)}). The archive is corrupt.`,
    );
  }
  if (bytes.length !== member.size || crc32(bytes) >>> 0 !== member.crc) throw corrupt(source, member);
  return bytes;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function truncated(source: string, member: ZipMember): Error {
  return new Error(`${source}: member "${member.name}" is cut short (the archive ends inside it). The archive is truncated.`);
}

function corrupt(source: string, member: ZipMember): Error {
  return new Error(`${source}: member "${member.name}" does not match its recorded size and CRC-32. The archive is corrupt.`);
}

function checkMemberName(name: string, source: string): void {
  const segments = name.split(/[\\/]/);
  if (name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name) || segments.includes("..") || name.includes("\0")) {
    throw new ZipRefusal(
      `${source} contains the member "${name}", which points outside the archive (absolute path or ".."). Refusing to read it; a valid .keras archive only has relative member names.`,
    );
  }
}
