/**
 * Helpers for writing CBOR straight into a preallocated buffer, byte-for-byte what the generic encoder
 * (cbor-x via encodeCbor) writes for the same values: shortest heads, text keys, tag 1 over an 8-byte
 * epoch-ms integer, integers up to 2^32 in their shortest form and float64 above.
 */
import { CBOR_MAJOR_TEXT, cborHeadSize, writeCborHead } from '@shardline/core';

const TWO_32 = 2 ** 32;

/** Size of a non-negative integer as the generic encoder writes it (float64 from 2^32 up). */
export function uintSize(n: number): number {
  return n < TWO_32 ? cborHeadSize(n) : 9;
}

export function writeUint(out: Buffer, at: number, n: number): number {
  if (n < TWO_32) return writeCborHead(out, at, 0, n);
  out[at] = 0xfb;
  out.writeDoubleBE(n, at + 1);
  return at + 9;
}

/** Size of a text string whose UTF-8 length is `bytes`. */
export function textSize(bytes: number): number {
  return cborHeadSize(bytes) + bytes;
}

/** Writes an ASCII text string (keys, sequence numbers, iterators). */
export function writeAscii(out: Buffer, at: number, s: string): number {
  const to = writeCborHead(out, at, CBOR_MAJOR_TEXT, s.length);
  return to + out.write(s, to, 'latin1');
}

/** Writes any text string as UTF-8. */
export function writeText(out: Buffer, at: number, s: string): number {
  const n = Buffer.byteLength(s);
  const to = writeCborHead(out, at, CBOR_MAJOR_TEXT, n);
  return to + out.write(s, to, 'utf8');
}

/** Encoded text-string constants, e.g. map keys. */
export function asciiText(s: string): Buffer {
  const out = Buffer.alloc(textSize(s.length));
  writeAscii(out, 0, s);
  return out;
}

/** Copies a small constant (a key, a fixed piece of an element) into `out` at `at` without a native call. */
export function putBytes(out: Uint8Array, at: number, src: Uint8Array): void {
  for (let k = 0; k < src.length; k++) out[at + k] = src[k] as number;
}

/** Copies `src[from, to)` to `out` at `at`; tiny copies skip the native call. */
export function copyBytes(src: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  const n = to - from;
  if (n < 48) {
    for (let k = 0; k < n; k++) out[at + k] = src[from + k] as number;
  } else out.set(src.subarray(from, to), at);
  return at + n;
}
