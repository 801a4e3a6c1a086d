/** Scratch for the eight 16-bit limbs of a hash key and its base-10^9 chunks; reused by every call. */
const LIMBS = new Uint32Array(8);
const CHUNKS = new Uint32Array(5);
const CHUNK = 1_000_000_000;

/**
 * Writes the 16 big-endian bytes at bytes[offset] as an unsigned decimal integer (ASCII, no leading
 * zeros) into `out` at `o`; returns the offset after the last digit. Long division by 10^9 over 16-bit
 * limbs stays within exact double arithmetic (10^9 × 2^16 < 2^53), so no BigInt is needed.
 */
export function writeHashKeyDecimal(bytes: Uint8Array, offset: number, out: Uint8Array, o: number): number {
  if (offset < 0 || offset + 16 > bytes.length) throw new RangeError('hash key bytes out of range');
  const limbs = LIMBS;
  let top = 8;
  for (let i = 0; i < 8; i++) {
    limbs[i] = ((bytes[offset + 2 * i] as number) << 8) | (bytes[offset + 2 * i + 1] as number);
    if (top === 8 && limbs[i] !== 0) top = i;
  }
  let chunks = 0;
  while (top < 8) {
    let rest = 0;
    for (let i = top; i < 8; i++) {
      const current = rest * 65536 + (limbs[i] as number);
      const quotient = Math.floor(current / CHUNK);
      limbs[i] = quotient;
      rest = current - quotient * CHUNK;
    }
    CHUNKS[chunks++] = rest;
    while (top < 8 && limbs[top] === 0) top++;
  }
  if (chunks === 0) {
    out[o] = 48;
    return o + 1;
  }
  // The most significant chunk without leading zeros, every lower one as exactly nine digits.
  let first = CHUNKS[chunks - 1] as number;
  let digits = 1;
  for (let v = first; v >= 10; v = Math.floor(v / 10)) digits++;
  for (let i = digits - 1; i >= 0; i--) {
    out[o + i] = 48 + (first % 10);
    first = Math.floor(first / 10);
  }
  o += digits;
  for (let c = chunks - 2; c >= 0; c--) {
    let v = CHUNKS[c] as number;
    for (let i = 8; i >= 0; i--) {
      out[o + i] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    o += 9;
  }
  return o;
}
