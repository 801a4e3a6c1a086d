import { compareHashKeyBytes, hashKeyToBytes } from '@shardline/core';

/** One open shard as ListShards describes it. */
export interface ShardDescription {
  readonly shardId: string;
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
}

/**
 * The open shards of a stream sorted by ending hash key, with the ends packed as 16-byte big-endian
 * keys for the codec's batched lookup.
 */
export class ShardMap {
  readonly shards: readonly ShardDescription[];
  readonly rangeEnds: Uint8Array;
  readonly #starts: Uint8Array;
  readonly #byId: Map<string, number>;

  constructor(shards: readonly ShardDescription[]) {
    const sorted = [...shards].sort((a, b) =>
      a.endingHashKey < b.endingHashKey ? -1 : a.endingHashKey > b.endingHashKey ? 1 : 0,
    );
    this.shards = sorted;
    this.rangeEnds = new Uint8Array(16 * sorted.length);
    this.#starts = new Uint8Array(16 * sorted.length);
    this.#byId = new Map();
    sorted.forEach((shard, i) => {
      hashKeyToBytes(shard.endingHashKey, this.rangeEnds, 16 * i);
      hashKeyToBytes(shard.startingHashKey, this.#starts, 16 * i);
      this.#byId.set(shard.shardId, i);
    });
  }

  get size(): number {
    return this.shards.length;
  }

  indexOf(shardId: string): number | undefined {
    return this.#byId.get(shardId);
  }

  /** Index of the first shard whose range ends at or above the hash; `size` when none does. */
  lookup(hashes: Uint8Array, offset: number): number {
    let low = 0;
    let high = this.shards.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareHashKeyBytes(this.rangeEnds, 16 * mid, hashes, offset) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** True when shard `index`'s range holds the hash key at hashes[offset]. */
  contains(index: number, hashes: Uint8Array, offset: number): boolean {
    return (
      compareHashKeyBytes(this.#starts, 16 * index, hashes, offset) <= 0 &&
      compareHashKeyBytes(this.rangeEnds, 16 * index, hashes, offset) >= 0
    );
  }
}
