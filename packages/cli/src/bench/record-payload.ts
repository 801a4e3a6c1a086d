import { payloadChecksum } from './payload-checksum.js';

/*
 * Layout of every benchmark record (little endian):
 *   0  u8   format version (1)
 *   1  u8   reserved (0)
 *   2  u16  producer id
 *   4  u32  sequence index, 0-based per producer
 *   8  u64  put time in nanoseconds on the host's monotonic clock (process.hrtime), shared by all local processes
 *  16  ...  filler
 * n-4  u32  checksum of bytes [0, n-4)
 */
const VERSION = 1;
export const PAYLOAD_HEADER_BYTES = 16;
export const PAYLOAD_MIN_BYTES = PAYLOAD_HEADER_BYTES + 4;
const TWO_32 = 4294967296;

/** Fields read back from a record; reused across calls to keep the consumer's hot loop allocation-free. */
export interface PayloadFields {
  producerId: number;
  index: number;
  putTimeNs: number;
}

export type PayloadStatus = 'ok' | 'corrupted';

/** Writes the filler of `count` consecutive records of `size` bytes; headers and checksums come later. */
export function fillPayloadTemplate(target: Uint8Array, offset: number, size: number, count: number): void {
  for (let r = 0; r < count; r++) {
    const base = offset + r * size;
    for (let j = PAYLOAD_HEADER_BYTES; j < size - 4; j++) target[base + j] = (j * 31 + 7) & 0xff;
  }
}

/** Stamps identity, put time and checksum onto a record whose filler is already in place. */
export function stampPayload(
  target: Uint8Array,
  offset: number,
  size: number,
  producerId: number,
  index: number,
  putTimeNs: number,
): void {
  target[offset] = VERSION;
  target[offset + 1] = 0;
  target[offset + 2] = producerId & 0xff;
  target[offset + 3] = (producerId >>> 8) & 0xff;
  writeU32(target, offset + 4, index);
  const high = Math.floor(putTimeNs / TWO_32);
  writeU32(target, offset + 8, putTimeNs - high * TWO_32);
  writeU32(target, offset + 12, high);
  writeU32(target, offset + size - 4, payloadChecksum(target, offset, offset + size - 4));
}

/** A whole record in a fresh buffer (tests and low-rate callers). */
export function encodePayload(size: number, producerId: number, index: number, putTimeNs: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  fillPayloadTemplate(buffer, 0, size, 1);
  stampPayload(buffer, 0, size, producerId, index, putTimeNs);
  return buffer;
}

/**
 * Reads `bytes[start, end)` into `out` and verifies it. A record that is too short, of an unknown version or
 * whose checksum does not match is `corrupted`; `out.index` is then -1 when even the header is unusable.
 */
export function readPayload(bytes: Uint8Array, start: number, end: number, out: PayloadFields): PayloadStatus {
  if (end - start < PAYLOAD_MIN_BYTES || bytes[start] !== VERSION) {
    out.index = -1;
    return 'corrupted';
  }
  out.producerId = (bytes[start + 2] as number) | ((bytes[start + 3] as number) << 8);
  out.index = readU32(bytes, start + 4);
  out.putTimeNs = readU32(bytes, start + 12) * TWO_32 + readU32(bytes, start + 8);
  return readU32(bytes, end - 4) === payloadChecksum(bytes, start, end - 4) ? 'ok' : 'corrupted';
}

function writeU32(target: Uint8Array, at: number, value: number): void {
  target[at] = value & 0xff;
  target[at + 1] = (value >>> 8) & 0xff;
  target[at + 2] = (value >>> 16) & 0xff;
  target[at + 3] = (value >>> 24) & 0xff;
}

function readU32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24)) >>>
    0
  );
}
