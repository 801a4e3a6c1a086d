import type { ConsumerRecord } from '../types.js';

/** One GetRecords answer after de-aggregation, as queued for the handler. */
export interface FetchedBatch {
  readonly records: ConsumerRecord[];
  readonly millisBehindLatest: number;
  /** No next iterator: the shard is closed and fully read. */
  readonly isAtShardEnd: boolean;
  readonly childShardIds: readonly string[];
  /** Bytes of Kinesis record data in this batch (for the prefetch bound and DataBytesProcessed). */
  readonly bytes: number;
  /** Aggregates dropped because a sub-record lay outside this shard's hash range. */
  readonly droppedAggregates: number;
}
