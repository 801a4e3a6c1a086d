import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Clock, HandlerErrorPolicy, Logger } from '../types.js';

export interface ConsumerCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export type InitialPosition = 'TRIM_HORIZON' | 'LATEST' | { readonly timestamp: Date };

/** Options of KinesisConsumer; defaults are in DEFAULTS (config/defaults.ts) and the package README. */
export interface KinesisConsumerOptions {
  readonly streamName: string;
  /** Names the lease table (unless leaseTableName is given) and identifies the consumer fleet. */
  readonly applicationName: string;
  readonly region?: string;
  /** Kinesis endpoint, e.g. http://127.0.0.1:4567 for the reference broker. */
  readonly endpoint?: string;
  readonly credentials?: ConsumerCredentials;
  readonly dynamoDbEndpoint?: string;
  /**
   * Start an in-process DynamoDB-compatible server (dynalite) on loopback for the lease table.
   * 'auto' (default): only when no dynamoDbEndpoint is set and the Kinesis endpoint is loopback.
   * An object may give a data directory to persist leases; in memory otherwise.
   */
  readonly embeddedDynamoDb?: 'auto' | boolean | { readonly dataDir?: string };
  readonly leaseTableName?: string;
  /** DynamoDB table where workers announce themselves (default `<leaseTableName>-workers`). */
  readonly workerRegistryTableName?: string;
  readonly workerId?: string;
  readonly initialPosition?: InitialPosition;
  readonly failoverTimeMillis?: number;
  readonly epsilonMillis?: number;
  readonly leaseRenewalIntervalMillis?: number;
  readonly leaseTakerIntervalMillis?: number;
  readonly maxLeasesForWorker?: number;
  readonly maxLeasesToStealAtOneTime?: number;
  readonly shardSyncIntervalMillis?: number;
  readonly leaseAuditIntervalMillis?: number;
  readonly leaseAuditHoleThreshold?: number;
  readonly parentShardPollIntervalMillis?: number;
  /** 'cbor' or 'json'; see DEFAULTS.getRecordsProtocol. */
  readonly getRecordsProtocol?: 'cbor' | 'json';
  readonly maxRecords?: number;
  readonly idleTimeBetweenReadsMillis?: number;
  readonly minTimeBetweenReadsMillis?: number;
  readonly maxPrefetchBatches?: number;
  readonly maxPrefetchBytes?: number;
  readonly maxPrefetchRecords?: number;
  readonly maxBatchRecords?: number;
  readonly readBackoffBaseMillis?: number;
  readonly readBackoffMaxMillis?: number;
  readonly leaseWriteRetries?: number;
  readonly leaseWriteBackoffBaseMillis?: number;
  readonly autoCheckpoint?: boolean;
  readonly autoCheckpointIntervalMillis?: number;
  readonly handlerErrorPolicy?: 'retry' | 'stop' | HandlerErrorPolicy;
  readonly metricsIntervalMillis?: number;
  readonly shutdownTimeoutMillis?: number;
  readonly logger?: Logger;
  /** Injected clients (tests, custom middleware). When given, endpoint/region/credentials are not used for that client. */
  readonly kinesisClient?: KinesisClient;
  readonly dynamoDbClient?: DynamoDBClient;
  /** Monotonic clock for lease expiry (tests). */
  readonly clock?: Clock;
}
