export type { ConsumerCredentials, InitialPosition, KinesisConsumerOptions } from './config/consumer-options.js';
export { DEFAULTS } from './config/defaults.js';
export type { ConsumerConfig, ResolvedHandlerErrorPolicy } from './config/resolve-config.js';
export * from './errors/index.js';
export { KinesisConsumer, type KinesisConsumerEvents } from './kinesis-consumer.js';
export { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from './lease/embedded-dynamodb.js';
export type { Lease } from './lease/lease.js';
export { LEASE_TABLE_ATTRIBUTES } from './lease/lease-codec.js';
export { ConsumerChannelNames } from './observability/consumer-channels.js';
export type { ConsumerMetrics, ShardMetrics } from './observability/consumer-metrics.js';
export type {
  BatchContext,
  Checkpointer,
  Clock,
  ConsumerRecord,
  EachBatchHandler,
  EachRecordHandler,
  ExtendedSequenceNumber,
  HandlerErrorPolicy,
  InitializationInput,
  KclStyleProcessor,
  Logger,
  PreparedCheckpointer,
  ProcessRecordsInput,
  RunOptions,
} from './types.js';
