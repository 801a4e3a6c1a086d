/** Bytes an unsigned LEB128 varint takes for a non-negative integer up to 2^53. */
export function varintLength(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x20_0000) return 3;
  if (value < 0x1000_0000) return 4;
  let n = 5;
  let rest = Math.floor(value / 0x8_0000_0000);
  while (rest > 0) {
    n++;
    rest = Math.floor(rest / 0x80);
  }
  return n;
}

/** Writes `value` (non-negative integer up to 2^53) as unsigned LEB128 and returns the next position. */
export function writeVarint(out: Uint8Array, pos: number, value: number): number {
  let v = value;
  // Bitwise operators truncate to 32 bits, so large values are peeled off with division first.
  while (v > 0x7fff_ffff) {
    out[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  while (v > 0x7f) {
    out[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[pos++] = v;
  return pos;
}
