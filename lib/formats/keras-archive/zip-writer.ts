import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { crc32 } from "@node-rs/crc32";

/** Sizes and offsets from this value on need the zip64 extension (the classic fields are 32-bit, 0xFFFFFFFF meaning "see zip64"). */
const zip64Limit = 0xffffffff;
const copyChunkBytes = 8 << 20;

interface WrittenMember {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

/**
 * Writes a zip archive of stored (uncompressed) members, as Keras writes `.keras` files, straight to
 * an open file: each member's bytes are written (or copied from a file in chunks) once, with their
 * CRC-32 computed on the way, so memory stays bounded whatever the size. Sizes from 4 GiB on use
 * zip64 records, as Python's zipfile does.
 *
 * @example
 * const zip = new StoredZipWriter(descriptor);
 * zip.addBytes("config.json", bytes); zip.addFile("model.weights.h5", "/tmp/w.h5"); zip.finish();
 */
export class StoredZipWriter {
  private position = 0;
  private readonly members: WrittenMember[] = [];
  private readonly stamp = dosTimestamp(new Date());

  constructor(private readonly descriptor: number) {}

  /** A member holding `bytes`. */
  addBytes(name: string, bytes: Uint8Array): void {
    const member = this.writeLocalHeader(name, bytes.length, crc32(bytes));
    this.write(bytes);
    this.members.push(member);
  }

  /**
   * A member holding the content of the file at `path`, copied in chunks. `dataAtPowerOfTwo` pads the
   * local header (an alignment extra field, as Android's zipalign writes) so the member's bytes start
   * at a power-of-two offset from 512 on: where the HDF5 library looks for a superblock, so the archive
   * opens directly as the member's HDF5 file (the padding is skipped when it would not fit an extra field).
   */
  addFile(name: string, path: string, options: { dataAtPowerOfTwo?: boolean } = {}): void {
    const source = openSync(path, "r");
    try {
      const size = fstatSync(source).size;
      const member = this.writeLocalHeader(name, size, 0, options.dataAtPowerOfTwo === true);
      const buffer = Buffer.allocUnsafe(Math.min(copyChunkBytes, Math.max(size, 1)));
      let crc = 0;
      for (let done = 0; done < size; ) {
        const count = readSync(source, buffer, 0, Math.min(buffer.length, size - done), done);
        if (count === 0) throw new Error(`${path} ended after ${done} of its ${size} bytes while it was being added to a zip archive.`);
        const chunk = buffer.subarray(0, count);
        crc = crc32(chunk, crc);
        this.write(chunk);
        done += count;
      }
      // The CRC is known only now: patch it into the local header (offset 14 in it).
      const field = Buffer.alloc(4);
      field.writeUInt32LE(crc >>> 0);
      writeSync(this.descriptor, field, 0, 4, member.offset + 14);
      this.members.push({ ...member, crc });
    } finally {
      closeSync(source);
    }
  }

  /** Writes the central directory; the archive is complete after this. */
  finish(): void {
    const directoryOffset = this.position;
    for (const member of this.members) {
      // The zip64 extra holds just the fields whose classic value is 0xFFFFFFFF, in this order.
      const large = [...(member.size >= zip64Limit ? [member.size, member.size] : []), ...(member.offset >= zip64Limit ? [member.offset] : [])];
      const needs64 = large.length > 0;
      const extra = needs64 ? zip64Extra(large) : new Uint8Array(0);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE((3 << 8) | (needs64 ? 45 : 20), 4); // made by: Unix, spec version
      header.writeUInt16LE(needs64 ? 45 : 20, 6);
      header.writeUInt16LE(0x0800, 8); // names are UTF-8
      header.writeUInt16LE(0, 10); // stored
      header.writeUInt16LE(this.stamp.time, 12);
      header.writeUInt16LE(this.stamp.date, 14);
      header.writeUInt32LE(member.crc >>> 0, 16);
      header.writeUInt32LE(Math.min(member.size, zip64Limit), 20);
      header.writeUInt32LE(Math.min(member.size, zip64Limit), 24);
      header.writeUInt16LE(member.name.length, 28);
      header.writeUInt16LE(extra.length, 30);
      header.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
      header.writeUInt32LE(Math.min(member.offset, zip64Limit), 42);
      this.write(header);
      this.write(member.name);
      this.write(extra);
    }
    const directorySize = this.position - directoryOffset;
    const count = this.members.length;
    if (directoryOffset >= zip64Limit || directorySize >= zip64Limit || count >= 0xffff) {
      const record = Buffer.alloc(56);
      const recordOffset = this.position;
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4); // size of the rest of the record
      record.writeUInt16LE((3 << 8) | 45, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(directorySize), 40);
      record.writeBigUInt64LE(BigInt(directoryOffset), 48);
      this.write(record);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(recordOffset), 8);
      locator.writeUInt32LE(1, 16);
      this.write(locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, 0xffff), 8);
    end.writeUInt16LE(Math.min(count, 0xffff), 10);
    end.writeUInt32LE(Math.min(directorySize, zip64Limit), 12);
    end.writeUInt32LE(Math.min(directoryOffset, zip64Limit), 16);
    this.write(end);
  }

  private writeLocalHeader(name: string, size: number, crc: number, dataAtPowerOfTwo = false): WrittenMember {
    const encodedName = new TextEncoder().encode(name);
    const offset = this.position;
    const needs64 = size >= zip64Limit;
    // In a local header the zip64 extra holds both sizes (original, then compressed).
    const extra = needs64 ? zip64Extra([size, size]) : dataAtPowerOfTwo ? alignmentExtra(offset + 30 + encodedName.length) : new Uint8Array(0);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(needs64 ? 45 : 20, 4);
    header.writeUInt16LE(0x0800, 6);
    header.writeUInt16LE(0, 8);
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    header.writeUInt32LE(crc >>> 0, 14);
    header.writeUInt32LE(Math.min(size, zip64Limit), 18);
    header.writeUInt32LE(Math.min(size, zip64Limit), 22);
    header.writeUInt16LE(encodedName.length, 26);
    header.writeUInt16LE(extra.length, 28);
    this.write(header);
    this.write(encodedName);
    this.write(extra);
    return { name: encodedName, crc, size, offset };
  }

  private write(bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length; ) done += writeSync(this.descriptor, bytes, done, bytes.length - done, this.position + done);
    this.position += bytes.length;
  }
}

/** Extra-field ID of alignment padding (Android's zipalign): 2 bytes of alignment, then zeros. */
const alignmentFieldId = 0xd935;

/** An alignment extra field that makes data starting at `dataStart` + its length begin at a power of two ≥ 512, or none when it cannot. */
function alignmentExtra(dataStart: number): Uint8Array {
  let target = 512;
  while (target < dataStart + 6) target *= 2;
  const length = target - dataStart;
  if (length > 0xffff) return new Uint8Array(0);
  const extra = Buffer.alloc(length);
  extra.writeUInt16LE(alignmentFieldId, 0);
  extra.writeUInt16LE(length - 4, 2);
  extra.writeUInt16LE(Math.min(target, 0x8000), 4);
  return extra;
}

function zip64Extra(values: number[]): Uint8Array {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  for (const [index, value] of values.entries()) extra.writeBigUInt64LE(BigInt(value), 4 + 8 * index);
  return extra;
}

/** MS-DOS date and time fields (local time, 2-second resolution), as zip stores them. */
function dosTimestamp(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 4) | date.getDate(),
  };
}
