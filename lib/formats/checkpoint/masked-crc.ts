import { crc32c } from "@node-rs/crc32";

// TensorFlow stores CRCs "masked" so that a CRC of data that itself contains CRCs stays well mixed.
const MASK_DELTA = 0xa282ead8;

/** CRC-32C (Castagnoli) of `bytes`, continuing from `previous` when given. */
export function crc32cOf(bytes: Uint8Array, previous?: number): number {
  return crc32c(bytes, previous) >>> 0;
}

/** Masks a CRC the way TensorFlow's `crc32c::Mask` does. Example: `maskCrc(crc32cOf(bytes))`. */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

/** Inverse of {@link maskCrc}. */
export function unmaskCrc(masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}
