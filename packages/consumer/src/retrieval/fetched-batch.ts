import type { ConsumerRecord } from '../types.js';

/**
 * User records for one handler call: consecutive records of one GetRecords answer after de-aggregation,
 * at most maxBatchRecords of them (an answer may take several batches).
 */
export interface FetchedBatch {
  readonly records: ConsumerRecord[];
  readonly millisBehindLatest: number;
  /** No next iterator: the shard is closed and fully read (set on an answer's last batch only). */
  readonly isAtShardEnd: boolean;
  readonly childShardIds: readonly string[];
  /** Bytes of the Kinesis records converted for this batch (for DataBytesProcessed). */
  readonly bytes: number;
  /** Aggregates dropped because a sub-record lay outside this shard's hash range. */
  readonly droppedAggregates: number;
}
