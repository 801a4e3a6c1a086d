import { CBOR_MAJOR_ARRAY, CBOR_MAJOR_BYTES, CBOR_MAJOR_TEXT, type Codec, writeCborHead } from '@shardline/core';
import { AggregateEncoder } from './aggregate-encoder.js';
import { BodyBufferPool } from './body-buffer-pool.js';
import { copyBytes } from './copy-bytes.js';
import { copyShared } from './copy-shared.js';
import { PACKED_AGGREGATED, PACKED_EHK, type PackedRequest } from './packed-request.js';
import { writeHashKeyDecimal } from './write-hash-key-decimal.js';

/** CBOR text-string items (head + UTF-8) of the member names, written as they are. */
function textItem(text: string): Buffer {
  return Buffer.from([CBOR_MAJOR_TEXT | text.length, ...Buffer.from(text, 'latin1')]);
}
const STREAM_NAME_KEY = textItem('StreamName');
const RECORDS_KEY = textItem('Records');
const DATA_KEY = textItem('Data');
const PK_KEY = textItem('PartitionKey');
const EHK_KEY = textItem('ExplicitHashKey');
/** The partition key of every aggregate: "a". */
const AGGREGATE_PK = Buffer.from([CBOR_MAJOR_TEXT | 1, 0x61]);
const MAP_2 = 0xa2;
const MAP_3 = 0xa3;
/** Per entry besides data and keys: map head, three member names, heads of up to 5 bytes each. */
const ENTRY_FIXED = 1 + DATA_KEY.length + PK_KEY.length + EHK_KEY.length + 3 * 5;
/** Longest decimal hash key (2^128 - 1). */
const MAX_EHK_DIGITS = 39;

/**
 * Writes PutRecords bodies in CBOR 1.1 (`application/x-amz-cbor-1.1`) straight into reusable buffers:
 * the same members as the JSON form, with each record's data as a raw byte string (no base64), in
 * RFC 8949 preferred (shortest) serialisation. Aggregates come from one codec call per request.
 */
export class PutRecordsCborWriter {
  readonly #aggregates: AggregateEncoder;
  readonly #buffers: BodyBufferPool;

  /** `keptBuffers`: body buffers kept for reuse, as many as requests can be in flight. */
  constructor(codec: Codec, keptBuffers: number) {
    this.#buffers = new BodyBufferPool(keptBuffers);
    this.#aggregates = new AggregateEncoder(codec);
  }

  /** Writes the body for `packed`; give the buffer back with release() once sent. */
  write(packed: PackedRequest): { body: Buffer; buffer: Buffer } {
    const { streamName, records, flags, firstMember, sizes, pkBytes, pkOffsets, data, dataOffsets } = packed;
    let upper = 32 + 3 * streamName.length;
    for (let i = 0; i < records; i++) {
      const m = firstMember[i] as number;
      const aggregated = ((flags[i] as number) & PACKED_AGGREGATED) !== 0;
      const pk = aggregated ? 1 : (pkOffsets[m + 1] as number) - (pkOffsets[m] as number);
      upper += ENTRY_FIXED + (sizes[i] as number) + pk + MAX_EHK_DIGITS;
    }
    const buffer = this.#buffers.take(upper);
    const aggregates = this.#aggregates.encode(packed);
    let o = 0;
    buffer[o++] = MAP_2;
    o = copyBytes(STREAM_NAME_KEY, buffer, o);
    const nameBytes = Buffer.byteLength(streamName, 'utf8');
    o = writeCborHead(buffer, o, CBOR_MAJOR_TEXT, nameBytes);
    o += buffer.write(streamName, o, 'utf8');
    o = copyBytes(RECORDS_KEY, buffer, o);
    o = writeCborHead(buffer, o, CBOR_MAJOR_ARRAY, records);
    let at = 0;
    for (let i = 0; i < records; i++) {
      const flag = flags[i] as number;
      const m = firstMember[i] as number;
      buffer[o++] = MAP_3;
      o = copyBytes(DATA_KEY, buffer, o);
      if ((flag & PACKED_AGGREGATED) !== 0) {
        const size = sizes[i] as number;
        o = writeCborHead(buffer, o, CBOR_MAJOR_BYTES, size);
        o += aggregates.copy(buffer, o, at, at + size);
        at += size;
        o = copyBytes(PK_KEY, buffer, o);
        o = copyBytes(AGGREGATE_PK, buffer, o);
      } else {
        const from = dataOffsets[m] as number;
        const to = dataOffsets[m + 1] as number;
        o = writeCborHead(buffer, o, CBOR_MAJOR_BYTES, to - from);
        o = copyShared(data.subarray(from, to), buffer, o);
        o = copyBytes(PK_KEY, buffer, o);
        const start = pkOffsets[m] as number;
        const end = pkOffsets[m + 1] as number;
        o = writeCborHead(buffer, o, CBOR_MAJOR_TEXT, end - start);
        for (let k = start; k < end; k++) buffer[o++] = pkBytes[k] as number;
      }
      // An aggregate goes where its first record's hash key points; a lone record where its own does.
      o = copyBytes(EHK_KEY, buffer, o);
      if ((flag & PACKED_EHK) !== 0) {
        const start = packed.ehkOffsets[m] as number;
        const end = packed.ehkOffsets[m + 1] as number;
        o = writeCborHead(buffer, o, CBOR_MAJOR_TEXT, end - start);
        for (let k = start; k < end; k++) buffer[o++] = packed.ehkBytes[k] as number;
      } else {
        // Digits go after a two-byte head; fewer than 24 digits take a one-byte head, so they move back.
        const end = writeHashKeyDecimal(packed.hashKeys, 16 * i, buffer, o + 2);
        const digits = end - o - 2;
        if (digits < 24) {
          buffer[o] = CBOR_MAJOR_TEXT | digits;
          buffer.copyWithin(o + 1, o + 2, end);
          o = end - 1;
        } else {
          buffer[o] = CBOR_MAJOR_TEXT | 24;
          buffer[o + 1] = digits;
          o = end;
        }
      }
    }
    return { body: buffer.subarray(0, o), buffer };
  }

  /** Returns a body buffer for reuse once its request has finished. */
  release(buffer: Buffer): void {
    this.#buffers.release(buffer);
  }
}
