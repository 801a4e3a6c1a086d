import type { Codec } from '@shardline/core';
import type { KinesisRecord } from '../pipeline/kinesis-record.js';
import { PK_ASCII, PK_UNICODE, type UserRecord } from '../pipeline/user-record.js';
import { writeKey } from '../pipeline/write-key.js';
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
 * Writes PutRecords JSON bodies straight into reusable buffers: aggregates are encoded by the codec
 * into a scratch buffer and base64-encoded into the body, raw records are base64-encoded from the
 * caller's bytes, with no intermediate objects or JSON.stringify of the payloads.
 */
export class PutRecordsBodyWriter {
  readonly #codec: Codec;
  #free: Buffer[] = [];
  #aggregate = Buffer.allocUnsafe(64 * 1024);
  #pkBytes = Buffer.allocUnsafe(16 * 1024);
  #pkOffsets = new Uint32Array(1024);
  #ehkBytes = Buffer.allocUnsafe(4 * 1024);
  #ehkOffsets = new Uint32Array(1024);
  #data = Buffer.allocUnsafe(64 * 1024);
  #dataOffsets = new Uint32Array(1024);

  constructor(codec: Codec) {
    this.#codec = codec;
  }

  /** Writes the body for `records` of `streamName`; give the buffer back with release() once sent. */
  write(streamName: string, records: readonly KinesisRecord[]): { body: Buffer; buffer: Buffer } {
    let upper = 40 + streamName.length;
    for (const record of records) {
      const first = record.records[0] as UserRecord;
      const pk = record.aggregated ? 1 : first.pkKind === PK_ASCII ? first.pkBytes : 6 * first.partitionKey.length;
      upper += ENTRY_FIXED + base64Length(record.dataSize) + pk + MAX_EHK_DIGITS;
    }
    const buffer = this.#take(upper);
    let o = buffer.write(`{"StreamName":"${streamName}","Records":[`, 0, 'latin1');
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as KinesisRecord;
      if (i > 0) buffer[o++] = 44;
      o = copyBytes(RECORD_OPEN_BYTES, buffer, o);
      const first = record.records[0] as UserRecord;
      if (record.aggregated) {
        const size = this.#encodeAggregate(record.records, record.dataSize);
        record.dataSize = size;
        o = writeBase64(this.#aggregate, size, buffer, o, this.#codec);
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
    if (this.#free.length < 8) this.#free.push(buffer);
  }

  #take(size: number): Buffer {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const candidate = this.#free[i] as Buffer;
      if (candidate.length >= size) {
        this.#free.splice(i, 1);
        return candidate;
      }
    }
    // Fresh pages are slow to touch: round up so buffers are reusable for the next, slightly larger body.
    return Buffer.allocUnsafeSlow(Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(size))));
  }

  #encodeAggregate(records: readonly UserRecord[], size: number): number {
    const count = records.length;
    if (this.#pkOffsets.length < count + 1) {
      const capacity = 2 ** Math.ceil(Math.log2(count + 1));
      this.#pkOffsets = new Uint32Array(capacity);
      this.#ehkOffsets = new Uint32Array(capacity);
      this.#dataOffsets = new Uint32Array(capacity);
    }
    let pkTotal = 0;
    let dataTotal = 0;
    let withEhk = false;
    for (const r of records) {
      pkTotal += r.pkBytes;
      dataTotal += r.data.length;
      if (r.explicitHashKey !== undefined) withEhk = true;
    }
    if (this.#pkBytes.length < pkTotal) this.#pkBytes = Buffer.allocUnsafe(2 * pkTotal);
    if (this.#data.length < dataTotal) this.#data = Buffer.allocUnsafe(2 * dataTotal);
    if (withEhk && this.#ehkBytes.length < MAX_EHK_DIGITS * count) {
      this.#ehkBytes = Buffer.allocUnsafe(2 * MAX_EHK_DIGITS * count);
    }
    const pkBytes = this.#pkBytes;
    const pkOffsets = this.#pkOffsets;
    const data = this.#data;
    const dataOffsets = this.#dataOffsets;
    const ehkBytes = this.#ehkBytes;
    const ehkOffsets = this.#ehkOffsets;
    let pk = 0;
    let d = 0;
    let e = 0;
    for (let i = 0; i < count; i++) {
      const r = records[i] as UserRecord;
      pkOffsets[i] = pk;
      pk += writeKey(r.partitionKey, r.pkKind === PK_ASCII, pkBytes, pk);
      dataOffsets[i] = d;
      data.set(r.data, d);
      d += r.data.length;
      if (withEhk) {
        ehkOffsets[i] = e;
        if (r.explicitHashKey !== undefined) e += ehkBytes.write(r.explicitHashKey, e, 'latin1');
      }
    }
    pkOffsets[count] = pk;
    dataOffsets[count] = d;
    ehkOffsets[count] = e;
    const input = {
      count,
      partitionKeys: { count, bytes: pkBytes, offsets: pkOffsets.subarray(0, count + 1) },
      data,
      dataOffsets: dataOffsets.subarray(0, count + 1),
      ...(withEhk ? { explicitHashKeys: { count, bytes: ehkBytes, offsets: ehkOffsets.subarray(0, count + 1) } } : {}),
    };
    // The builder's bound sizes the scratch, so the codec's own sizing pass is not needed.
    if (this.#aggregate.length < size) this.#aggregate = Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(size)));
    return this.#codec.encodeAggregate(input, this.#aggregate, 0);
  }
}

/** Copies the few bytes of a JSON fragment: a loop beats Buffer#write's fixed cost at this size. */
function copyBytes(bytes: Uint8Array, out: Uint8Array, o: number): number {
  for (let i = 0; i < bytes.length; i++) out[o + i] = bytes[i] as number;
  return o + bytes.length;
}
