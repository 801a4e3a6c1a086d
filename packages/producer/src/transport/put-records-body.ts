import type { Codec } from '@shardline/core';
import type { KinesisRecord } from '../pipeline/kinesis-record.js';
import { PK_ASCII, PK_UNICODE, type UserRecord } from '../pipeline/user-record.js';
import { writeKey } from '../pipeline/write-key.js';
import { AggregateBatch } from './aggregate-batch.js';
import { BodyBufferPool } from './body-buffer-pool.js';
import { copyBytes } from './copy-bytes.js';
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

/**
 * Writes PutRecords JSON bodies straight into reusable buffers: a request's aggregates are encoded by
 * one codec call into a scratch buffer and base64-encoded into the body, raw records are base64-encoded from the
 * caller's bytes, with no intermediate objects or JSON.stringify of the payloads.
 */
export class PutRecordsBodyWriter {
  readonly #codec: Codec;
  readonly #aggregates: AggregateBatch;
  readonly #buffers = new BodyBufferPool();

  constructor(codec: Codec) {
    this.#codec = codec;
    this.#aggregates = new AggregateBatch(codec);
  }

  /** Writes the body for `records` of `streamName`; give the buffer back with release() once sent. */
  write(streamName: string, records: readonly KinesisRecord[]): { body: Buffer; buffer: Buffer } {
    let upper = 40 + streamName.length;
    for (const record of records) {
      const first = record.records[0] as UserRecord;
      const pk = record.aggregated ? 1 : first.pkKind === PK_ASCII ? first.pkBytes : 6 * first.partitionKey.length;
      upper += ENTRY_FIXED + base64Length(record.dataSize) + pk + MAX_EHK_DIGITS;
    }
    const buffer = this.#buffers.take(upper);
    const aggregates = this.#aggregates.encode(records);
    let o = buffer.write(`{"StreamName":"${streamName}","Records":[`, 0, 'latin1');
    // The request's aggregates lie back to back in #aggregate, in record order.
    let at = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as KinesisRecord;
      if (i > 0) buffer[o++] = 44;
      o = copyBytes(RECORD_OPEN_BYTES, buffer, o);
      const first = record.records[0] as UserRecord;
      if (record.aggregated) {
        const size = record.dataSize;
        o = writeBase64(aggregates, size, buffer, o, this.#codec, at);
        at += size;
        o = copyBytes(PK_FIELD_BYTES, buffer, o);
        o = copyBytes(AGGREGATE_PK_BYTES, buffer, o);
      } else {
        o = writeBase64(first.data, first.data.length, buffer, o, this.#codec);
        o = copyBytes(PK_FIELD_BYTES, buffer, o);
        const pk = first.partitionKey;
        if (first.pkKind === PK_ASCII) {
          buffer[o++] = 34;
          o += writeKey(pk, true, buffer, o);
          buffer[o++] = 34;
        } else if (first.pkKind === PK_UNICODE) {
          buffer[o++] = 34;
          o += buffer.write(pk, o, 'utf8');
          buffer[o++] = 34;
        } else {
          o += buffer.write(JSON.stringify(pk), o, 'utf8');
        }
      }
      // An aggregate goes where its first record's hash key points; a lone record where its own does.
      o = copyBytes(EHK_FIELD_BYTES, buffer, o);
      const ehk = first.explicitHashKey;
      o =
        ehk === undefined
          ? writeHashKeyDecimal(first.hashes, first.hashOffset, buffer, o)
          : o + writeKey(ehk, true, buffer, o);
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
