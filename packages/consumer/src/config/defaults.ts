/**
 * Every default of KinesisConsumer, in one table. Names follow the KCL's configuration where one exists.
 * The intervals are shorter than the KCL 2.x ones on purpose: the lease taker runs every ~1.5 s, so a
 * killed worker's shards move after failoverTimeMillis + one taker cycle (≈ 12 s at defaults, KCL ≈ 40 s)
 * and released leases after a graceful shutdown move within one cycle.
 */
export const DEFAULTS = Object.freeze({
  region: 'us-east-1',
  /** Worker registry table; `null` means `<leaseTableName>-workers`. */
  workerRegistryTableName: null as string | null,
  initialPosition: 'LATEST' as 'TRIM_HORIZON' | 'LATEST',
  /** A lease not renewed for this long (by the observer's own clock) may be taken by another worker. */
  failoverTimeMillis: 10_000,
  /** Subtracted from renewal periods so a renewal lands before the failover time runs out. */
  epsilonMillis: 25,
  /** Renewal period; `null` means failoverTimeMillis / 3 - epsilonMillis (3 308 ms at defaults). */
  leaseRenewalIntervalMillis: null as number | null,
  /** Lease taker (scan, take, steal) period; each run is jittered by ±20%. */
  leaseTakerIntervalMillis: 1_500,
  maxLeasesForWorker: Number.MAX_SAFE_INTEGER,
  maxLeasesToStealAtOneTime: 1,
  /** Period of the elected worker's full ListShards sync, lease cleanup and hash-range audit. */
  shardSyncIntervalMillis: 60_000,
  /** The hash-range audit runs on each taker scan once per this period; a hole seen this many times triggers a sync. */
  leaseAuditIntervalMillis: 10_000,
  leaseAuditHoleThreshold: 3,
  /** How often a child shard re-checks whether its parents reached SHARD_END. */
  parentShardPollIntervalMillis: 500,
  /**
   * Wire protocol of GetRecords. 'cbor': CBOR 1.1 on a dedicated keep-alive connection pool, signed with the
   * Kinesis client's own region, endpoint and credentials (record data arrives as bytes, not base64, and is
   * handed over without a copy). 'json': JSON 1.1 through the Kinesis client itself (its middleware sees
   * every call). `null` means 'cbor' when the consumer creates its Kinesis client and 'json' for an injected
   * `kinesisClient`. Every other operation always goes through the Kinesis client.
   */
  getRecordsProtocol: null as 'cbor' | 'json' | null,
  /** GetRecords Limit (the Kinesis maximum is 10 000). */
  maxRecords: 10_000,
  /** Wait after a GetRecords call that returned no records. */
  idleTimeBetweenReadsMillis: 1_000,
  /** Minimum spacing between GetRecords calls on one shard; 200 ms keeps to the Kinesis limit of 5 reads/s. */
  minTimeBetweenReadsMillis: 200,
  /**
   * Prefetch bounds per shard: fetched but not yet handled answers, their record data bytes and their
   * Kinesis records (an aggregate counts once: its user records are only built when the batch is handed over).
   */
  maxPrefetchBatches: 4,
  maxPrefetchBytes: 8 * 1024 * 1024,
  maxPrefetchRecords: 30_000,
  /**
   * Most user records handed to the handler in one call (eachBatch, processRecords). A GetRecords answer
   * with more, after de-aggregation, is handed over in consecutive batches in order; the KCL hands the
   * whole answer at once, which with aggregation can be hundreds of thousands of records. A batch this
   * size is built and handled while it is still in the CPU caches and dies young.
   */
  maxBatchRecords: 1_000,
  /** Exponential backoff with full jitter after throttling or errors from Kinesis. */
  readBackoffBaseMillis: 100,
  readBackoffMaxMillis: 5_000,
  /** Retries of a DynamoDB write that failed with a retriable error, before the cycle gives up. */
  leaseWriteRetries: 4,
  leaseWriteBackoffBaseMillis: 50,
  /** With run(): checkpoint automatically after handled batches, at most once per interval, and always at shard end and shutdown. */
  autoCheckpoint: true,
  autoCheckpointIntervalMillis: 5_000,
  handlerErrorPolicy: Object.freeze({
    policy: 'retry' as 'retry' | 'stop',
    maxRetries: Number.POSITIVE_INFINITY,
    initialBackoffMillis: 200,
    maxBackoffMillis: 30_000,
  }),
  /** Period of the 'metrics' event. */
  metricsIntervalMillis: 10_000,
  /** Upper bound on waiting for in-flight batches during close(). */
  shutdownTimeoutMillis: 30_000,
});
