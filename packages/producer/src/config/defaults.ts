/**
 * Every producer option's default, in one frozen table. KPL option names in camelCase keep the KPL's
 * defaults; the rest are ours. The README's configuration table is checked against this object by a test.
 */
export const DEFAULTS = Object.freeze({
  /** Region used for signing and for the default endpoint; falls back to AWS_REGION / AWS_DEFAULT_REGION. */
  region: undefined as string | undefined,
  /** Kinesis endpoint URL; defaults to https://kinesis.<region>.amazonaws.com. */
  endpoint: undefined as string | undefined,
  aggregationEnabled: true,
  aggregationMaxCount: 4_294_967_295,
  aggregationMaxSize: 51_200,
  collectionMaxCount: 500,
  collectionMaxSize: 5_242_880,
  recordMaxBufferedTime: 100,
  recordTtl: 30_000,
  rateLimit: 150,
  failIfThrottled: false,
  maxConnections: 24,
  /**
   * While fewer PutRecords requests than this are in flight, collected Kinesis records (finished
   * aggregates, lone records) are sent once they fill an eighth of a request instead of waiting for a
   * full request or for recordMaxBufferedTime; 0 keeps the KPL's fill-or-deadline collection.
   */
  minRequestsInFlight: 4,
  requestTimeout: 6_000,
  /** Largest partition key plus data of one Kinesis record: 1 MiB, or 10 MiB for streams configured so. */
  maxRecordSize: 1_048_576,
  /** Bound on the bytes (partition key + data) of records accepted but not yet settled. */
  maxBufferedBytes: 268_435_456,
  /** Bound on the number of records accepted but not yet settled. */
  maxBufferedRecords: 1_000_000,
  /** What put() does when a bound is reached: wait for room, or reject at once with BufferFullError. */
  whenFull: 'wait' as 'wait' | 'fail',
  /** Per shard, at most one PutRecords in flight and retries before newer records. */
  ordered: false,
  /**
   * PutRecords wire format: 'json' (JSON 1.1, data base64-encoded) or 'cbor' (CBOR 1.1, data as raw byte
   * strings: a quarter smaller, no base64, less to sign). Other calls always use JSON.
   */
  protocol: 'json' as 'json' | 'cbor',
  /**
   * Where PutRecords requests are built and sent. 'worker': a worker thread encodes the aggregates,
   * writes and signs the body and does the HTTP, so the thread calling put() only routes, aggregates
   * (sizing), packs and settles records. 'main': all of it on the calling thread, and no extra thread.
   */
  sendThread: 'worker' as 'worker' | 'main',
  /**
   * With sendThread 'worker': how many worker threads share the PutRecords. Each request goes to the one
   * with the fewest in flight, and each has ceil(maxConnections / sendWorkers) connections.
   */
  sendWorkers: 2,
  /** First retry delay; doubles per attempt, with jitter. */
  retryInitialBackoff: 100,
  /** Cap on the retry delay. */
  retryMaxBackoff: 5_000,
  /** Periodic shard-map refresh; 0 turns the periodic refresh off (unexpected shards still refresh it). */
  shardMapRefreshInterval: 60_000,
  /** Period of the 'metrics' event; 0 turns the event off (metrics() still works). */
  metricsInterval: 60_000,
});

export type Defaults = typeof DEFAULTS;
