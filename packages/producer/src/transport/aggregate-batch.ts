import type { Codec } from '@shardline/core';
import type { KinesisRecord } from '../pipeline/kinesis-record.js';
import { PK_ASCII, type UserRecord } from '../pipeline/user-record.js';
import { writeKey } from '../pipeline/write-key.js';

/** Longest decimal hash key (2^128 - 1). */
const MAX_EHK_DIGITS = 39;
/** Payloads up to this size are copied by a loop: TypedArray#set's fixed cost is higher. */
const LOOP_COPY = 64;

/**
 * Encodes the aggregates of one PutRecords request with a single codec call (which digests their MD5
 * trailers together): the user records of every aggregate are packed into reused columns, and the
 * aggregates land back to back in a reused scratch buffer.
 */
export class AggregateBatch {
  readonly #codec: Codec;
  #out = Buffer.allocUnsafe(64 * 1024);
  #pkBytes = Buffer.allocUnsafe(16 * 1024);
  #pkOffsets = new Uint32Array(1024);
  #ehkBytes = Buffer.allocUnsafe(4 * 1024);
  #ehkOffsets = new Uint32Array(1024);
  #data = Buffer.allocUnsafe(64 * 1024);
  #dataOffsets = new Uint32Array(1024);
  #bounds = new Uint32Array(64);
  #sizes = new Uint32Array(64);

  constructor(codec: Codec) {
    this.#codec = codec;
  }

  /**
   * Encodes every aggregated record of `records` (lone ones are skipped) and stores each one's exact
   * size in its dataSize. Returns the scratch buffer holding them back to back, in record order; it is
   * valid until the next call.
   */
  encode(records: readonly KinesisRecord[]): Buffer {
    let aggregates = 0;
    let count = 0;
    let pkTotal = 0;
    let dataTotal = 0;
    let bound = 0;
    let withEhk = false;
    for (const record of records) {
      if (!record.aggregated) continue;
      aggregates++;
      bound += record.dataSize;
      for (const r of record.records) {
        count++;
        pkTotal += r.pkBytes;
        dataTotal += r.data.length;
        if (r.explicitHashKey !== undefined) withEhk = true;
      }
    }
    if (aggregates === 0) return this.#out;
    this.#reserve(count, aggregates, pkTotal, dataTotal, withEhk ? MAX_EHK_DIGITS * count : 0, bound);
    const pkBytes = this.#pkBytes;
    const pkOffsets = this.#pkOffsets;
    const data = this.#data;
    const dataOffsets = this.#dataOffsets;
    const ehkBytes = this.#ehkBytes;
    const ehkOffsets = this.#ehkOffsets;
    const bounds = this.#bounds;
    let pk = 0;
    let d = 0;
    let e = 0;
    let i = 0;
    let j = 0;
    for (const record of records) {
      if (!record.aggregated) continue;
      bounds[j++] = i;
      const members = record.records;
      for (let m = 0; m < members.length; m++) {
        const r = members[m] as UserRecord;
        pkOffsets[i] = pk;
        pk += writeKey(r.partitionKey, r.pkKind === PK_ASCII, pkBytes, pk);
        dataOffsets[i] = d;
        const bytes = r.data;
        const length = bytes.length;
        if (length <= LOOP_COPY) {
          for (let k = 0; k < length; k++) data[d + k] = bytes[k] as number;
        } else {
          data.set(bytes, d);
        }
        d += length;
        if (withEhk) {
          ehkOffsets[i] = e;
          if (r.explicitHashKey !== undefined) e += ehkBytes.write(r.explicitHashKey, e, 'latin1');
        }
        i++;
      }
    }
    bounds[j] = i;
    pkOffsets[count] = pk;
    dataOffsets[count] = d;
    ehkOffsets[count] = e;
    const input = {
      count,
      partitionKeys: { count, bytes: pkBytes, offsets: pkOffsets },
      data,
      dataOffsets,
      ...(withEhk ? { explicitHashKeys: { count, bytes: ehkBytes, offsets: ehkOffsets } } : {}),
    };
    const sizes = this.#sizes;
    this.#codec.encodeAggregates(input, bounds, aggregates, this.#out, 0, sizes);
    j = 0;
    for (const record of records) if (record.aggregated) record.dataSize = sizes[j++] as number;
    return this.#out;
  }

  #reserve(count: number, aggregates: number, pk: number, data: number, ehk: number, out: number): void {
    if (this.#pkOffsets.length < count + 1) {
      const capacity = 2 ** Math.ceil(Math.log2(count + 1));
      this.#pkOffsets = new Uint32Array(capacity);
      this.#ehkOffsets = new Uint32Array(capacity);
      this.#dataOffsets = new Uint32Array(capacity);
    }
    if (this.#bounds.length < aggregates + 1) {
      const capacity = 2 ** Math.ceil(Math.log2(aggregates + 1));
      this.#bounds = new Uint32Array(capacity);
      this.#sizes = new Uint32Array(capacity);
    }
    if (this.#pkBytes.length < pk) this.#pkBytes = Buffer.allocUnsafe(2 * pk);
    if (this.#data.length < data) this.#data = Buffer.allocUnsafe(2 * data);
    if (this.#ehkBytes.length < ehk) this.#ehkBytes = Buffer.allocUnsafe(2 * ehk);
    // The builders' size bounds (never below the exact sizes) size the scratch.
    if (this.#out.length < out) this.#out = Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(out)));
  }
}
