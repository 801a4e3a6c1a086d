/**
 * CBOR item heads (RFC 8949 §3) in their shortest form, written straight into a preallocated buffer. The
 * broker, the producer and the consumer build CBOR 1.1 bodies by hand on their hot paths; one writer keeps
 * their bytes identical to what a generic encoder produces for the same values.
 */
export const CBOR_MAJOR_UINT = 0x00;
export const CBOR_MAJOR_BYTES = 0x40;
export const CBOR_MAJOR_TEXT = 0x60;
export const CBOR_MAJOR_ARRAY = 0x80;
export const CBOR_MAJOR_MAP = 0xa0;

const TWO_32 = 2 ** 32;

/** Bytes of a head carrying the unsigned argument `n` (a non-negative safe integer). */
export function cborHeadSize(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < TWO_32 ? 5 : 9;
}

/** Writes the head of major type `major` with argument `n` at `at`; returns the offset after it. */
export function writeCborHead(out: Uint8Array, at: number, major: number, n: number): number {
  if (n < 24) {
    out[at] = major | n;
    return at + 1;
  }
  if (n < 0x100) {
    out[at] = major | 24;
    out[at + 1] = n;
    return at + 2;
  }
  if (n < 0x10000) {
    out[at] = major | 25;
    out[at + 1] = n >>> 8;
    out[at + 2] = n & 0xff;
    return at + 3;
  }
  if (n < TWO_32) {
    out[at] = major | 26;
    writeU32BigEndian(out, at + 1, n);
    return at + 5;
  }
  out[at] = major | 27;
  writeU64BigEndian(out, at + 1, n);
  return at + 9;
}

function writeU32BigEndian(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

/** A non-negative integer below 2^53, big-endian in 8 bytes (CBOR's 64-bit argument). */
export function writeU64BigEndian(out: Uint8Array, at: number, n: number): void {
  const high = Math.floor(n / TWO_32);
  writeU32BigEndian(out, at, high);
  writeU32BigEndian(out, at + 4, n - high * TWO_32);
}
