/** One user record, de-aggregated when it came inside a KPL aggregate. */
export interface ConsumerRecord {
  readonly partitionKey: string;
  readonly data: Buffer;
  readonly sequenceNumber: string;
  /** Index inside the aggregate it came in; 0 for a record that was not aggregated. */
  readonly subSequenceNumber: number;
  readonly explicitHashKey?: string;
  readonly approximateArrivalTimestamp: Date;
  readonly shardId: string;
}

/** A position in a shard: a sequence number (digits) plus sub-sequence, or a sentinel. */
export interface ExtendedSequenceNumber {
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number;
}

export interface PreparedCheckpointer {
  readonly pendingCheckpoint: ExtendedSequenceNumber;
  /** Commits the prepared checkpoint. */
  checkpoint(): Promise<void>;
}

export interface Checkpointer {
  /**
   * Without arguments: the last record delivered (SHARD_END inside shardEnded). With a sequence number
   * (and sub-sequence, default 0) or a record: exactly that position. Never backwards, never beyond
   * what was delivered; rejects with LeaseLostError when the lease is no longer held.
   */
  checkpoint(sequenceNumber?: string | ConsumerRecord, subSequenceNumber?: number): Promise<void>;
  /** Writes only the pending checkpoint fields (two-phase); the next owner sees them in initialize(). */
  prepareCheckpoint(
    sequenceNumber?: string | ConsumerRecord,
    subSequenceNumber?: number,
    applicationState?: Uint8Array,
  ): Promise<PreparedCheckpointer>;
  /** The checkpoint stored in the lease table for this shard. */
  readonly lastCheckpoint: ExtendedSequenceNumber;
}

export interface InitializationInput {
  readonly shardId: string;
  readonly extendedSequenceNumber: ExtendedSequenceNumber;
  readonly pendingCheckpointSequenceNumber?: ExtendedSequenceNumber;
  readonly pendingCheckpointState?: Buffer;
}

export interface ProcessRecordsInput {
  readonly shardId: string;
  readonly records: readonly ConsumerRecord[];
  readonly checkpointer: Checkpointer;
  readonly millisBehindLatest: number;
  readonly isAtShardEnd: boolean;
  /** Aborted as soon as the worker can no longer prove it owns the lease. */
  readonly signal: AbortSignal;
}

/** The KCL's ShardRecordProcessor, as promises. One instance per shard tenure. */
export interface KclStyleProcessor {
  initialize?(input: InitializationInput): void | Promise<void>;
  processRecords(input: ProcessRecordsInput): void | Promise<void>;
  /** The lease was taken or expired; must not checkpoint. */
  leaseLost?(input: { shardId: string }): void | Promise<void>;
  /** The shard is finished; must call checkpointer.checkpoint() so its children may start. */
  shardEnded?(input: { shardId: string; checkpointer: Checkpointer }): void | Promise<void>;
  /** The worker is shutting down gracefully; may checkpoint before the lease is released. */
  shutdownRequested?(input: { shardId: string; checkpointer: Checkpointer }): void | Promise<void>;
}

export interface BatchContext {
  readonly shardId: string;
  readonly records: readonly ConsumerRecord[];
  /** Checkpoint now: no argument = the last record of this batch, or a given record / sequence number. */
  checkpoint(sequenceNumber?: string | ConsumerRecord, subSequenceNumber?: number): Promise<void>;
  readonly signal: AbortSignal;
  readonly millisBehindLatest: number;
  readonly isAtShardEnd: boolean;
}

export type EachBatchHandler = (batch: BatchContext) => Promise<void> | void;
export type EachRecordHandler = (record: ConsumerRecord, context: BatchContext) => Promise<void> | void;

export interface RunOptions {
  readonly eachBatch?: EachBatchHandler;
  readonly eachRecord?: EachRecordHandler;
  readonly processorFactory?: () => KclStyleProcessor;
}

/** What to do when a handler throws. Never a silent skip. */
export interface HandlerErrorPolicy {
  /** 'retry': the same batch again after a backoff; 'stop': stop the shard, release its lease, surface the error. */
  readonly policy: 'retry' | 'stop';
  /** With 'retry': after this many failed retries the shard stops as with 'stop'. */
  readonly maxRetries?: number;
  readonly initialBackoffMillis?: number;
  readonly maxBackoffMillis?: number;
}

export interface Logger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** A monotonic clock in milliseconds; injectable so lease expiry can be tested without waiting. */
export interface Clock {
  now(): number;
}
