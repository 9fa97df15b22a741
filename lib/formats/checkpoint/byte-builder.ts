/**
 * A growable byte buffer: appending bytes to a plain `number[]` costs a boxed element each and
 * a copy at the end, which dominated writing indexes of thousands of entries.
 *
 * @example
 * const out = new ByteBuilder();
 * out.push(1); out.append(Uint8Array.of(2, 3));
 * out.bytes(); // Uint8Array [1, 2, 3] (a view, valid until the next append)
 */
export class ByteBuilder {
  private buffer: Uint8Array;
  length = 0;

  constructor(initialCapacity = 4096) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length), 0);
    this.buffer = grown;
  }

  push(byte: number): void {
    this.reserve(1);
    this.buffer[this.length++] = byte;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes so far, without copying; invalidated by later appends. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
