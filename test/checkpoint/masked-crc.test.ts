import { test } from "node:test";
import assert from "node:assert/strict";
import { crc32cOf, maskCrc, unmaskCrc } from "../../lib/formats/checkpoint/masked-crc.js";

// Check values below are published CRC-32C test vectors (the "123456789" check value and RFC 3720
// appendix B.4), so they confirm the Castagnoli polynomial independently of our code.
test("crc32cOf uses the Castagnoli polynomial (published check values)", () => {
  assert.equal(crc32cOf(new TextEncoder().encode("123456789")), 0xe3069283);
  assert.equal(crc32cOf(new Uint8Array(0)), 0);
  assert.equal(crc32cOf(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32cOf(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32cOf(Uint8Array.from({ length: 32 }, (_, index) => index)), 0x46dd794e);
});

test("crc32cOf continues a running CRC across chunks", () => {
  const text = new TextEncoder().encode("123456789");
  assert.equal(crc32cOf(text.subarray(4), crc32cOf(text.subarray(0, 4))), 0xe3069283);
});

// Masking is rotate-right-by-15 then add 0xa282ead8 (mod 2^32); the expected values are worked by hand.
test("maskCrc rotates right by 15 and adds 0xa282ead8; unmaskCrc inverts it", () => {
  assert.equal(maskCrc(0), 0xa282ead8);
  assert.equal(maskCrc(1), 0xa284ead8); // 1 rotated right 15 = 1 << 17 = 0x20000
  assert.equal(maskCrc(0x8000), 0xa282ead9); // bit 15 lands on bit 0
  for (const crc of [0, 1, 0x8000, 0xe3069283, 0xffffffff]) assert.equal(unmaskCrc(maskCrc(crc)), crc);
});
