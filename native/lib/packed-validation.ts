import {
  type AggregateInput,
  InvalidArgumentError,
  InvalidHashKeyError,
  InvalidPartitionKeyError,
  type PackedStrings,
} from '@shardline/core';
import { describeValue } from './describe-value.js';
import { fieldLength, varintLength } from './varint-length.js';

/** Longest partition key in UTF-8 bytes a packed input may carry (256 UTF-16 units need at most 768). */
export const MAX_PARTITION_KEY_BYTES = 1024;
/** Most records one call accepts: both codecs index records with signed 32-bit integers. */
export const MAX_RECORDS = 0x7fff_ffff;

const MAX_HASH_KEY_DIGITS = 39;
const MAX_HASH_KEY_ASCII = Buffer.from('340282366920938463463374607431768211455', 'latin1');
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * Checks a PackedStrings of partition keys in O(count): shape, monotonic in-bounds offsets, and every
 * key 1..1024 bytes. Throws InvalidArgumentError for structure, InvalidPartitionKeyError for a key.
 */
export function validatePackedKeys(keys: PackedStrings, name = 'keys'): void {
  const count = checkCount(keys, name, 0);
  const offsets = checkShape(keys, count, name);
  let previous = offsets[0] as number;
  for (let i = 1; i <= count; i++) {
    const next = offsets[i] as number;
    const length = next - previous;
    if (length < 0) throw new InvalidArgumentError(`${name}.offsets decrease at entry ${i}`);
    if (length === 0) throw new InvalidPartitionKeyError(`${name}: key ${i - 1} is empty`);
    if (length > MAX_PARTITION_KEY_BYTES) {
      throw new InvalidPartitionKeyError(
        `${name}: key ${i - 1} is ${length} bytes; at most ${MAX_PARTITION_KEY_BYTES} are accepted`,
      );
    }
    previous = next;
  }
  checkEnd(keys.bytes, previous, name);
}

/**
 * Checks an AggregateInput in O(count) and returns an upper bound of its encoded size (exact when no key
 * repeats), which lets callers skip a sizing pass. Explicit hash keys must be empty (none) or canonical
 * decimals (no leading zeros) up to 2^128-1.
 */
export function validateAggregateInput(input: AggregateInput): number {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidArgumentError(
      `aggregate input must be an array of records or an AggregateInput, got ${describeValue(input)}`,
    );
  }
  const count = checkCount(input, 'input', 1);
  validatePackedKeys(input.partitionKeys, 'partitionKeys');
  if (input.partitionKeys.count !== count) {
    throw new InvalidArgumentError(`partitionKeys.count is ${input.partitionKeys.count}, expected ${count}`);
  }
  const hashKeys = input.explicitHashKeys;
  if (hashKeys !== undefined) {
    if (checkCount(hashKeys, 'explicitHashKeys', 0) !== count) {
      throw new InvalidArgumentError(`explicitHashKeys.count is ${hashKeys.count}, expected ${count}`);
    }
    validateHashKeys(hashKeys, count);
  }
  const dataOffsets = input.dataOffsets;
  if (!(input.data instanceof Uint8Array))
    throw new InvalidArgumentError(`data must be a Uint8Array, got ${describeValue(input.data)}`);
  if (!(dataOffsets instanceof Uint32Array) || dataOffsets.length < count + 1) {
    throw new InvalidArgumentError(`dataOffsets must be a Uint32Array of count + 1 = ${count + 1} entries`);
  }

  const keyOffsets = input.partitionKeys.offsets;
  const hashKeyOffsets = hashKeys?.offsets;
  let bound = 20;
  let previous = dataOffsets[0] as number;
  for (let i = 0; i < count; i++) {
    const next = dataOffsets[i + 1] as number;
    const dataLength = next - previous;
    if (dataLength < 0) throw new InvalidArgumentError(`dataOffsets decrease at entry ${i + 1}`);
    previous = next;
    // Record i's key indexes are at most i, so sizing them as i bounds the real varints from above.
    const index = varintLength(i);
    let body = 1 + index + fieldLength(dataLength);
    bound += fieldLength((keyOffsets[i + 1] as number) - (keyOffsets[i] as number));
    if (hashKeyOffsets !== undefined) {
      const hashKeyLength = (hashKeyOffsets[i + 1] as number) - (hashKeyOffsets[i] as number);
      if (hashKeyLength > 0) {
        bound += fieldLength(hashKeyLength);
        body += 1 + index;
      }
    }
    bound += fieldLength(body);
  }
  checkEnd(input.data, previous, 'data');
  return bound;
}

function validateHashKeys(hashKeys: PackedStrings, count: number): void {
  const offsets = checkShape(hashKeys, count, 'explicitHashKeys');
  const bytes = hashKeys.bytes;
  let previous = offsets[0] as number;
  for (let i = 1; i <= count; i++) {
    const next = offsets[i] as number;
    if (next < previous) throw new InvalidArgumentError(`explicitHashKeys.offsets decrease at entry ${i}`);
    if (next > bytes.length) throw new InvalidArgumentError('explicitHashKeys.offsets run past the end of its bytes');
    checkHashKeyDigits(bytes, previous, next, i - 1);
    previous = next;
  }
}

function checkHashKeyDigits(bytes: Uint8Array, start: number, end: number, record: number): void {
  const length = end - start;
  if (length === 0) return;
  for (let p = start; p < end; p++) {
    const c = bytes[p] as number;
    if (c < DIGIT_0 || c > DIGIT_9) {
      throw new InvalidHashKeyError(`explicit hash key of record ${record} must contain only the digits 0-9`);
    }
  }
  if (length > 1 && bytes[start] === DIGIT_0) {
    throw new InvalidHashKeyError(
      `explicit hash key of record ${record} must be canonical decimal, without leading zeros`,
    );
  }
  if (length > MAX_HASH_KEY_DIGITS || (length === MAX_HASH_KEY_DIGITS && aboveMax(bytes, start))) {
    throw new InvalidHashKeyError(`explicit hash key of record ${record} is above 2^128-1`);
  }
}

function aboveMax(bytes: Uint8Array, start: number): boolean {
  for (let k = 0; k < MAX_HASH_KEY_DIGITS; k++) {
    const d = (bytes[start + k] as number) - (MAX_HASH_KEY_ASCII[k] as number);
    if (d !== 0) return d > 0;
  }
  return false;
}

function checkCount(value: { readonly count: number }, name: string, min: number): number {
  if (value === null || typeof value !== 'object') {
    throw new InvalidArgumentError(`${name} must be an object, got ${describeValue(value)}`);
  }
  const count = value.count;
  if (!Number.isInteger(count) || count < min || count > MAX_RECORDS) {
    const what = min === 1 ? 'at least one record' : 'a non-negative integer count';
    throw new InvalidArgumentError(
      `${name}.count must be an integer in ${min}..${MAX_RECORDS} (${what}), got ${String(count)}`,
    );
  }
  return count;
}

function checkShape(packed: PackedStrings, count: number, name: string): Uint32Array {
  if (!(packed.bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(`${name}.bytes must be a Uint8Array, got ${describeValue(packed.bytes)}`);
  }
  const offsets = packed.offsets;
  if (!(offsets instanceof Uint32Array) || offsets.length < count + 1) {
    throw new InvalidArgumentError(`${name}.offsets must be a Uint32Array of count + 1 = ${count + 1} entries`);
  }
  return offsets;
}

function checkEnd(bytes: Uint8Array, end: number, name: string): void {
  if (end > bytes.length) {
    throw new InvalidArgumentError(`${name} offsets end at ${end}, past the ${bytes.length} bytes given`);
  }
}
