/** Little-endian base-128 varints as LevelDB tables and tensor bundles use them. */

/** Where a decoded varint ends; `undefined` from {@link readVarint} means truncated or over-long. */
export interface VarintRead {
  value: number;
  next: number;
}

/**
 * Reads a varint of up to 64 bits as a JS number (exact up to 2^53; larger values only occur in
 * hostile files and are rejected by the callers' size checks).
 */
export function readVarint(bytes: Uint8Array, offset: number, limit = bytes.length): VarintRead | undefined {
  let value = 0;
  let scale = 1;
  for (let index = 0; index < 10; index++) {
    if (offset + index >= limit) return undefined;
    const byte = bytes[offset + index]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: offset + index + 1 };
  }
  return undefined;
}

/** Appends the varint encoding of a non-negative safe integer to `out` (an array or a ByteBuilder). */
export function writeVarint(out: { push(byte: number): unknown }, value: number): void {
  let remaining = value;
  while (remaining >= 0x80) {
    out.push((remaining % 128) | 0x80);
    remaining = Math.floor(remaining / 128);
  }
  out.push(remaining);
}
