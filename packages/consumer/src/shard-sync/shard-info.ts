import type { HashKeyRange } from '@shardline/core';

/** What ListShards says about one shard. */
export interface ShardInfo {
  readonly shardId: string;
  /** Parent after a split, first parent after a merge. */
  readonly parentShardIds: readonly string[];
  readonly hashKeyRange: HashKeyRange;
  /** True when the shard has an ending sequence number (split, merged or otherwise closed). */
  readonly closed: boolean;
}
