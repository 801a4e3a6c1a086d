import type { HashKeyRange } from '@shardline/core';
import { MAX_HASH_KEY } from '@shardline/core';

/** The first uncovered hash key of [0, 2^128-1] given these ranges, or undefined when covered. */
export function findHashRangeHole(ranges: readonly HashKeyRange[]): bigint | undefined {
  const sorted = [...ranges].sort((a, b) =>
    a.startingHashKey < b.startingHashKey ? -1 : a.startingHashKey > b.startingHashKey ? 1 : 0,
  );
  let next = 0n;
  for (const range of sorted) {
    if (range.startingHashKey > next) return next;
    if (range.endingHashKey + 1n > next) next = range.endingHashKey + 1n;
    if (next > MAX_HASH_KEY) return undefined;
  }
  return next > MAX_HASH_KEY ? undefined : next;
}
