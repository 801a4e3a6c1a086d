import type { Codec } from '@shardline/core';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Two output characters per 12 input bits, as little-endian byte pairs. */
const PAIRS = new Uint16Array(4096);
for (let i = 0; i < 4096; i++) PAIRS[i] = ALPHABET.charCodeAt(i >> 6) | (ALPHABET.charCodeAt(i & 63) << 8);

/** Below this size a table loop beats a call into the codec; above it the codec's encoder wins. */
const SMALL = 256;

export function base64Length(byteLength: number): number {
  return 4 * Math.ceil(byteLength / 3);
}

/**
 * Writes bytes src[from .. from + n) base64-encoded into `out` at `offset`; returns the offset after
 * the last character. Large inputs go through the codec, which (natively) encodes into `out` with no
 * intermediate string.
 */
export function writeBase64(src: Uint8Array, n: number, out: Buffer, offset: number, codec: Codec, from = 0): number {
  if (n >= SMALL) return offset + codec.base64Encode(src, from, n, out, offset);
  let o = offset;
  const end = from + n;
  const whole = end - (n % 3);
  let i = from;
  for (; i < whole; i += 3) {
    const v = ((src[i] as number) << 16) | ((src[i + 1] as number) << 8) | (src[i + 2] as number);
    const p = PAIRS[v >>> 12] as number;
    const q = PAIRS[v & 4095] as number;
    out[o] = p & 255;
    out[o + 1] = p >> 8;
    out[o + 2] = q & 255;
    out[o + 3] = q >> 8;
    o += 4;
  }
  const rest = end - whole;
  if (rest > 0) {
    const v = ((src[i] as number) << 16) | (rest === 2 ? (src[i + 1] as number) << 8 : 0);
    const p = PAIRS[v >>> 12] as number;
    out[o] = p & 255;
    out[o + 1] = p >> 8;
    out[o + 2] = rest === 2 ? ALPHABET.charCodeAt((v >> 6) & 63) : 61;
    out[o + 3] = 61;
    o += 4;
  }
  return o;
}
