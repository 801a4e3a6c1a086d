/** Per-shard figures of one worker. */
export interface ShardMetrics {
  MillisBehindLatest: number;
  RecordsProcessed: number;
  DataBytesProcessed: number;
  /** The last checkpoint this worker wrote for the shard (sequence number or sentinel). */
  checkpoint: string | undefined;
}

/** A snapshot of one worker's metrics, with the KCL's metric names. */
export interface ConsumerMetrics {
  /** Largest MillisBehindLatest over the shards this worker owns (0 with none). */
  MillisBehindLatest: number;
  RecordsProcessed: number;
  DataBytesProcessed: number;
  CurrentLeases: number;
  LostLeases: number;
  TakenLeases: number;
  ExpiredLeases: number;
  NumWorkers: number;
  TotalLeases: number;
  /** Successful lease renewals so far. */
  RenewLease: number;
  /** Renewals that failed with an error (not a loss) and will be retried. */
  FailedRenewLease: number;
  /** Aggregates dropped whole because a sub-record was outside the shard's hash range. */
  DroppedAggregates: number;
  HandlerErrors: number;
  /** DynamoDB requests sent for leasing and checkpoints, retries included. */
  DynamoDbCalls: number;
  shards: Record<string, ShardMetrics>;
}
