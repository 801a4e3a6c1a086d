import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { InvalidConfigError } from '@shardline/core';
import type { HandlerErrorPolicy, Logger } from '../types.js';
import type { InitialPosition, KinesisConsumerOptions } from './consumer-options.js';
import { DEFAULTS } from './defaults.js';

export interface ResolvedHandlerErrorPolicy {
  readonly policy: 'retry' | 'stop';
  readonly maxRetries: number;
  readonly initialBackoffMillis: number;
  readonly maxBackoffMillis: number;
}

/** The validated, frozen configuration a consumer runs with. */
export interface ConsumerConfig {
  readonly streamName: string;
  readonly applicationName: string;
  readonly leaseTableName: string;
  readonly workerRegistryTableName: string;
  readonly workerId: string;
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly dynamoDbEndpoint: string | undefined;
  readonly embeddedDynamoDb: false | { readonly dataDir: string | undefined };
  readonly initialPosition: InitialPosition;
  readonly failoverTimeMillis: number;
  readonly epsilonMillis: number;
  readonly leaseRenewalIntervalMillis: number;
  readonly leaseTakerIntervalMillis: number;
  readonly maxLeasesForWorker: number;
  readonly maxLeasesToStealAtOneTime: number;
  readonly shardSyncIntervalMillis: number;
  readonly leaseAuditIntervalMillis: number;
  readonly leaseAuditHoleThreshold: number;
  readonly parentShardPollIntervalMillis: number;
  readonly getRecordsProtocol: 'cbor' | 'json';
  readonly maxRecords: number;
  readonly idleTimeBetweenReadsMillis: number;
  readonly minTimeBetweenReadsMillis: number;
  readonly maxPrefetchBatches: number;
  readonly maxPrefetchBytes: number;
  readonly maxPrefetchRecords: number;
  readonly maxBatchRecords: number;
  readonly readBackoffBaseMillis: number;
  readonly readBackoffMaxMillis: number;
  readonly leaseWriteRetries: number;
  readonly leaseWriteBackoffBaseMillis: number;
  readonly autoCheckpoint: boolean;
  readonly autoCheckpointIntervalMillis: number;
  readonly handlerErrorPolicy: ResolvedHandlerErrorPolicy;
  readonly metricsIntervalMillis: number;
  readonly shutdownTimeoutMillis: number;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** True for endpoints on this machine: the only place an embedded lease store may be used. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  host = host.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function integer(
  options: KinesisConsumerOptions,
  name: keyof typeof DEFAULTS & keyof KinesisConsumerOptions,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = options[name] ?? DEFAULTS[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidConfigError(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function resolveEndpoint(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidConfigError(`${name} must be a URL string`);
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new InvalidConfigError(`${name} must be an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

function resolveInitialPosition(value: InitialPosition | undefined): InitialPosition {
  if (value === undefined) return DEFAULTS.initialPosition;
  if (value === 'TRIM_HORIZON' || value === 'LATEST') return value;
  if (
    typeof value === 'object' &&
    value !== null &&
    value.timestamp instanceof Date &&
    !Number.isNaN(value.timestamp.getTime())
  ) {
    return Object.freeze({ timestamp: new Date(value.timestamp.getTime()) });
  }
  throw new InvalidConfigError(`initialPosition must be 'TRIM_HORIZON', 'LATEST' or { timestamp: Date }`);
}

function resolvePolicy(value: 'retry' | 'stop' | HandlerErrorPolicy | undefined): ResolvedHandlerErrorPolicy {
  const defaults = DEFAULTS.handlerErrorPolicy;
  const given: HandlerErrorPolicy =
    value === undefined ? defaults : typeof value === 'string' ? { policy: value } : value;
  if (given.policy !== 'retry' && given.policy !== 'stop') {
    throw new InvalidConfigError(`handlerErrorPolicy.policy must be 'retry' or 'stop', got ${String(given.policy)}`);
  }
  const maxRetries = given.maxRetries ?? defaults.maxRetries;
  if (!(maxRetries === Number.POSITIVE_INFINITY || (Number.isInteger(maxRetries) && maxRetries >= 0))) {
    throw new InvalidConfigError('handlerErrorPolicy.maxRetries must be a non-negative integer or Infinity');
  }
  const initialBackoffMillis = given.initialBackoffMillis ?? defaults.initialBackoffMillis;
  const maxBackoffMillis = given.maxBackoffMillis ?? defaults.maxBackoffMillis;
  if (!Number.isInteger(initialBackoffMillis) || initialBackoffMillis < 0) {
    throw new InvalidConfigError('handlerErrorPolicy.initialBackoffMillis must be a non-negative integer');
  }
  if (!Number.isInteger(maxBackoffMillis) || maxBackoffMillis < initialBackoffMillis) {
    throw new InvalidConfigError('handlerErrorPolicy.maxBackoffMillis must be an integer ≥ initialBackoffMillis');
  }
  return Object.freeze({ policy: given.policy, maxRetries, initialBackoffMillis, maxBackoffMillis });
}

function assertLogger(logger: Logger | undefined): void {
  if (logger === undefined) return;
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof logger[level] !== 'function') throw new InvalidConfigError(`logger.${level} must be a function`);
  }
}

/** Validates options once, at construction; every problem names the option. */
export function resolveConfig(options: KinesisConsumerOptions): ConsumerConfig {
  if (typeof options !== 'object' || options === null) throw new InvalidConfigError('options must be an object');
  if (typeof options.streamName !== 'string' || !STREAM_NAME.test(options.streamName)) {
    throw new InvalidConfigError(
      `streamName must be 1-128 characters of [a-zA-Z0-9_.-], got ${JSON.stringify(options.streamName)}`,
    );
  }
  if (typeof options.applicationName !== 'string' || options.applicationName.length === 0) {
    throw new InvalidConfigError('applicationName must be a non-empty string');
  }
  const leaseTableName = options.leaseTableName ?? options.applicationName;
  if (!TABLE_NAME.test(leaseTableName)) {
    throw new InvalidConfigError(
      `leaseTableName (default: applicationName) must be 3-255 characters of [a-zA-Z0-9_.-], got ${JSON.stringify(leaseTableName)}`,
    );
  }
  const workerRegistryTableName =
    options.workerRegistryTableName ?? DEFAULTS.workerRegistryTableName ?? `${leaseTableName}-workers`;
  if (!TABLE_NAME.test(workerRegistryTableName) || workerRegistryTableName === leaseTableName) {
    throw new InvalidConfigError(
      `workerRegistryTableName (default: <leaseTableName>-workers) must be 3-255 characters of [a-zA-Z0-9_.-] and differ from leaseTableName, got ${JSON.stringify(workerRegistryTableName)}`,
    );
  }
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID()}`;
  if (typeof workerId !== 'string' || workerId.length === 0 || workerId.length > 1024) {
    throw new InvalidConfigError('workerId must be a non-empty string of at most 1024 characters');
  }
  const region = options.region ?? DEFAULTS.region;
  if (typeof region !== 'string' || region.length === 0)
    throw new InvalidConfigError('region must be a non-empty string');
  const endpoint = resolveEndpoint('endpoint', options.endpoint);
  const dynamoDbEndpoint = resolveEndpoint('dynamoDbEndpoint', options.dynamoDbEndpoint);
  const localKinesis = endpoint !== undefined && isLoopbackEndpoint(endpoint);
  const embeddedOption = options.embeddedDynamoDb ?? 'auto';
  let embeddedDynamoDb: ConsumerConfig['embeddedDynamoDb'] = false;
  if (embeddedOption === 'auto') {
    if (dynamoDbEndpoint === undefined && options.dynamoDbClient === undefined && localKinesis)
      embeddedDynamoDb = { dataDir: undefined };
  } else if (embeddedOption !== false) {
    if (embeddedOption !== true && (typeof embeddedOption !== 'object' || embeddedOption === null)) {
      throw new InvalidConfigError(`embeddedDynamoDb must be 'auto', a boolean or { dataDir }`);
    }
    if (!localKinesis) {
      throw new InvalidConfigError(
        'embeddedDynamoDb is only allowed with a loopback Kinesis endpoint; against AWS Kinesis set dynamoDbEndpoint or use DynamoDB',
      );
    }
    if (dynamoDbEndpoint !== undefined)
      throw new InvalidConfigError('embeddedDynamoDb and dynamoDbEndpoint are mutually exclusive');
    const dataDir = embeddedOption === true ? undefined : embeddedOption.dataDir;
    if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.length === 0)) {
      throw new InvalidConfigError('embeddedDynamoDb.dataDir must be a non-empty path');
    }
    embeddedDynamoDb = { dataDir };
  }
  assertLogger(options.logger);
  const failoverTimeMillis = integer(options, 'failoverTimeMillis', 100);
  const epsilonMillis = integer(options, 'epsilonMillis', 0);
  const renewal = options.leaseRenewalIntervalMillis ?? Math.floor(failoverTimeMillis / 3) - epsilonMillis;
  if (!Number.isInteger(renewal) || renewal < 10 || renewal >= failoverTimeMillis) {
    throw new InvalidConfigError(
      `leaseRenewalIntervalMillis must be an integer in 10..failoverTimeMillis-1, got ${String(renewal)}`,
    );
  }
  const autoCheckpoint = options.autoCheckpoint ?? DEFAULTS.autoCheckpoint;
  if (typeof autoCheckpoint !== 'boolean') throw new InvalidConfigError('autoCheckpoint must be a boolean');
  const maxBackoff = integer(options, 'readBackoffMaxMillis', 1);
  const getRecordsProtocol =
    options.getRecordsProtocol ??
    DEFAULTS.getRecordsProtocol ??
    (options.kinesisClient === undefined ? 'cbor' : 'json');
  if (getRecordsProtocol !== 'cbor' && getRecordsProtocol !== 'json') {
    throw new InvalidConfigError(`getRecordsProtocol must be 'cbor' or 'json', got ${String(getRecordsProtocol)}`);
  }
  const config: ConsumerConfig = {
    streamName: options.streamName,
    applicationName: options.applicationName,
    leaseTableName,
    workerRegistryTableName,
    workerId,
    region,
    endpoint,
    dynamoDbEndpoint,
    embeddedDynamoDb,
    initialPosition: resolveInitialPosition(options.initialPosition),
    failoverTimeMillis,
    epsilonMillis,
    leaseRenewalIntervalMillis: renewal,
    leaseTakerIntervalMillis: integer(options, 'leaseTakerIntervalMillis', 10),
    maxLeasesForWorker: integer(options, 'maxLeasesForWorker', 1),
    maxLeasesToStealAtOneTime: integer(options, 'maxLeasesToStealAtOneTime', 0),
    shardSyncIntervalMillis: integer(options, 'shardSyncIntervalMillis', 100),
    leaseAuditIntervalMillis: integer(options, 'leaseAuditIntervalMillis', 10),
    leaseAuditHoleThreshold: integer(options, 'leaseAuditHoleThreshold', 1),
    parentShardPollIntervalMillis: integer(options, 'parentShardPollIntervalMillis', 10),
    getRecordsProtocol,
    maxRecords: integer(options, 'maxRecords', 1, 10_000),
    idleTimeBetweenReadsMillis: integer(options, 'idleTimeBetweenReadsMillis', 0),
    minTimeBetweenReadsMillis: integer(options, 'minTimeBetweenReadsMillis', 0),
    maxPrefetchBatches: integer(options, 'maxPrefetchBatches', 1),
    maxPrefetchBytes: integer(options, 'maxPrefetchBytes', 1),
    maxPrefetchRecords: integer(options, 'maxPrefetchRecords', 1),
    maxBatchRecords: integer(options, 'maxBatchRecords', 1),
    readBackoffBaseMillis: integer(options, 'readBackoffBaseMillis', 1, maxBackoff),
    readBackoffMaxMillis: maxBackoff,
    leaseWriteRetries: integer(options, 'leaseWriteRetries', 0, 100),
    leaseWriteBackoffBaseMillis: integer(options, 'leaseWriteBackoffBaseMillis', 1),
    autoCheckpoint,
    autoCheckpointIntervalMillis: integer(options, 'autoCheckpointIntervalMillis', 0),
    handlerErrorPolicy: resolvePolicy(options.handlerErrorPolicy),
    metricsIntervalMillis: integer(options, 'metricsIntervalMillis', 10),
    shutdownTimeoutMillis: integer(options, 'shutdownTimeoutMillis', 0),
  };
  return Object.freeze(config);
}
