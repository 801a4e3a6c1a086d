import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { HashKeyRange } from '@shardline/core';
import { isSequenceNumber } from '../checkpoint/extended-sequence-number.js';
import { ShardCheckpointer } from '../checkpoint/shard-checkpointer.js';
import type { ConsumerConfig } from '../config/resolve-config.js';
import { ConsumerErrorCodes } from '../errors/consumer-error-codes.js';
import { HandlerError } from '../errors/handler-error.js';
import { LeaseLostError } from '../errors/lease-lost-error.js';
import type { HeldLease } from '../lease/held-lease.js';
import type { Lease } from '../lease/lease.js';
import type { LeaseTable } from '../lease/lease-table.js';
import type { FetchedBatch } from '../retrieval/fetched-batch.js';
import type { GetRecordsSource } from '../retrieval/get-records-source.js';
import { ShardFetcher, type StartPosition } from '../retrieval/shard-fetcher.js';
import type { ExtendedSequenceNumber, KclStyleProcessor, Logger } from '../types.js';
import { backoffWithJitter } from '../util/backoff.js';
import { delay } from '../util/delay.js';

/** What a shard consumer needs from the worker around it. */
export interface ShardConsumerHost {
  readonly config: ConsumerConfig;
  readonly kinesis: KinesisClient;
  readonly getRecords: GetRecordsSource;
  readonly table: LeaseTable;
  readonly logger: Logger;
  hashKeyRange(lease: Lease): Promise<HashKeyRange | undefined>;
  createChildLeases(shardId: string): Promise<string[]>;
  release(leaseKey: string): Promise<void>;
  forget(leaseKey: string): void;
  onBatchProcessed(shardId: string, records: number, bytes: number, millisBehindLatest: number): void;
  onBatchFetched(shardId: string, millisBehindLatest: number, droppedAggregates: number): void;
  onHandlerError(error: HandlerError, willRetry: boolean): void;
  onShardStopped(shardId: string, error: HandlerError): void;
  onShardEnded(shardId: string, childShardIds: readonly string[]): void;
  onCheckpoint(shardId: string, value: ExtendedSequenceNumber): void;
}

export type ShardConsumerOutcome = 'shard-end' | 'lease-lost' | 'shutdown' | 'stopped';

/**
 * One shard tenure: wait for parents, initialize, deliver batches one at a time in order, and finish
 * with exactly one of shardEnded, leaseLost or shutdownRequested. Handler failures follow the
 * configured policy; a batch is never silently skipped.
 */
export class ShardConsumer {
  readonly shardId: string;
  readonly #host: ShardConsumerHost;
  readonly #held: HeldLease;
  readonly #lease: Lease;
  readonly #processor: KclStyleProcessor;
  readonly #shutdown = new AbortController();
  #fetcher: ShardFetcher | undefined;
  #done: Promise<ShardConsumerOutcome> | undefined;

  constructor(host: ShardConsumerHost, held: HeldLease, lease: Lease, processor: KclStyleProcessor) {
    this.shardId = lease.leaseKey;
    this.#host = host;
    this.#held = held;
    this.#lease = lease;
    this.#processor = processor;
  }

  start(): Promise<ShardConsumerOutcome> {
    this.#done ??= this.#run();
    return this.#done;
  }

  /** Graceful stop: finish the batch in flight, call shutdownRequested, release the lease. */
  requestShutdown(): void {
    this.#shutdown.abort();
    void this.#fetcher?.stop();
  }

  #stopSignal(): AbortSignal {
    return AbortSignal.any([this.#held.signal, this.#shutdown.signal]);
  }

  async #run(): Promise<ShardConsumerOutcome> {
    const leaseSignal = this.#held.signal;
    const onLost = (): void => void this.#fetcher?.stop();
    leaseSignal.addEventListener('abort', onLost, { once: true });
    try {
      return await this.#lifecycle();
    } catch (error) {
      if (error instanceof LeaseLostError || leaseSignal.aborted) return await this.#leaseLost();
      this.#host.logger.error({ err: error, shardId: this.shardId }, 'shard consumer failed; releasing the lease');
      await this.#host.release(this.shardId);
      return 'stopped';
    } finally {
      leaseSignal.removeEventListener('abort', onLost);
      await this.#fetcher?.stop();
    }
  }

  async #lifecycle(): Promise<ShardConsumerOutcome> {
    const { config, table } = this.#host;
    const stop = this.#stopSignal();
    // Parent before child: the taker skips blocked leases, but its scan may be stale, so re-check strongly.
    while (!(await this.#parentsDone())) {
      await delay(config.parentShardPollIntervalMillis, stop);
      if (this.#held.signal.aborted) return await this.#leaseLost();
      if (this.#shutdown.signal.aborted) {
        await this.#host.release(this.shardId);
        return 'shutdown';
      }
    }
    const lease = this.#lease;
    if (lease.checkpoint.sequenceNumber === 'SHARD_END') {
      await this.#host.release(this.shardId);
      return 'shard-end';
    }
    const checkpointer = new ShardCheckpointer({
      shardId: this.shardId,
      table,
      held: this.#held,
      workerId: config.workerId,
      initial: lease.checkpoint,
      onCheckpoint: (shardId, value) => this.#host.onCheckpoint(shardId, value),
    });
    const initialized = await this.#withPolicy(() =>
      this.#processor.initialize?.({
        shardId: this.shardId,
        extendedSequenceNumber: lease.checkpoint,
        ...(lease.pendingCheckpoint === undefined ? {} : { pendingCheckpointSequenceNumber: lease.pendingCheckpoint }),
        ...(lease.pendingCheckpointState === undefined ? {} : { pendingCheckpointState: lease.pendingCheckpointState }),
      }),
    );
    if (initialized !== undefined) return initialized;
    const fetcher = new ShardFetcher({
      kinesis: this.#host.kinesis,
      getRecords: this.#host.getRecords,
      streamName: config.streamName,
      shardId: this.shardId,
      hashKeyRange: await this.#host.hashKeyRange(lease),
      start: startPosition(lease),
      maxRecords: config.maxRecords,
      idleTimeBetweenReadsMillis: config.idleTimeBetweenReadsMillis,
      minTimeBetweenReadsMillis: config.minTimeBetweenReadsMillis,
      maxPrefetchBatches: config.maxPrefetchBatches,
      maxPrefetchBytes: config.maxPrefetchBytes,
      maxPrefetchRecords: config.maxPrefetchRecords,
      maxBatchRecords: config.maxBatchRecords,
      backoffBaseMillis: config.readBackoffBaseMillis,
      backoffMaxMillis: config.readBackoffMaxMillis,
      logger: this.#host.logger,
    });
    this.#fetcher = fetcher;
    if (stop.aborted) await fetcher.stop();
    fetcher.start();
    for (;;) {
      const batch = await fetcher.next();
      if (this.#held.signal.aborted) return await this.#leaseLost();
      if (batch === undefined || this.#shutdown.signal.aborted) {
        if (batch !== undefined)
          this.#host.logger.debug({ shardId: this.shardId }, 'prefetched batch left for the next owner');
        return await this.#shutdownRequested(checkpointer);
      }
      this.#host.onBatchFetched(this.shardId, batch.millisBehindLatest, batch.droppedAggregates);
      if (batch.records.length > 0) {
        const outcome = await this.#deliver(batch, checkpointer);
        if (outcome !== undefined) return outcome;
      }
      if (batch.isAtShardEnd) return await this.#shardEnded(checkpointer, batch.childShardIds);
    }
  }

  async #parentsDone(): Promise<boolean> {
    for (const parent of this.#lease.parentShardIds) {
      const parentLease = await this.#host.table.getLease(parent);
      if (parentLease !== undefined && parentLease.checkpoint.sequenceNumber !== 'SHARD_END') return false;
    }
    return true;
  }

  async #deliver(batch: FetchedBatch, checkpointer: ShardCheckpointer): Promise<ShardConsumerOutcome | undefined> {
    const last = batch.records[batch.records.length - 1];
    if (last !== undefined)
      checkpointer.advanceDelivered({ sequenceNumber: last.sequenceNumber, subSequenceNumber: last.subSequenceNumber });
    const outcome = await this.#withPolicy(() =>
      this.#processor.processRecords({
        shardId: this.shardId,
        records: batch.records,
        checkpointer,
        millisBehindLatest: batch.millisBehindLatest,
        isAtShardEnd: batch.isAtShardEnd,
        signal: this.#held.signal,
      }),
    );
    if (outcome === undefined)
      this.#host.onBatchProcessed(this.shardId, batch.records.length, batch.bytes, batch.millisBehindLatest);
    return outcome;
  }

  /**
   * Runs a processor call under the handler-error policy: retried with backoff, or the shard stops and
   * its lease is released. Returns an outcome when the tenure must end, undefined on success.
   */
  async #withPolicy(call: () => unknown, code?: string): Promise<ShardConsumerOutcome | undefined> {
    const policy = this.#host.config.handlerErrorPolicy;
    for (let attempt = 1; ; attempt++) {
      if (this.#held.signal.aborted) throw new LeaseLostError(this.shardId, 'lost while processing');
      try {
        await call();
        return undefined;
      } catch (error) {
        if (error instanceof LeaseLostError || this.#held.signal.aborted) throw error;
        const wrapped = new HandlerError(this.shardId, attempt, error, code);
        const willRetry = policy.policy === 'retry' && attempt <= policy.maxRetries && !this.#shutdown.signal.aborted;
        this.#host.onHandlerError(wrapped, willRetry);
        if (this.#shutdown.signal.aborted) {
          // Shutting down: the failed batch must not be checkpointed, so no shutdownRequested either.
          await this.#host.release(this.shardId);
          return 'shutdown';
        }
        if (!willRetry) {
          this.#host.onShardStopped(this.shardId, wrapped);
          await this.#host.release(this.shardId);
          return 'stopped';
        }
        await delay(
          backoffWithJitter(attempt - 1, policy.initialBackoffMillis, policy.maxBackoffMillis),
          this.#stopSignal(),
        );
        if (this.#shutdown.signal.aborted && !this.#held.signal.aborted) {
          await this.#host.release(this.shardId);
          return 'shutdown';
        }
      }
    }
  }

  async #shardEnded(checkpointer: ShardCheckpointer, childHint: readonly string[]): Promise<ShardConsumerOutcome> {
    let children: string[] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        children = await this.#host.createChildLeases(this.shardId);
        break;
      } catch (error) {
        if (this.#held.signal.aborted) return await this.#leaseLost();
        this.#host.logger.warn({ err: error, shardId: this.shardId }, 'creating child leases failed; retrying');
        await delay(backoffWithJitter(attempt, 200, 5_000), this.#held.signal);
      }
    }
    for (const hinted of childHint) if (!children.includes(hinted)) children.push(hinted);
    checkpointer.markShardEnded(children);
    const outcome = await this.#withPolicy(async () => {
      await this.#processor.shardEnded?.({ shardId: this.shardId, checkpointer });
      if (!checkpointer.shardEndCheckpointed) {
        throw new Error('shardEnded must call checkpointer.checkpoint() so the child shards can start');
      }
    }, ConsumerErrorCodes.SHARD_END_NOT_CHECKPOINTED);
    if (outcome !== undefined) return outcome;
    // The SHARD_END write also cleared the owner in the table.
    this.#host.forget(this.shardId);
    this.#host.onShardEnded(this.shardId, children);
    return 'shard-end';
  }

  async #leaseLost(): Promise<ShardConsumerOutcome> {
    try {
      await this.#processor.leaseLost?.({ shardId: this.shardId });
    } catch (error) {
      this.#host.logger.warn({ err: error, shardId: this.shardId }, 'leaseLost handler threw');
    }
    return 'lease-lost';
  }

  async #shutdownRequested(checkpointer: ShardCheckpointer): Promise<ShardConsumerOutcome> {
    if (this.#held.signal.aborted) return await this.#leaseLost();
    try {
      await this.#processor.shutdownRequested?.({ shardId: this.shardId, checkpointer });
    } catch (error) {
      if (error instanceof LeaseLostError) return await this.#leaseLost();
      this.#host.onHandlerError(new HandlerError(this.shardId, 1, error), false);
    }
    await this.#host.release(this.shardId);
    return 'shutdown';
  }
}

function startPosition(lease: Lease): StartPosition {
  const { sequenceNumber, subSequenceNumber } = lease.checkpoint;
  if (isSequenceNumber(sequenceNumber)) {
    return { type: 'AT_SEQUENCE_NUMBER', sequenceNumber, skipThrough: { sequenceNumber, subSequenceNumber } };
  }
  if (sequenceNumber === 'AT_TIMESTAMP') {
    return { type: 'AT_TIMESTAMP', timestamp: new Date(lease.checkpointTimestamp ?? 0) };
  }
  if (sequenceNumber === 'LATEST') return { type: 'LATEST' };
  return { type: 'TRIM_HORIZON' };
}
