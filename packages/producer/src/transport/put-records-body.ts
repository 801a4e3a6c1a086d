import type { Codec } from '@shardline/core';
import { PK_ASCII, PK_UNICODE } from '../pipeline/user-record.js';
import { AggregateEncoder } from './aggregate-encoder.js';
import { BodyBufferPool } from './body-buffer-pool.js';
import { copyBytes } from './copy-bytes.js';
import { PACKED_AGGREGATED, PACKED_EHK, PACKED_KIND_SHIFT, type PackedRequest } from './packed-request.js';
import { base64Length, writeBase64 } from './write-base64.js';
import { writeHashKeyDecimal } from './write-hash-key-decimal.js';

const RECORD_OPEN = '{"Data":"';
const PK_FIELD = '","PartitionKey":';
const EHK_FIELD = ',"ExplicitHashKey":"';
const RECORD_CLOSE = '"}';
const RECORD_OPEN_BYTES = Buffer.from(RECORD_OPEN, 'latin1');
const PK_FIELD_BYTES = Buffer.from(PK_FIELD, 'latin1');
const AGGREGATE_PK_BYTES = Buffer.from('"a"', 'latin1');
const EHK_FIELD_BYTES = Buffer.from(EHK_FIELD, 'latin1');
const RECORD_CLOSE_BYTES = Buffer.from(RECORD_CLOSE, 'latin1');
/** Fixed characters per entry: the four pieces above, the partition key's quotes and a comma. */
const ENTRY_FIXED = RECORD_OPEN.length + PK_FIELD.length + EHK_FIELD.length + RECORD_CLOSE.length + 3;
/** Longest decimal hash key (2^128 - 1). */
const MAX_EHK_DIGITS = 39;
/** A JSON-escaped byte takes at most six characters (\u00XX). */
const ESCAPED_BYTE = 6;

/**
 * Writes PutRecords JSON bodies straight into reusable buffers: a request's aggregates are encoded by
 * one codec call into a scratch buffer and base64-encoded into the body, lone records are
 * base64-encoded from the packed data, with no intermediate objects or JSON.stringify of the payloads.
 */
export class PutRecordsBodyWriter {
  readonly #codec: Codec;
  readonly #aggregates: AggregateEncoder;
  readonly #buffers: BodyBufferPool;

  /** `keptBuffers`: body buffers kept for reuse, as many as requests can be in flight. */
  constructor(codec: Codec, keptBuffers: number) {
    this.#codec = codec;
    this.#buffers = new BodyBufferPool(keptBuffers);
    this.#aggregates = new AggregateEncoder(codec);
  }

  /** Writes the body for `packed`; give the buffer back with release() once sent. */
  write(packed: PackedRequest): { body: Buffer; buffer: Buffer } {
    const { streamName, records, flags, firstMember, sizes, pkBytes, pkOffsets, data, dataOffsets } = packed;
    let upper = 40 + streamName.length;
    for (let i = 0; i < records; i++) {
      const m = firstMember[i] as number;
      const aggregated = ((flags[i] as number) & PACKED_AGGREGATED) !== 0;
      const pk = aggregated ? 1 : ESCAPED_BYTE * ((pkOffsets[m + 1] as number) - (pkOffsets[m] as number));
      upper += ENTRY_FIXED + base64Length(sizes[i] as number) + pk + MAX_EHK_DIGITS;
    }
    const buffer = this.#buffers.take(upper);
    const aggregates = this.#aggregates.encode(packed);
    let o = buffer.write(`{"StreamName":"${streamName}","Records":[`, 0, 'latin1');
    // The request's aggregates lie back to back in the encoder's scratch, in request order.
    let at = 0;
    for (let i = 0; i < records; i++) {
      const flag = flags[i] as number;
      const m = firstMember[i] as number;
      if (i > 0) buffer[o++] = 44;
      o = copyBytes(RECORD_OPEN_BYTES, buffer, o);
      if ((flag & PACKED_AGGREGATED) !== 0) {
        const size = sizes[i] as number;
        o = writeBase64(aggregates, size, buffer, o, this.#codec, at);
        at += size;
        o = copyBytes(PK_FIELD_BYTES, buffer, o);
        o = copyBytes(AGGREGATE_PK_BYTES, buffer, o);
      } else {
        const from = dataOffsets[m] as number;
        o = writeBase64(data, (dataOffsets[m + 1] as number) - from, buffer, o, this.#codec, from);
        o = copyBytes(PK_FIELD_BYTES, buffer, o);
        const start = pkOffsets[m] as number;
        const end = pkOffsets[m + 1] as number;
        const kind = flag >> PACKED_KIND_SHIFT;
        if (kind === PK_ASCII || kind === PK_UNICODE) {
          // UTF-8 bytes of a key with nothing to escape go into JSON as they are.
          buffer[o++] = 34;
          for (let k = start; k < end; k++) buffer[o++] = pkBytes[k] as number;
          buffer[o++] = 34;
        } else {
          const key = Buffer.from(pkBytes.buffer, pkBytes.byteOffset + start, end - start).toString('utf8');
          o += buffer.write(JSON.stringify(key), o, 'utf8');
        }
      }
      // An aggregate goes where its first record's hash key points; a lone record where its own does.
      o = copyBytes(EHK_FIELD_BYTES, buffer, o);
      o = writeRoute(packed, i, m, flag, buffer, o);
      o = copyBytes(RECORD_CLOSE_BYTES, buffer, o);
    }
    o += buffer.write(']}', o, 'latin1');
    return { body: buffer.subarray(0, o), buffer };
  }

  /** Returns a body buffer for reuse once its request has finished. */
  release(buffer: Buffer): void {
    this.#buffers.release(buffer);
  }
}

/**
 * Writes record i's explicit hash key as decimal digits: its first member's own one, or the digits of
 * the member's MD5 hash key. Returns the offset after the last digit.
 */
function writeRoute(packed: PackedRequest, i: number, m: number, flag: number, out: Buffer, o: number): number {
  if ((flag & PACKED_EHK) === 0) return writeHashKeyDecimal(packed.hashKeys, 16 * i, out, o);
  const ehk = packed.ehkBytes;
  const end = packed.ehkOffsets[m + 1] as number;
  for (let k = packed.ehkOffsets[m] as number; k < end; k++) out[o++] = ehk[k] as number;
  return o;
}
