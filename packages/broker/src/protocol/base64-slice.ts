import { nativeCodec } from '../model/native-codec.js';

/** Characters decoded per step: a multiple of 4, small enough for the young generation of the heap. */
const PIECE = 16 * 1024;
const EQUALS = 0x3d;

/**
 * Base64 text still inside a request body (the Data of a large JSON PutRecords). It is decoded straight
 * into storage piece by piece and never becomes one megabyte-long string: such strings cost a copy, a
 * page-faulting allocation outside the young generation and a full garbage collection later.
 */
export class Base64Slice {
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;

  constructor(bytes: Buffer, start: number, end: number) {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
  }

  /** Bytes the text decodes to, or -1 when its length cannot be base64 (as for a string). */
  get decodedLength(): number {
    const n = this.end - this.start;
    if (n % 4 === 1) return -1;
    let pad = 0;
    if (n > 0 && this.bytes[this.end - 1] === EQUALS) {
      pad = 1;
      if (n > 1 && this.bytes[this.end - 2] === EQUALS) pad = 2;
    }
    return ((n * 3) >> 2) - pad;
  }

  /**
   * Decodes into `target` at `offset`, writing at most `length` bytes. Returns the bytes written, which
   * fall short of `length` when the text is not valid base64 (any piece decoding short gives up early).
   */
  decodeInto(target: Buffer, offset: number, length: number): number {
    const { bytes, end } = this;
    // The addon decodes from the body's bytes: no string per piece, ~2.5 times faster. It takes canonical
    // text only; anything else (URL-safe characters, stray '=') goes the lenient way Buffer decodes it.
    const codec = nativeCodec();
    const n = end - this.start;
    if (codec !== null && (n % 4 === 0 || bytes[end - 1] !== EQUALS) && length === this.decodedLength) {
      const written = codec.base64Decode(bytes, this.start, n, target, offset);
      if (written >= 0) return written;
    }
    let written = 0;
    for (let at = this.start; at < end && written < length; at += PIECE) {
      const stop = Math.min(end, at + PIECE);
      const piece = bytes.toString('latin1', at, stop);
      const room = length - written;
      const n = target.write(piece, offset + written, room, 'base64');
      written += n;
      if (stop < end && n !== (PIECE * 3) / 4) return written;
    }
    return written;
  }
}
