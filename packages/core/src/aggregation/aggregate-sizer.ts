import { AGGREGATE_OVERHEAD } from '../codec/aggregate-format.js';
import { varintLength } from '../codec/varint.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { wellFormed } from './well-formed.js';

/**
 * Tracks the exact byte size of an aggregated record (magic + protobuf + MD5) while a producer fills
 * it one user record at a time. Key tables are deduplicated like the encoder does, and every length
 * is counted in UTF-8 bytes, so `size` always equals what encodeAggregate writes for the same records.
 *
 * Explicit hash keys must be passed in the form that will be encoded (canonical decimal, see
 * normalizeHashKey); `undefined` or an empty string means the record has none.
 */
export class AggregateSizer {
  #partitionKeys = new Map<string, number>();
  #explicitHashKeys = new Map<string, number>();
  #body = 0;
  #count = 0;

  /** User records added so far. */
  get count(): number {
    return this.#count;
  }

  /** Exact size of the aggregated record holding the records added so far (20 when empty). */
  get size(): number {
    return this.#body + AGGREGATE_OVERHEAD;
  }

  /** Exact size the aggregated record would have if this user record were added. Changes nothing. */
  sizeWith(partitionKey: string, explicitHashKey: string | undefined, dataLength: number): number {
    return this.#body + this.#delta(partitionKey, explicitHashKey, dataLength) + AGGREGATE_OVERHEAD;
  }

  /** Adds a user record and returns the new exact size. */
  add(partitionKey: string, explicitHashKey: string | undefined, dataLength: number): number {
    this.#body += this.#delta(partitionKey, explicitHashKey, dataLength);
    const pk = wellFormed(partitionKey);
    if (!this.#partitionKeys.has(pk)) this.#partitionKeys.set(pk, this.#partitionKeys.size);
    if (explicitHashKey !== undefined && explicitHashKey !== '') {
      const ehk = wellFormed(explicitHashKey);
      if (!this.#explicitHashKeys.has(ehk)) this.#explicitHashKeys.set(ehk, this.#explicitHashKeys.size);
    }
    this.#count++;
    return this.#body + AGGREGATE_OVERHEAD;
  }

  /** Forgets every record, as after the aggregate has been sent. */
  reset(): void {
    this.#partitionKeys.clear();
    this.#explicitHashKeys.clear();
    this.#body = 0;
    this.#count = 0;
  }

  /** Bytes the protobuf body grows by when this record is added. */
  #delta(partitionKey: string, explicitHashKey: string | undefined, dataLength: number): number {
    if (typeof partitionKey !== 'string') throw new InvalidArgumentError('partitionKey must be a string');
    if (!Number.isSafeInteger(dataLength) || dataLength < 0) {
      throw new InvalidArgumentError(`dataLength must be a non-negative integer, got ${String(dataLength)}`);
    }
    let delta = 0;
    let pkIndex = this.#partitionKeys.get(wellFormed(partitionKey));
    if (pkIndex === undefined) {
      pkIndex = this.#partitionKeys.size;
      const length = Buffer.byteLength(partitionKey, 'utf8');
      delta += 1 + varintLength(length) + length;
    }
    // Record message: field 1 (key index) and field 3 (data), plus field 2 when there is an EHK.
    let inner = 1 + varintLength(pkIndex) + 1 + varintLength(dataLength) + dataLength;
    if (explicitHashKey !== undefined) {
      if (typeof explicitHashKey !== 'string') {
        throw new InvalidArgumentError('explicitHashKey must be a string or undefined');
      }
      if (explicitHashKey !== '') {
        let ehkIndex = this.#explicitHashKeys.get(wellFormed(explicitHashKey));
        if (ehkIndex === undefined) {
          ehkIndex = this.#explicitHashKeys.size;
          const length = Buffer.byteLength(explicitHashKey, 'utf8');
          delta += 1 + varintLength(length) + length;
        }
        inner += 1 + varintLength(ehkIndex);
      }
    }
    return delta + 1 + varintLength(inner) + inner;
  }
}
