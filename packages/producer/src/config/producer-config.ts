/** Static AWS credentials. */
export interface ProducerCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly expiration?: Date | undefined;
}

/** Returns credentials; called before each signature, so it should cache (the default chain does). */
export type CredentialsProvider = () => Promise<ProducerCredentials>;

/** A pino-compatible logger; the producer is silent without one. */
export interface ProducerLogger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** Options of `new KinesisProducer(config)`; every field is optional (see DEFAULTS). */
export interface ProducerConfig {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: ProducerCredentials | CredentialsProvider;
  readonly aggregationEnabled?: boolean;
  readonly aggregationMaxCount?: number;
  readonly aggregationMaxSize?: number;
  readonly collectionMaxCount?: number;
  readonly collectionMaxSize?: number;
  readonly recordMaxBufferedTime?: number;
  readonly recordTtl?: number;
  readonly rateLimit?: number;
  readonly failIfThrottled?: boolean;
  readonly maxConnections?: number;
  readonly minRequestsInFlight?: number;
  readonly requestTimeout?: number;
  readonly maxRecordSize?: number;
  readonly maxBufferedBytes?: number;
  readonly maxBufferedRecords?: number;
  readonly whenFull?: 'wait' | 'fail';
  readonly ordered?: boolean;
  /** Wire format of PutRecords: JSON 1.1 (base64 data) or CBOR 1.1 (raw byte strings, smaller bodies). */
  readonly protocol?: 'json' | 'cbor';
  /** Where PutRecords bodies are encoded, signed and sent: a worker thread, or the thread calling put(). */
  readonly sendThread?: 'worker' | 'main';
  /** With sendThread 'worker': worker threads sharing the PutRecords (each takes the next request when least busy). */
  readonly sendWorkers?: number;
  readonly retryInitialBackoff?: number;
  readonly retryMaxBackoff?: number;
  readonly shardMapRefreshInterval?: number;
  readonly metricsInterval?: number;
  readonly logger?: ProducerLogger;
}

/** The validated, frozen configuration a producer runs with (`producer.config`). */
export interface ResolvedProducerConfig {
  readonly region: string;
  readonly endpoint: string;
  readonly aggregationEnabled: boolean;
  readonly aggregationMaxCount: number;
  readonly aggregationMaxSize: number;
  readonly collectionMaxCount: number;
  readonly collectionMaxSize: number;
  readonly recordMaxBufferedTime: number;
  readonly recordTtl: number;
  readonly rateLimit: number;
  readonly failIfThrottled: boolean;
  readonly maxConnections: number;
  readonly minRequestsInFlight: number;
  readonly requestTimeout: number;
  readonly maxRecordSize: number;
  readonly maxBufferedBytes: number;
  readonly maxBufferedRecords: number;
  readonly whenFull: 'wait' | 'fail';
  readonly ordered: boolean;
  readonly protocol: 'json' | 'cbor';
  readonly sendThread: 'worker' | 'main';
  readonly sendWorkers: number;
  readonly retryInitialBackoff: number;
  readonly retryMaxBackoff: number;
  readonly shardMapRefreshInterval: number;
  readonly metricsInterval: number;
}
