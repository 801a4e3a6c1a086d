import { EventEmitter } from 'node:events';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { ClosedError, InvalidArgumentError } from '@shardline/core';
import type { KinesisConsumerOptions } from './config/consumer-options.js';
import { type ConsumerConfig, resolveConfig } from './config/resolve-config.js';
import type { HandlerError } from './errors/handler-error.js';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from './lease/embedded-dynamodb.js';
import type { HeldLease } from './lease/held-lease.js';
import type { Lease } from './lease/lease.js';
import { LeaseCoordinator } from './lease/lease-coordinator.js';
import { LeaseTable } from './lease/lease-table.js';
import { WorkerRegistry } from './lease/worker-registry.js';
import { publish } from './observability/consumer-channels.js';
import type { ConsumerMetrics, ShardMetrics } from './observability/consumer-metrics.js';
import { silentLogger } from './observability/silent-logger.js';
import { createRunProcessor } from './processing/run-processor.js';
import { ShardConsumer, type ShardConsumerHost } from './processing/shard-consumer.js';
import { CborGetRecordsSource } from './retrieval/cbor-get-records-source.js';
import type { GetRecordsSource } from './retrieval/get-records-source.js';
import { SdkGetRecordsSource } from './retrieval/sdk-get-records-source.js';
import { ShardSyncer } from './shard-sync/shard-syncer.js';
import type { Clock, ExtendedSequenceNumber, KclStyleProcessor, Logger, RunOptions } from './types.js';
import { createDynamoDbClient, createKinesisClient } from './util/create-clients.js';
import { delay } from './util/delay.js';

/** Floor of the wait between registering and the first take. */
const MIN_DISCOVERY_DELAY_MILLIS = 1_000;

import { systemClock } from './util/system-clock.js';

/** Payloads of the consumer's events. */
export interface KinesisConsumerEvents {
  leaseAcquired: [{ shardId: string; workerId: string; leaseCounter: number }];
  leaseLost: [{ shardId: string; workerId: string; reason: string }];
  leaseReleased: [{ shardId: string; workerId: string }];
  shardEnded: [{ shardId: string; childShardIds: readonly string[] }];
  handlerError: [{ shardId: string; error: HandlerError; attempt: number; willRetry: boolean }];
  checkpoint: [{ shardId: string; sequenceNumber: string; subSequenceNumber: number }];
  metrics: [ConsumerMetrics];
}

type State = 'new' | 'starting' | 'running' | 'closing' | 'closed';

/**
 * A KCL-equivalent worker: shares a stream's shards with every other worker of the same application
 * through a DynamoDB lease table, processes each owned shard in order, checkpoints, follows resharding.
 */
export class KinesisConsumer extends EventEmitter<KinesisConsumerEvents> {
  /** The validated configuration. */
  readonly config: ConsumerConfig;
  readonly #options: KinesisConsumerOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #consumers = new Map<string, ShardConsumer>();
  readonly #running = new Set<Promise<unknown>>();
  readonly #stopped = new Set<string>();
  readonly #shardMetrics = new Map<string, ShardMetrics>();
  readonly #totals = { RecordsProcessed: 0, DataBytesProcessed: 0, DroppedAggregates: 0, HandlerErrors: 0 };
  #state: State = 'new';
  #kinesis: KinesisClient | undefined;
  #getRecords: GetRecordsSource | undefined;
  #dynamo: DynamoDBClient | undefined;
  #ownKinesis = false;
  #ownDynamo = false;
  #embedded: EmbeddedDynamoDb | undefined;
  #table: LeaseTable | undefined;
  #registry: WorkerRegistry | undefined;
  #coordinator: LeaseCoordinator | undefined;
  #syncer: ShardSyncer | undefined;
  #processorFactory: (() => KclStyleProcessor) | undefined;
  #metricsTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: KinesisConsumerOptions) {
    super();
    this.config = resolveConfig(options);
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
  }

  /** The DynamoDB endpoint in use once running (the embedded server's when one was started). */
  get dynamoDbEndpoint(): string | undefined {
    return this.#embedded?.endpoint ?? this.config.dynamoDbEndpoint;
  }

  /**
   * Starts the worker and resolves once it is leasing (table ready, loops running). Give exactly one of
   * eachBatch, eachRecord (both auto-checkpoint unless autoCheckpoint is false) or processorFactory.
   */
  async run(options: RunOptions): Promise<void> {
    if (this.#state !== 'new') throw new ClosedError(`run() can be called once; the consumer is ${this.#state}`);
    const given = [options?.eachBatch, options?.eachRecord, options?.processorFactory].filter((x) => x !== undefined);
    if (given.length !== 1 || given.some((x) => typeof x !== 'function')) {
      throw new InvalidArgumentError(
        'run() needs exactly one function among eachBatch, eachRecord and processorFactory',
      );
    }
    this.#state = 'starting';
    this.#processorFactory =
      options.processorFactory ??
      (() =>
        createRunProcessor({
          eachBatch: options.eachBatch,
          eachRecord: options.eachRecord,
          autoCheckpoint: this.config.autoCheckpoint,
          autoCheckpointIntervalMillis: this.config.autoCheckpointIntervalMillis,
          clock: this.#clock,
          logger: this.#logger,
        }));
    try {
      await this.#start();
    } catch (error) {
      await this.#teardown();
      this.#state = 'closed';
      throw error;
    }
  }

  async #start(): Promise<void> {
    const config = this.config;
    if (this.#options.kinesisClient === undefined) {
      this.#kinesis = createKinesisClient(config.region, config.endpoint, this.#options.credentials);
      this.#ownKinesis = true;
    } else {
      this.#kinesis = this.#options.kinesisClient;
    }
    this.#getRecords =
      config.getRecordsProtocol === 'cbor'
        ? new CborGetRecordsSource(this.#kinesis)
        : new SdkGetRecordsSource(this.#kinesis);
    if (this.#options.dynamoDbClient === undefined) {
      let endpoint = config.dynamoDbEndpoint;
      if (config.embeddedDynamoDb !== false) {
        this.#embedded = await startEmbeddedDynamoDb(config.embeddedDynamoDb.dataDir);
        endpoint = this.#embedded.endpoint;
        this.#logger.info({ endpoint }, 'embedded DynamoDB started for the lease table');
      }
      this.#dynamo = createDynamoDbClient(
        config.region,
        endpoint,
        this.#embedded === undefined ? this.#options.credentials : undefined,
      );
      this.#ownDynamo = true;
    } else {
      this.#dynamo = this.#options.dynamoDbClient;
    }
    const table = new LeaseTable({
      client: this.#dynamo,
      tableName: config.leaseTableName,
      retries: config.leaseWriteRetries,
      backoffBaseMillis: config.leaseWriteBackoffBaseMillis,
      logger: this.#logger,
    });
    this.#table = table;
    const registry = new WorkerRegistry({
      client: this.#dynamo,
      tableName: config.workerRegistryTableName,
      retries: config.leaseWriteRetries,
      backoffBaseMillis: config.leaseWriteBackoffBaseMillis,
      logger: this.#logger,
    });
    this.#registry = registry;
    await table.ensureTable();
    const coordinator = new LeaseCoordinator({
      table,
      workerId: config.workerId,
      clock: this.#clock,
      logger: this.#logger,
      failoverTimeMillis: config.failoverTimeMillis,
      renewalIntervalMillis: config.leaseRenewalIntervalMillis,
      takerIntervalMillis: config.leaseTakerIntervalMillis,
      maxLeasesForWorker: config.maxLeasesForWorker,
      maxLeasesToStealAtOneTime: config.maxLeasesToStealAtOneTime,
      excluded: this.#stopped,
      onAcquired: (held, lease) => this.#onAcquired(held, lease),
      onLost: (shardId, reason) => {
        publish('leaseLost', { shardId, workerId: config.workerId, reason });
        this.emit('leaseLost', { shardId, workerId: config.workerId, reason });
      },
      onScan: (leases) => this.#syncer?.onScan(leases),
      registry,
      // Long enough for siblings started at the same moment to finish creating or finding the tables
      // and register, even with a short taker interval.
      discoveryDelayMillis: Math.max(config.leaseTakerIntervalMillis, MIN_DISCOVERY_DELAY_MILLIS),
    });
    this.#coordinator = coordinator;
    this.#syncer = new ShardSyncer({
      kinesis: this.#kinesis,
      table,
      streamName: config.streamName,
      initialPosition: config.initialPosition,
      clock: this.#clock,
      logger: this.#logger,
      syncIntervalMillis: config.shardSyncIntervalMillis,
      auditIntervalMillis: config.leaseAuditIntervalMillis,
      auditHoleThreshold: config.leaseAuditHoleThreshold,
      isLeader: () => coordinator.isLeader(),
      onLeasesCreated: () => coordinator.nudgeTaker(),
    });
    await coordinator.register();
    coordinator.start();
    this.#metricsTimer = setInterval(() => this.emit('metrics', this.metrics()), config.metricsIntervalMillis);
    this.#metricsTimer.unref();
    this.#state = 'running';
  }

  #host(): ShardConsumerHost {
    const coordinator = this.#coordinator as LeaseCoordinator;
    const syncer = this.#syncer as ShardSyncer;
    const workerId = this.config.workerId;
    return {
      config: this.config,
      kinesis: this.#kinesis as KinesisClient,
      getRecords: this.#getRecords as GetRecordsSource,
      table: this.#table as LeaseTable,
      logger: this.#logger,
      hashKeyRange: (lease) => syncer.hashKeyRange(lease),
      createChildLeases: (shardId) => syncer.createChildLeases(shardId),
      release: async (shardId) => {
        const wasHeld = coordinator.heldLease(shardId) !== undefined;
        await coordinator.release(shardId);
        if (wasHeld) {
          publish('leaseReleased', { shardId, workerId });
          this.emit('leaseReleased', { shardId, workerId });
        }
      },
      forget: (shardId) => coordinator.forget(shardId),
      onBatchProcessed: (shardId, records, bytes) => {
        const metrics = this.#shard(shardId);
        metrics.RecordsProcessed += records;
        metrics.DataBytesProcessed += bytes;
        this.#totals.RecordsProcessed += records;
        this.#totals.DataBytesProcessed += bytes;
        publish('batch', { shardId, records, bytes });
      },
      onBatchFetched: (shardId, millisBehindLatest, droppedAggregates) => {
        this.#shard(shardId).MillisBehindLatest = millisBehindLatest;
        this.#totals.DroppedAggregates += droppedAggregates;
      },
      onHandlerError: (error, willRetry) => {
        this.#totals.HandlerErrors++;
        this.#logger.error(
          { err: error, shardId: error.shardId, attempt: error.attempt, willRetry },
          'record handler failed',
        );
        const event = { shardId: error.shardId, error, attempt: error.attempt, willRetry };
        publish('handlerError', event);
        this.emit('handlerError', event);
      },
      onShardStopped: (shardId) => {
        // This worker leaves the shard alone from now on; another worker (or a restart) may retry it.
        this.#stopped.add(shardId);
      },
      onShardEnded: (shardId, childShardIds) => {
        publish('shardEnded', { shardId, childShardIds });
        this.emit('shardEnded', { shardId, childShardIds });
        coordinator.nudgeTaker();
      },
      onCheckpoint: (shardId, value: ExtendedSequenceNumber) => {
        this.#shard(shardId).checkpoint = value.sequenceNumber;
        const event = { shardId, sequenceNumber: value.sequenceNumber, subSequenceNumber: value.subSequenceNumber };
        publish('checkpoint', event);
        this.emit('checkpoint', event);
      },
    };
  }

  #shard(shardId: string): ShardMetrics {
    let metrics = this.#shardMetrics.get(shardId);
    if (metrics === undefined) {
      metrics = { MillisBehindLatest: 0, RecordsProcessed: 0, DataBytesProcessed: 0, checkpoint: undefined };
      this.#shardMetrics.set(shardId, metrics);
    }
    return metrics;
  }

  #onAcquired(held: HeldLease, lease: Lease): void {
    const shardId = lease.leaseKey;
    const workerId = this.config.workerId;
    const event = { shardId, workerId, leaseCounter: held.counter };
    publish('leaseAcquired', event);
    this.emit('leaseAcquired', event);
    const processor = (this.#processorFactory as () => KclStyleProcessor)();
    const consumer = new ShardConsumer(this.#host(), held, lease, processor);
    this.#consumers.set(shardId, consumer);
    const done = consumer
      .start()
      .then((outcome) => this.#logger.debug({ shardId, outcome }, 'shard tenure ended'))
      .catch((error: unknown) => this.#logger.error({ err: error, shardId }, 'shard consumer crashed'))
      .finally(() => {
        if (this.#consumers.get(shardId) === consumer) this.#consumers.delete(shardId);
        this.#running.delete(done);
      });
    this.#running.add(done);
  }

  /** Shards this worker holds a lease on right now. */
  ownedShards(): string[] {
    return this.#coordinator?.heldKeys().sort() ?? [];
  }

  /** A snapshot of this worker's metrics (KCL names). */
  metrics(): ConsumerMetrics {
    const counters = this.#coordinator?.counters;
    const owned = new Set(this.ownedShards());
    const shards: Record<string, ShardMetrics> = {};
    let behind = 0;
    for (const [shardId, metrics] of this.#shardMetrics) {
      shards[shardId] = { ...metrics };
      if (owned.has(shardId)) behind = Math.max(behind, metrics.MillisBehindLatest);
    }
    return {
      MillisBehindLatest: behind,
      RecordsProcessed: this.#totals.RecordsProcessed,
      DataBytesProcessed: this.#totals.DataBytesProcessed,
      CurrentLeases: owned.size,
      LostLeases: counters?.lostLeases ?? 0,
      TakenLeases: counters?.takenLeases ?? 0,
      ExpiredLeases: counters?.expiredLeases ?? 0,
      NumWorkers: counters?.numWorkers ?? 0,
      TotalLeases: counters?.totalLeases ?? 0,
      RenewLease: counters?.renewals ?? 0,
      FailedRenewLease: counters?.failedRenewals ?? 0,
      DroppedAggregates: this.#totals.DroppedAggregates,
      HandlerErrors: this.#totals.HandlerErrors,
      DynamoDbCalls: (this.#table?.calls ?? 0) + (this.#registry?.calls ?? 0),
      shards,
    };
  }

  /**
   * Graceful shutdown: stop taking leases, let each shard finish its batch in flight and checkpoint
   * (shutdownRequested), release every lease in the table so successors take them at once, then close
   * clients and the embedded DynamoDB. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#state === 'new' || this.#state === 'closed') {
      this.#state = 'closed';
      return;
    }
    while (this.#state === 'starting') await delay(10);
    this.#state = 'closing';
    const coordinator = this.#coordinator;
    coordinator?.pauseTaking();
    for (const consumer of this.#consumers.values()) consumer.requestShutdown();
    const all = Promise.all([...this.#running]);
    const timeout = new AbortController();
    await Promise.race([all, delay(this.config.shutdownTimeoutMillis, timeout.signal)]);
    timeout.abort();
    await coordinator?.stop();
    for (const shardId of coordinator?.heldKeys() ?? []) await coordinator?.release(shardId);
    await coordinator?.deregister();
    await this.#teardown();
    this.#state = 'closed';
  }

  async #teardown(): Promise<void> {
    if (this.#metricsTimer !== undefined) clearInterval(this.#metricsTimer);
    this.#metricsTimer = undefined;
    await this.#coordinator?.stop();
    await this.#getRecords?.close();
    this.#getRecords = undefined;
    if (this.#ownKinesis) this.#kinesis?.destroy();
    if (this.#ownDynamo) this.#dynamo?.destroy();
    await this.#embedded?.close();
    this.#embedded = undefined;
  }
}
