export { DEFAULTS } from './config/defaults.js';
export type {
  CredentialsProvider,
  ProducerConfig,
  ProducerCredentials,
  ProducerLogger,
  ResolvedProducerConfig,
} from './config/producer-config.js';
export { BufferFullError, ProducerErrorCodes, RecordExpiredError } from './errors/index.js';
export { METRIC_NAMES, type MetricName, type MetricStat, type MetricsSnapshot } from './metrics/index.js';
export type { PutResult } from './pipeline/user-record.js';
export { KinesisProducer, type ProducerEvents, type PutOptions } from './producer/kinesis-producer.js';
export { producerChannels } from './producer/producer-channels.js';
export type { WritableOptions } from './producer/producer-writable.js';
export type { PutInput } from './producer/validate-put.js';
