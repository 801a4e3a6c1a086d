const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
const EQUALS = 0x3d;
/** Below this many bytes a JS loop beats Node's base64 (a native call and a string per record). */
const SMALL = 128;

/** Writes `bytes[from, to)` as padded base64 into `out` at `at`; returns the offset after it. */
export function writeBase64(bytes: Buffer, from: number, to: number, out: Buffer, at: number): number {
  if (to - from >= SMALL) return at + out.write(bytes.toString('base64', from, to), at, 'latin1');
  let o = at;
  let i = from;
  const full = to - ((to - from) % 3);
  for (; i < full; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o] = ALPHABET[v >>> 18] as number;
    out[o + 1] = ALPHABET[(v >>> 12) & 63] as number;
    out[o + 2] = ALPHABET[(v >>> 6) & 63] as number;
    out[o + 3] = ALPHABET[v & 63] as number;
    o += 4;
  }
  if (i < to) {
    const two = to - i === 2;
    const v = ((bytes[i] as number) << 16) | (two ? (bytes[i + 1] as number) << 8 : 0);
    out[o] = ALPHABET[v >>> 18] as number;
    out[o + 1] = ALPHABET[(v >>> 12) & 63] as number;
    out[o + 2] = two ? (ALPHABET[(v >>> 6) & 63] as number) : EQUALS;
    out[o + 3] = EQUALS;
    o += 4;
  }
  return o;
}
