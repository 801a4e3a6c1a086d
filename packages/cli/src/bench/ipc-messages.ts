/*
 * Messages between the orchestrator and its child processes (fork with `serialization: 'advanced'`, so
 * Uint8Array payloads travel as raw bytes). Per-record traffic is packed: 4 bytes per index, no JSON.
 */

/** Where and how to connect; the same for the producer and every worker. */
export interface ConnectionConfig {
  readonly endpoint: string;
  readonly region: string;
  /** Static credentials for the embedded services; null means the standard AWS credential chain. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
  readonly streamName: string;
}

export interface ProducerStartConfig extends ConnectionConfig {
  readonly producerId: number;
  readonly records: number;
  readonly recordSize: number;
  readonly rate: number | 'max';
  readonly durationSeconds: number | null;
  readonly aggregation: boolean;
  readonly partitionKeys: {
    readonly distribution: 'uniform' | 'zipf';
    readonly count: number;
    readonly exponent: number;
  };
  readonly maxOutstanding: number;
  /** The producer's RateLimit (percent of the per-shard limits), or null for its default. */
  readonly rateLimit: number | null;
  readonly recordMaxBufferedTime: number | null;
  readonly protocol: 'cbor' | 'json';
  /** Monotonic ns: puts intended before this are warm-up (their latency is reported apart). */
  readonly warmupUntilNs: number;
}

export interface WorkerStartConfig extends ConnectionConfig {
  readonly worker: number;
  readonly producerId: number;
  readonly applicationName: string;
  readonly dynamoDbEndpoint: string | null;
  readonly failoverMs: number;
  readonly injectFaults: { readonly drop: readonly number[]; readonly corrupt: readonly number[] };
  readonly idleTimeBetweenReads: number | null;
  readonly minTimeBetweenReads: number | null;
  readonly protocol: 'cbor' | 'json';
}

export type ParentMessage =
  | { readonly type: 'start'; readonly config: ProducerStartConfig | WorkerStartConfig }
  /** Producer: stop issuing puts, settle what is outstanding. Worker: shut down gracefully. */
  | { readonly type: 'stop' }
  /** Worker, before the producer starts: records put before `untilNs` (monotonic ns) are warm-up. */
  | { readonly type: 'warmup'; readonly untilNs: number };

/** Counters the producer reports about once a second. */
export interface ProducerStats {
  readonly produced: number;
  readonly producedBytes: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly failuresByCode: Readonly<Record<string, number>>;
  /** Compressed HdrHistogram of put-to-ack microseconds since the previous stats message. */
  readonly putToAck: string;
  /** The same for puts intended before the warm-up ended. */
  readonly putToAckWarmup: string;
  /** The producer's own metrics snapshot (KPL names), passed through as reported. */
  readonly metrics: unknown;
  /** Per-shard acknowledged user records and bytes, cumulative. */
  readonly shards: Readonly<Record<string, { readonly records: number; readonly bytes: number }>>;
  /** Monotonic ns of the first put, and of the latest put and ack (0 until they happen). */
  readonly firstPutNs: number;
  readonly lastPutNs: number;
  readonly lastAckNs: number;
  /** CPU time (user + system) of the producer process so far, in microseconds. */
  readonly cpuMicros: number;
}

export type ProducerMessage =
  | { readonly type: 'ready' }
  /** Packed little-endian u32 indexes of acknowledged puts. */
  | { readonly type: 'acked'; readonly indexes: Uint8Array; readonly produced: number }
  | ({ readonly type: 'stats' } & ProducerStats)
  | ({ readonly type: 'done' } & ProducerStats)
  | { readonly type: 'fatal'; readonly message: string };

export interface WorkerStatus {
  readonly shards: readonly string[];
  /** Highest MillisBehindLatest of the batches since the last status, or null without batches. */
  readonly lagMs: number | null;
  readonly delivered: number;
  /** Intact records of another producer id (an earlier run's data in a reused stream): ignored. */
  readonly foreign: number;
  readonly leasesAcquired: number;
  readonly leasesLost: number;
  /** Compressed HdrHistogram of put-to-process microseconds since the previous status. */
  readonly putToProcess: string;
  /** The same for records put before the warm-up ended. */
  readonly putToProcessWarmup: string;
  /** CPU time (user + system) of the worker process so far, in microseconds. */
  readonly cpuMicros: number;
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  /** Packed little-endian u32 indexes delivered intact, and indexes (or -1) that failed verification. */
  | { readonly type: 'seen'; readonly indexes: Uint8Array; readonly corrupted: readonly number[] }
  | { readonly type: 'lease'; readonly event: 'acquired' | 'lost' | 'ended'; readonly shardId: string }
  | ({ readonly type: 'status' } & WorkerStatus)
  | ({ readonly type: 'stopped' } & WorkerStatus)
  | { readonly type: 'fatal'; readonly message: string };
