import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { MAX_HASH_KEY } from './hash-key.js';

/** An inclusive range of 128-bit hash keys, as a shard owns it. */
export interface HashKeyRange {
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
}

/** Most shards one stream may have; also bounds the split below. */
const MAX_SPLIT = 100_000;

/**
 * Splits 0..2^128-1 into `count` ranges exactly as Kinesis does at CreateStream: each shard takes
 * floor(2^128 / count) keys, and the last one also takes the remainder, ending at 2^128-1.
 */
export function splitHashKeyRange(count: number): HashKeyRange[] {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SPLIT) {
    throw new InvalidArgumentError(`shard count must be an integer in 1..${MAX_SPLIT}, got ${String(count)}`);
  }
  const step = (MAX_HASH_KEY + 1n) / BigInt(count);
  const ranges: HashKeyRange[] = [];
  for (let i = 0; i < count; i++) {
    const start = step * BigInt(i);
    const end = i === count - 1 ? MAX_HASH_KEY : start + step - 1n;
    ranges.push({ startingHashKey: start, endingHashKey: end });
  }
  return ranges;
}

/** True when `hashKey` lies inside `range` (both ends inclusive). */
export function rangeContains(range: HashKeyRange, hashKey: bigint): boolean {
  return hashKey >= range.startingHashKey && hashKey <= range.endingHashKey;
}
