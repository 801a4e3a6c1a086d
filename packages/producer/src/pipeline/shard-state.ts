import { AggregateBuilder } from './aggregate-builder.js';
import type { KinesisRecord } from './kinesis-record.js';
import type { ShardDescription } from './shard-map.js';
import type { ShardRateLimiter } from './shard-rate-limiter.js';

/** Everything the pipeline keeps for one predicted shard. */
export class ShardState {
  readonly shardId: string;
  readonly description: ShardDescription;
  /** Position in the current shard map; -1 once the shard left the map. */
  index: number;
  readonly builder = new AggregateBuilder();
  /** Kinesis records waiting for rate-limit tokens, oldest first (retries are put in front). */
  queue: KinesisRecord[] = [];
  readonly limiter: ShardRateLimiter;
  /** Ordered mode: a Kinesis record of this shard is in flight or waiting to be retried. */
  busy = false;

  constructor(description: ShardDescription, index: number, limiter: ShardRateLimiter) {
    this.shardId = description.shardId;
    this.description = description;
    this.index = index;
    this.limiter = limiter;
  }
}
