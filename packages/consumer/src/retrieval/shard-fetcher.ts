import { GetShardIteratorCommand, type KinesisClient, type ShardIteratorType } from '@aws-sdk/client-kinesis';
import type { HashKeyRange } from '@shardline/core';
import type { ConsumerConfig } from '../config/resolve-config.js';
import type { ExtendedSequenceNumber, Logger } from '../types.js';
import { awsErrorName, isRetriable } from '../util/aws-error.js';
import { backoffWithJitter } from '../util/backoff.js';
import { delay } from '../util/delay.js';
import { AnswerConverter } from './answer-converter.js';
import type { FetchedBatch } from './fetched-batch.js';
import type { GetRecordsAnswer, GetRecordsRecord } from './get-records-answer.js';
import type { GetRecordsSource } from './get-records-source.js';

export interface StartPosition {
  readonly type: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER';
  readonly sequenceNumber?: string;
  readonly timestamp?: Date;
  /** With AT_SEQUENCE_NUMBER: user records up to this position were already checkpointed. */
  readonly skipThrough?: ExtendedSequenceNumber;
}

/** The retrieval settings of the consumer's config that a fetcher reads as they are. */
type ReadSettings = Pick<
  ConsumerConfig,
  | 'maxRecords'
  | 'idleTimeBetweenReadsMillis'
  | 'minTimeBetweenReadsMillis'
  | 'maxPrefetchBatches'
  | 'maxPrefetchBytes'
  | 'maxPrefetchRecords'
  | 'maxBatchRecords'
>;

export interface ShardFetcherOptions extends ReadSettings {
  readonly kinesis: KinesisClient;
  /** GetRecords calls go here (CBOR or JSON); GetShardIterator through `kinesis`. */
  readonly getRecords: GetRecordsSource;
  readonly streamName: string;
  readonly shardId: string;
  readonly hashKeyRange: HashKeyRange | undefined;
  readonly start: StartPosition;
  readonly backoffBaseMillis: number;
  readonly backoffMaxMillis: number;
  readonly logger: Logger;
  readonly onReadError?: (error: unknown, attempt: number) => void;
}

/** A GetRecords answer waiting in the prefetch queue, not yet de-aggregated. */
interface PendingBatch {
  readonly raw: readonly GetRecordsRecord[];
  /** With the first answer after a restart inside an aggregate: user records to drop. */
  readonly skipThrough: ExtendedSequenceNumber | undefined;
  readonly millisBehindLatest: number;
  readonly isAtShardEnd: boolean;
  readonly childShardIds: readonly string[];
  readonly bytes: number;
}

function shardEndMarker(): PendingBatch {
  return { raw: [], skipThrough: undefined, millisBehindLatest: 0, isAtShardEnd: true, childShardIds: [], bytes: 0 };
}

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
]);

/**
 * Polls one shard ahead of the handler. Fetched batches queue up to the prefetch bounds (batches, bytes
 * and user records), reads back off exponentially with jitter on throttling and errors, and an expired
 * iterator is recreated right after the last record fetched, so nothing is skipped or read twice.
 */
export class ShardFetcher {
  readonly #o: ShardFetcherOptions;
  readonly #stop = new AbortController();
  readonly #queue: PendingBatch[] = [];
  #queuedBytes = 0;
  #queuedRecords = 0;
  /** The answer being handed over piece by piece, out of the queue already. */
  #current: { readonly pending: PendingBatch; readonly converter: AnswerConverter } | undefined;
  #lastFetchedSequenceNumber: string | undefined;
  #ended = false;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #getRecordsCalls = 0;

  constructor(options: ShardFetcherOptions) {
    this.#o = options;
  }

  get getRecordsCalls(): number {
    return this.#getRecordsCalls;
  }

  start(): void {
    this.#loop ??= this.#run().catch((error: unknown) => {
      this.#o.logger.error({ err: error, shardId: this.#o.shardId }, 'shard fetcher stopped unexpectedly');
    });
  }

  /**
   * The next batch (at most maxBatchRecords user records), or undefined once stopped (or after the
   * shard-end batch was taken).
   */
  async next(): Promise<FetchedBatch | undefined> {
    for (;;) {
      if (this.#current !== undefined) return this.#piece(this.#current);
      const pending = this.#queue.shift();
      if (pending !== undefined) {
        this.#queuedBytes -= pending.bytes;
        this.#queuedRecords -= pending.raw.length;
        this.#wakeProducer?.();
        this.#current = {
          pending,
          converter: new AnswerConverter(pending.raw, this.#o.shardId, this.#o.hashKeyRange, pending.skipThrough),
        };
        continue;
      }
      if (this.#stop.signal.aborted || this.#ended) return undefined;
      await new Promise<void>((resolve) => {
        this.#wakeConsumer = resolve;
      });
      this.#wakeConsumer = undefined;
    }
  }

  /**
   * User records are built only when the handler takes them, a bounded piece at a time: queued answers
   * hold bytes, not one object per user record, and the records die young (cheap for the garbage
   * collector) instead of surviving collections while they wait. Shard end goes with the last piece.
   */
  #piece(current: { readonly pending: PendingBatch; readonly converter: AnswerConverter }): FetchedBatch {
    const { pending, converter } = current;
    const converted = converter.take(this.#o.maxBatchRecords);
    const last = converter.done;
    if (last) this.#current = undefined;
    return {
      records: converted.records,
      millisBehindLatest: pending.millisBehindLatest,
      isAtShardEnd: last && pending.isAtShardEnd,
      childShardIds: last ? pending.childShardIds : [],
      bytes: converted.bytes,
      droppedAggregates: converted.droppedAggregates,
    };
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wakeProducer?.();
    this.#wakeConsumer?.();
    await this.#loop;
  }

  #full(): boolean {
    return (
      this.#queue.length >= this.#o.maxPrefetchBatches ||
      (this.#queue.length > 0 &&
        (this.#queuedBytes >= this.#o.maxPrefetchBytes || this.#queuedRecords >= this.#o.maxPrefetchRecords))
    );
  }

  async #iterator(position: StartPosition): Promise<string | undefined> {
    const input: {
      StreamName: string;
      ShardId: string;
      ShardIteratorType: ShardIteratorType;
      StartingSequenceNumber?: string;
      Timestamp?: Date;
    } = { StreamName: this.#o.streamName, ShardId: this.#o.shardId, ShardIteratorType: position.type };
    if (position.sequenceNumber !== undefined) input.StartingSequenceNumber = position.sequenceNumber;
    if (position.timestamp !== undefined) input.Timestamp = position.timestamp;
    const out = await this.#o.kinesis.send(new GetShardIteratorCommand(input), { abortSignal: this.#stop.signal });
    return out.ShardIterator;
  }

  /** Where to restart after an expired iterator: just after the last record fetched, or the original start. */
  #resumePosition(): StartPosition {
    return this.#lastFetchedSequenceNumber === undefined
      ? this.#o.start
      : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.#lastFetchedSequenceNumber };
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    let iterator: string | undefined;
    let attempt = 0;
    let lastCallAt = 0;
    let skipThrough = this.#o.start.skipThrough;
    while (!signal.aborted) {
      try {
        if (iterator === undefined) iterator = await this.#iterator(this.#resumePosition());
        if (iterator === undefined) {
          this.#push(shardEndMarker());
          return;
        }
        while (this.#full() && !signal.aborted) {
          await new Promise<void>((resolve) => {
            this.#wakeProducer = resolve;
          });
          this.#wakeProducer = undefined;
        }
        if (signal.aborted) return;
        const wait = lastCallAt + this.#o.minTimeBetweenReadsMillis - Date.now();
        if (wait > 0) await delay(wait, signal);
        if (signal.aborted) return;
        lastCallAt = Date.now();
        this.#getRecordsCalls++;
        const out: GetRecordsAnswer = await this.#o.getRecords.getRecords(iterator, this.#o.maxRecords, signal);
        attempt = 0;
        const raw = out.Records;
        const batchSkipThrough = skipThrough;
        const last = raw[raw.length - 1];
        if (last?.SequenceNumber !== undefined) {
          this.#lastFetchedSequenceNumber = last.SequenceNumber;
          skipThrough = undefined;
        }
        iterator = out.NextShardIterator ?? undefined;
        const isAtShardEnd = iterator === undefined;
        let bytes = 0;
        for (const record of raw) bytes += record.Data?.byteLength ?? 0;
        this.#push({
          raw,
          skipThrough: batchSkipThrough,
          millisBehindLatest: out.MillisBehindLatest ?? 0,
          isAtShardEnd,
          childShardIds: (out.ChildShards ?? []).map((child) => child.ShardId ?? '').filter((id) => id !== ''),
          bytes,
        });
        if (isAtShardEnd) return;
        if (raw.length === 0) await delay(this.#o.idleTimeBetweenReadsMillis, signal);
      } catch (error) {
        if (signal.aborted) return;
        const name = awsErrorName(error);
        if (name === 'ExpiredIteratorException') {
          this.#o.logger.debug(
            { shardId: this.#o.shardId },
            'iterator expired; recreating after the last fetched record',
          );
          iterator = undefined;
          continue;
        }
        this.#o.onReadError?.(error, attempt);
        const wait = backoffWithJitter(attempt, this.#o.backoffBaseMillis, this.#o.backoffMaxMillis);
        const level = THROTTLED.has(name) && attempt < 5 ? 'debug' : 'warn';
        this.#o.logger[level](
          { err: error, shardId: this.#o.shardId, attempt, wait, retriable: isRetriable(error) },
          'GetRecords failed; backing off',
        );
        attempt++;
        // An invalid or unknown iterator cannot be retried as is.
        if (!THROTTLED.has(name)) iterator = undefined;
        await delay(wait, signal);
      }
    }
  }

  #push(batch: PendingBatch): void {
    if (batch.isAtShardEnd) this.#ended = true;
    // Empty reads only refresh MillisBehindLatest; keep at most one queued.
    if (batch.raw.length === 0 && !batch.isAtShardEnd) {
      const tail = this.#queue[this.#queue.length - 1];
      if (tail !== undefined && tail.raw.length === 0 && !tail.isAtShardEnd) this.#queue.pop();
    }
    this.#queue.push(batch);
    this.#queuedBytes += batch.bytes;
    this.#queuedRecords += batch.raw.length;
    this.#wakeConsumer?.();
  }
}
