import { CBOR_MAJOR_ARRAY, CBOR_MAJOR_BYTES, CBOR_MAJOR_TEXT, type Codec, writeCborHead } from '@shardline/core';
import type { KinesisRecord } from '../pipeline/kinesis-record.js';
import { PK_ASCII, type UserRecord } from '../pipeline/user-record.js';
import { writeKey } from '../pipeline/write-key.js';
import { AggregateBatch } from './aggregate-batch.js';
import { BodyBufferPool } from './body-buffer-pool.js';
import { copyBytes } from './copy-bytes.js';
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
  readonly #aggregates: AggregateBatch;
  readonly #buffers = new BodyBufferPool();

  constructor(codec: Codec) {
    this.#aggregates = new AggregateBatch(codec);
  }

  /** Writes the body for `records` of `streamName`; give the buffer back with release() once sent. */
  write(streamName: string, records: readonly KinesisRecord[]): { body: Buffer; buffer: Buffer } {
    let upper = 32 + 3 * streamName.length;
    for (const record of records) {
      const first = record.records[0] as UserRecord;
      upper += ENTRY_FIXED + record.dataSize + (record.aggregated ? 1 : first.pkBytes) + MAX_EHK_DIGITS;
    }
    const buffer = this.#buffers.take(upper);
    const aggregates = this.#aggregates.encode(records);
    let o = 0;
    buffer[o++] = MAP_2;
    o = copyBytes(STREAM_NAME_KEY, buffer, o);
    const nameBytes = Buffer.byteLength(streamName, 'utf8');
    o = writeCborHead(buffer, o, CBOR_MAJOR_TEXT, nameBytes);
    o += buffer.write(streamName, o, 'utf8');
    o = copyBytes(RECORDS_KEY, buffer, o);
    o = writeCborHead(buffer, o, CBOR_MAJOR_ARRAY, records.length);
    let at = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as KinesisRecord;
      const first = record.records[0] as UserRecord;
      buffer[o++] = MAP_3;
      o = copyBytes(DATA_KEY, buffer, o);
      if (record.aggregated) {
        const size = record.dataSize;
        o = writeCborHead(buffer, o, CBOR_MAJOR_BYTES, size);
        o += aggregates.copy(buffer, o, at, at + size);
        at += size;
        o = copyBytes(PK_KEY, buffer, o);
        o = copyBytes(AGGREGATE_PK, buffer, o);
      } else {
        const data = first.data;
        o = writeCborHead(buffer, o, CBOR_MAJOR_BYTES, data.length);
        buffer.set(data, o);
        o += data.length;
        o = copyBytes(PK_KEY, buffer, o);
        o = writeCborHead(buffer, o, CBOR_MAJOR_TEXT, first.pkBytes);
        // pkBytes is the key's exact UTF-8 length, so the head written above is right.
        o +=
          first.pkKind === PK_ASCII
            ? writeKey(first.partitionKey, true, buffer, o)
            : buffer.write(first.partitionKey, o, 'utf8');
      }
      // An aggregate goes where its first record's hash key points; a lone record where its own does.
      o = copyBytes(EHK_KEY, buffer, o);
      const ehk = first.explicitHashKey;
      if (ehk !== undefined) {
        o = writeCborHead(buffer, o, CBOR_MAJOR_TEXT, ehk.length);
        o += writeKey(ehk, true, buffer, o);
      } else {
        // Digits go after a two-byte head; fewer than 24 digits take a one-byte head, so they move back.
        const end = writeHashKeyDecimal(first.hashes, first.hashOffset, buffer, o + 2);
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
