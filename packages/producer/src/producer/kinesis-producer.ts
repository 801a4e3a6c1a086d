import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import {
  AbortedError,
  AwsServiceError,
  ClosedError,
  type Codec,
  InvalidArgumentError,
  parseHashKey,
  RecordTooLargeError,
  ShardlineError,
} from '@shardline/core';
import { getCodec } from '@shardline/native';
import PQueue from 'p-queue';
import type {
  CredentialsProvider,
  ProducerConfig,
  ProducerCredentials,
  ProducerLogger,
  ResolvedProducerConfig,
} from '../config/producer-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { BufferFullError } from '../errors/buffer-full-error.js';
import { RecordExpiredError } from '../errors/record-expired-error.js';
import { type MetricsSnapshot, ProducerMetrics } from '../metrics/producer-metrics.js';
import { BufferBudget } from '../pipeline/buffer-budget.js';
import { clock } from '../pipeline/clock.js';
import { FlushEpoch } from '../pipeline/flush-epoch.js';
import type { KinesisRecord } from '../pipeline/kinesis-record.js';
import { PutManyBatch } from '../pipeline/put-many-batch.js';
import { retryBackoff } from '../pipeline/retry-backoff.js';
import type { ShardDescription, ShardMap } from '../pipeline/shard-map.js';
import { type PipelineHost, StreamPipeline } from '../pipeline/stream-pipeline.js';
import {
  acceptBatchedUserRecord,
  acceptUserRecord,
  type PutResult,
  rejectUserRecord,
  resolveUserRecord,
  type UserRecord,
  userRecordSize,
} from '../pipeline/user-record.js';
import { InlinePutRecordsSender } from '../transport/inline-put-records-sender.js';
import { KinesisTransport, type PutRecordsResponse } from '../transport/kinesis-transport.js';
import { PACKED_AGGREGATED, PackedRequest } from '../transport/packed-request.js';
import type { PutRecordsSender } from '../transport/put-records-sender.js';
import { PutRecordsSenderPool } from '../transport/put-records-sender-pool.js';
import { WorkerPutRecordsSender } from '../transport/worker-put-records-sender.js';
import { producerChannels } from './producer-channels.js';
import { createProducerWritable, type WritableOptions } from './producer-writable.js';
import { type PutInput, validatePut } from './validate-put.js';

/** Options of one put(). */
export interface PutOptions {
  /** Aborts the wait for buffer room (a record already accepted is not withdrawn). */
  readonly signal?: AbortSignal | undefined;
  /** Most milliseconds to wait for buffer room. */
  readonly timeout?: number | undefined;
}

/** Typed events of a producer. */
export interface ProducerEvents {
  /** Every metricsInterval: the metrics of the period just ended. */
  metrics: [snapshot: MetricsSnapshot];
  /** A stream's shard map was loaded or changed. */
  shardMap: [event: { streamName: string; shardCount: number }];
}

const THROTTLE_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'LimitExceededException',
]);
const SILENT_LOGGER: ProducerLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The KPL in-process: put() resolves once the record is durably in the stream. Records are hashed and
 * routed to their predicted shard in batches, aggregated per shard, rate-limited per shard, collected
 * into PutRecords requests and retried (failed entries only) until stored, failed for good, or expired.
 */
export class KinesisProducer extends EventEmitter<ProducerEvents> {
  /** The validated configuration. */
  readonly config: ResolvedProducerConfig;
  readonly #codec: Codec;
  /** Control calls (ListShards), and PutRecords too with sendThread 'main'. */
  readonly #transport: KinesisTransport;
  readonly #sender: PutRecordsSender;
  /** Packed requests kept for reuse once their request has finished. */
  readonly #packs: PackedRequest[] = [];
  readonly #queue: PQueue;
  /** PutRecords dispatched to #queue and not yet settled (queued or running). */
  #requests = 0;
  readonly #budget: BufferBudget;
  readonly #metrics: ProducerMetrics;
  readonly #logger: ProducerLogger;
  readonly #pipelines = new Map<string, StreamPipeline>();
  #lastPipeline: StreamPipeline | undefined;
  readonly #host: PipelineHost;
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #epoch = new FlushEpoch();
  #closedEpochs: FlushEpoch[] = [];
  #flushing = 0;
  #tickTimer: NodeJS.Timeout | undefined;
  readonly #tickMs: number;
  #metricsTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;

  constructor(config: ProducerConfig = {}) {
    super();
    this.config = resolveConfig(config);
    this.#logger = config.logger ?? SILENT_LOGGER;
    this.#codec = getCodec();
    const credentials = config.credentials ?? defaultCredentials();
    const { endpoint, region, maxConnections, requestTimeout } = this.config;
    this.#transport = new KinesisTransport({ endpoint, region, credentials, maxConnections, requestTimeout });
    const cbor = this.config.protocol === 'cbor';
    const inline = new InlinePutRecordsSender(this.#transport, this.#codec, cbor, maxConnections);
    this.#sender = this.config.sendThread === 'worker' ? this.#workers(credentials, inline) : inline;
    this.#queue = new PQueue({ concurrency: this.config.maxConnections });
    this.#budget = new BufferBudget(this.config.maxBufferedBytes, this.config.maxBufferedRecords);
    this.#metrics = new ProducerMetrics(Date.now());
    this.#tickMs = Math.max(5, Math.min(25, Math.floor(this.config.recordMaxBufferedTime / 4)));
    this.#host = this.#createHost();
    if (this.config.metricsInterval > 0) {
      this.#metricsTimer = setInterval(() => {
        this.emit('metrics', this.#metrics.rotate(Date.now(), this.#budget.records));
      }, this.config.metricsInterval);
      this.#metricsTimer.unref();
    }
  }

  /** User records accepted and not yet settled. */
  get outstanding(): number {
    return this.#budget.records;
  }

  /** Metrics since the producer started. */
  metrics(): MetricsSnapshot {
    return this.#metrics.total(Date.now(), this.#budget.records);
  }

  /**
   * Puts one user record. Resolves once Kinesis stored it; rejects with a typed error: invalid input
   * (InvalidArgumentError and subclasses), RecordExpiredError, AwsServiceError for a non-retriable
   * answer, BufferFullError (whenFull 'fail'), AbortedError, ClosedError.
   */
  put(input: PutInput, options?: PutOptions): Promise<PutResult> {
    return this.#submit(input, options, undefined);
  }

  /**
   * Puts many user records with one promise, for callers that already hold a batch: it resolves once
   * every record settled, with one outcome per input in input order, shaped as Promise.allSettled's
   * (`{ status: 'fulfilled', value: PutResult }` or `{ status: 'rejected', reason }`); it never rejects
   * for a record's sake. Each record is treated as put() treats it: an invalid one gets its typed error
   * and does not affect the others; records are accepted in array order, waiting for buffer room in turn
   * (or rejected with BufferFullError when whenFull is 'fail'); `signal` and `timeout` bound each wait.
   * It spares the promise, reaction and result settlement of every single put().
   */
  putMany(inputs: readonly PutInput[], options?: PutOptions): Promise<PromiseSettledResult<PutResult>[]> {
    if (!Array.isArray(inputs)) {
      return Promise.reject(new InvalidArgumentError('putMany() takes an array of put() inputs'));
    }
    const count = inputs.length;
    if (count === 0) return Promise.resolve([]);
    let done: (outcomes: PromiseSettledResult<PutResult>[]) => void = () => {};
    const promise = new Promise<PromiseSettledResult<PutResult>[]>((resolve) => {
      done = resolve;
    });
    const batch = new PutManyBatch(count, done);
    for (let i = 0; i < count; i++) {
      if (this.#closing !== undefined) {
        batch.reject(i, new ClosedError('the producer is closed'));
        continue;
      }
      const input = inputs[i] as PutInput;
      let record: UserRecord;
      try {
        record = validatePut(input, this.config.maxRecordSize, this.#pipelines, this.#lastPipeline?.streamName);
      } catch (error) {
        batch.reject(i, error);
        continue;
      }
      // tryAcquire refuses while earlier puts wait, so records behind a waiting one wait too, in order.
      if (this.#budget.tryAcquire(userRecordSize(record))) {
        const epoch = this.#enter();
        acceptBatchedUserRecord(record, epoch, batch, i);
        this.#pipelineFor(input.streamName).accept(record);
        continue;
      }
      this.#waitAndAccept(input.streamName, record, options, undefined).then(
        (result) => batch.fulfil(i, result),
        (error: unknown) => batch.reject(i, error),
      );
    }
    return promise;
  }

  /** put() with a callback run once the record has buffer room and is accepted (for the Writable). */
  #submit(input: PutInput, options: PutOptions | undefined, onAccepted: (() => void) | undefined): Promise<PutResult> {
    if (this.#closing !== undefined) return Promise.reject(new ClosedError('the producer is closed'));
    let record: UserRecord;
    try {
      record = validatePut(input, this.config.maxRecordSize, this.#pipelines, this.#lastPipeline?.streamName);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#budget.tryAcquire(userRecordSize(record))) {
      const result = this.#accept(input.streamName, record);
      onAccepted?.();
      return result;
    }
    return this.#waitAndAccept(input.streamName, record, options, onAccepted);
  }

  /** Settles once every record accepted before the call has settled (stored, failed or expired). */
  async flush(): Promise<void> {
    const epoch = this.#epoch;
    this.#epoch = new FlushEpoch();
    this.#closedEpochs = this.#closedEpochs.filter((e) => !e.drained);
    const waits = this.#closedEpochs.map((e) => e.close());
    waits.push(epoch.close());
    if (!epoch.drained) this.#closedEpochs.push(epoch);
    this.#flushing++;
    try {
      this.#tick(true);
      await Promise.all(waits);
    } finally {
      this.#flushing--;
    }
  }

  /**
   * Stops accepting records, waits until every accepted record has settled, then releases sockets and
   * timers so the process can exit. Puts still waiting for buffer room reject with ClosedError.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** A Writable (object mode) that puts every chunk; `pipeline(source, producer.writable(...))` works. */
  writable(options: WritableOptions): Writable {
    return createProducerWritable(options, {
      submit: (input, signal, onAccepted) => this.#submit(input, { signal }, onAccepted),
    });
  }

  async #close(): Promise<void> {
    this.#budget.rejectAll('the producer closed while this put() waited for buffer room');
    await this.flush();
    this.#closed = true;
    const closed = new ClosedError('the producer closed');
    for (const pipeline of this.#pipelines.values()) pipeline.close(closed);
    this.#stopTick();
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    if (this.#metricsTimer !== undefined) clearInterval(this.#metricsTimer);
    await this.#queue.onIdle();
    await Promise.all([this.#sender.close(), this.#transport.close()]);
  }

  async #waitAndAccept(
    streamName: string,
    record: UserRecord,
    options: PutOptions | undefined,
    onAccepted: (() => void) | undefined,
  ): Promise<PutResult> {
    if (this.config.whenFull === 'fail') {
      throw new BufferFullError(
        `buffer full: ${this.#budget.records} records / ${this.#budget.bytes} bytes outstanding (maxBufferedRecords ${this.#budget.maxRecords}, maxBufferedBytes ${this.#budget.maxBytes})`,
      );
    }
    const signal = options?.signal;
    if (signal?.aborted) throw new AbortedError('put() aborted before it started', { cause: signal.reason });
    await this.#budget.acquire(userRecordSize(record), signal, options?.timeout);
    if (this.#closing !== undefined) {
      this.#budget.release(userRecordSize(record), 1);
      throw new ClosedError('the producer is closed');
    }
    const result = this.#accept(streamName, record);
    onAccepted?.();
    return result;
  }

  #accept(streamName: string, record: UserRecord): Promise<PutResult> {
    const pipeline = this.#pipelineFor(streamName);
    const epoch = this.#enter();
    // A shared executor spares a closure per put() on the hot path.
    const promise = new Promise<PutResult>(captureResolve);
    acceptUserRecord(record, epoch, capturedResolve);
    pipeline.accept(record);
    return promise;
  }

  /** sendWorkers PutRecords threads (no more than maxConnections), sharing the connections. */
  #workers(credentials: ProducerCredentials | CredentialsProvider, inline: PutRecordsSender): PutRecordsSender {
    const { endpoint, region, maxConnections, requestTimeout, protocol, sendWorkers } = this.config;
    const count = Math.min(sendWorkers, maxConnections);
    const init = {
      endpoint,
      region,
      maxConnections: Math.ceil(maxConnections / count),
      requestTimeout,
      cbor: protocol === 'cbor',
    };
    let warned = false;
    const onFallback = (reason: string): void => {
      // Every thread that cannot start says the same: once is enough.
      if (warned) return;
      warned = true;
      this.#logger.warn({ reason }, 'PutRecords worker thread could not start; sending from this thread');
    };
    const senders = Array.from(
      { length: count },
      () => new WorkerPutRecordsSender(init, credentials, inline, onFallback),
    );
    return count === 1 ? (senders[0] as PutRecordsSender) : new PutRecordsSenderPool(senders, init.maxConnections);
  }

  #pipelineFor(streamName: string): StreamPipeline {
    // Callers mostly put to one stream: the last pipeline spares a Map lookup per record.
    let pipeline = this.#lastPipeline;
    if (pipeline === undefined || pipeline.streamName !== streamName) {
      pipeline = this.#pipelines.get(streamName);
      if (pipeline === undefined) {
        pipeline = new StreamPipeline(streamName, this.#host);
        this.#pipelines.set(streamName, pipeline);
      }
      this.#lastPipeline = pipeline;
    }
    return pipeline;
  }

  /** Counts one accepted record into the current flush epoch and the metrics; returns the epoch. */
  #enter(): FlushEpoch {
    const epoch = this.#epoch;
    epoch.pending++;
    this.#metrics.received++;
    return epoch;
  }

  #createHost(): PipelineHost {
    return {
      config: this.config,
      codec: this.#codec,
      dispatch: (pipeline, batch) => {
        this.#requests++;
        this.#queue
          .add(() => this.#send(pipeline, batch))
          .then(this.#onRequestDone, (error: unknown) => {
            // A bug must not leave put() promises pending forever: fail what the task left unsettled.
            this.#logger.error({ err: error, streamName: pipeline.streamName }, 'PutRecords task failed unexpectedly');
            for (const record of batch) {
              pipeline.release(record);
              for (const r of record.records) this.#failRecord(r, error);
            }
            this.#onRequestDone();
          });
      },
      succeed: (record, shardId, sequenceNumber) => this.#succeed(record, shardId, sequenceNumber),
      fail: (record, error) => this.#failRecord(record, error),
      dropExpired: (records, now) => this.#dropExpired(records, now),
      listShards: (streamName) => this.#listShards(streamName),
      onShardMap: (streamName, map) => this.#onShardMap(streamName, map),
      onShardMapError: (streamName, error, retryInMs) => {
        this.#logger.warn(
          { err: error, streamName, retryInMs },
          'ListShards failed; records go out unaggregated meanwhile',
        );
      },
      onMisrouted: (record, shardId) => {
        this.#metrics.error('Wrong Shard', record.records.length);
        this.#logger.info(
          { shardId, predicted: record.shard?.shardId, userRecords: record.records.length },
          'aggregate stored on a shard whose range misses some of its records; sending it again',
        );
      },
      requestsInFlight: () => this.#requests,
      wake: () => this.#startTick(),
    };
  }

  /** One request fewer in flight: pipelines holding collected records may send them now. */
  readonly #onRequestDone = (): void => {
    this.#requests--;
    for (const pipeline of this.#pipelines.values()) pipeline.sendIfIdle();
  };

  #startTick(): void {
    if (this.#tickTimer !== undefined || this.#closed) return;
    this.#tickTimer = setInterval(() => this.#tick(this.#flushing > 0), this.#tickMs);
  }

  #stopTick(): void {
    if (this.#tickTimer !== undefined) clearInterval(this.#tickTimer);
    this.#tickTimer = undefined;
  }

  #tick(force: boolean): void {
    const now = clock();
    let buffered = false;
    for (const pipeline of this.#pipelines.values()) if (pipeline.tick(now, force)) buffered = true;
    if (buffered) this.#startTick();
    else this.#stopTick();
  }

  async #listShards(streamName: string): Promise<ShardDescription[]> {
    const shards: ShardDescription[] = [];
    let token: string | undefined;
    do {
      const request =
        token === undefined
          ? { StreamName: streamName, ShardFilter: { Type: 'AT_LATEST' }, MaxResults: 1000 }
          : { NextToken: token, MaxResults: 1000 };
      const answer = (await this.#transport.call('ListShards', JSON.stringify(request))) as {
        Shards?: { ShardId: string; HashKeyRange: { StartingHashKey: string; EndingHashKey: string } }[];
        NextToken?: string;
      };
      for (const shard of answer.Shards ?? []) {
        shards.push({
          shardId: shard.ShardId,
          startingHashKey: parseHashKey(shard.HashKeyRange.StartingHashKey),
          endingHashKey: parseHashKey(shard.HashKeyRange.EndingHashKey),
        });
      }
      token = answer.NextToken;
    } while (token !== undefined && !this.#closed);
    return shards;
  }

  #onShardMap(streamName: string, map: ShardMap): void {
    this.#logger.debug({ streamName, shardCount: map.size }, 'shard map updated');
    if (producerChannels.shardMap.hasSubscribers) {
      producerChannels.shardMap.publish({ streamName, shardCount: map.size });
    }
    this.emit('shardMap', { streamName, shardCount: map.size });
  }

  async #send(pipeline: StreamPipeline, batch: KinesisRecord[]): Promise<void> {
    const now = clock();
    let live = batch;
    for (const record of batch) {
      if (record.minExpiration <= now) {
        live = this.#withoutExpired(pipeline, batch, now);
        break;
      }
    }
    if (live.length === 0) return;
    let userRecords = 0;
    for (const record of live) {
      // Counted once per Kinesis record; each user record's total adds it (see carryAttempts).
      record.attempts++;
      const records = record.records;
      userRecords += records.length;
      this.#metrics.observe('BufferingTime', now - (records[0] as UserRecord).arrival);
    }
    const streamName = pipeline.streamName;
    const packed = this.#packs.pop() ?? new PackedRequest();
    packed.pack(streamName, live);
    if (producerChannels.request.hasSubscribers) {
      producerChannels.request.publish({ streamName, kinesisRecords: live.length, userRecords, bytes: packed.bytes });
    }
    this.#metrics.observe('KinesisRecordsPerPutRecordsRequest', live.length);
    this.#metrics.observe('UserRecordsPerPutRecordsRequest', userRecords);
    let response: PutRecordsResponse;
    try {
      response = await this.#sender.send(packed);
    } catch (error) {
      this.#releasePacked(packed);
      this.#afterRequest(streamName, now, live.length, error);
      for (const record of live) this.#onFailure(pipeline, record, error);
      return;
    } finally {
      this.#metrics.observe('RequestTime', clock() - now);
    }
    // The encoder found the aggregates' exact sizes (their bounds until now), for KinesisRecordsDataPut.
    for (let i = 0; i < live.length; i++) {
      if (((packed.flags[i] as number) & PACKED_AGGREGATED) !== 0)
        (live[i] as KinesisRecord).dataSize = packed.sizes[i] as number;
    }
    this.#releasePacked(packed);
    const entries = response.Records;
    if (entries.length !== live.length) {
      const error = new AwsServiceError(
        'InternalFailure',
        `PutRecords answered ${entries.length} entries for ${live.length} records`,
        { retriable: true },
      );
      this.#afterRequest(streamName, now, live.length, error);
      for (const record of live) this.#onFailure(pipeline, record, error);
      return;
    }
    this.#afterRequest(streamName, now, response.FailedRecordCount ?? 0, undefined);
    for (let i = 0; i < live.length; i++) {
      const record = live[i] as KinesisRecord;
      const entry = entries[i] as PutRecordsResponse['Records'][number];
      if (entry.ErrorCode !== undefined || entry.SequenceNumber === undefined || entry.ShardId === undefined) {
        const code = entry.ErrorCode ?? 'InternalFailure';
        this.#onFailure(pipeline, record, new AwsServiceError(code, entry.ErrorMessage ?? 'PutRecords entry failed'));
        continue;
      }
      const state = record.shard;
      if (state !== undefined) {
        state.limiter.onAccepted(clock());
        pipeline.release(record);
      }
      if (state !== undefined && state.shardId === entry.ShardId) {
        this.#succeed(record, entry.ShardId, entry.SequenceNumber);
      } else {
        pipeline.onUnexpectedShard(record, entry.ShardId, entry.SequenceNumber);
      }
    }
  }

  #releasePacked(packed: PackedRequest): void {
    // As many as requests can be in flight at once. Fewer would not hold less memory while that many are
    // in flight, only replace some columns with fresh shared memory per request: page faults on first
    // touch (per 4 KiB), new arrays for the worker thread, and at 1 KiB records ~25 % more CPU per record
    // once requests in flight outnumbered the kept ones.
    if (this.#packs.length < this.config.maxConnections) this.#packs.push(packed);
    else this.#sender.forget(packed);
  }

  #afterRequest(streamName: string, start: number, failedRecords: number, error: unknown): void {
    if (producerChannels.response.hasSubscribers) {
      producerChannels.response.publish({ streamName, durationMs: clock() - start, failedRecords, error });
    }
  }

  /** Splits off the Kinesis records holding expired user records; their live records go round again. */
  #withoutExpired(pipeline: StreamPipeline, batch: KinesisRecord[], now: number): KinesisRecord[] {
    const live: KinesisRecord[] = [];
    for (const record of batch) {
      if (record.minExpiration > now) {
        live.push(record);
        continue;
      }
      const survivors = this.#dropExpired(record.records, now, record.attempts);
      pipeline.retry(record, survivors);
    }
    return live;
  }

  /** Fails the records whose TTL has passed; `carried` is the attempts of the Kinesis record they are in. */
  #dropExpired(records: UserRecord[], now: number, carried = 0): UserRecord[] {
    const survivors: UserRecord[] = [];
    let expired = 0;
    for (const record of records) {
      if (record.expiration > now) {
        survivors.push(record);
        continue;
      }
      expired++;
      const last = record.lastError;
      const attempts = record.attempts + carried;
      this.#failRecord(
        record,
        new RecordExpiredError(
          `record not stored within recordTtl (${this.config.recordTtl} ms) after ${attempts} attempt(s)` +
            (last instanceof Error ? `; last error: ${last.message}` : ''),
          attempts,
          last === undefined ? {} : { cause: last },
        ),
        false,
      );
    }
    if (expired > 0) {
      this.#metrics.observe('UserRecordExpired', 1, expired);
      this.#metrics.error('Expired', expired);
    }
    return survivors;
  }

  #onFailure(pipeline: StreamPipeline, record: KinesisRecord, error: unknown): void {
    const code = errorCode(error);
    const count = record.records.length;
    this.#metrics.error(code, count);
    const throttled = THROTTLE_CODES.has(code);
    const now = clock();
    if (throttled && record.shard !== undefined) record.shard.limiter.onThrottled(now);
    const retriable = error instanceof ShardlineError ? error.retriable : true;
    if ((throttled && this.config.failIfThrottled) || !retriable) {
      pipeline.release(record);
      for (const r of record.records) this.#failRecord(r, error);
      return;
    }
    for (const r of record.records) r.lastError = error;
    const delay = Math.min(
      retryBackoff(record.attempts, this.config.retryInitialBackoff, this.config.retryMaxBackoff),
      Math.max(0, record.minExpiration - now),
    );
    if (producerChannels.retry.hasSubscribers) {
      producerChannels.retry.publish({
        streamName: pipeline.streamName,
        shardId: record.shard?.shardId,
        attempts: record.attempts,
        errorCode: code,
        delayMs: delay,
      });
    }
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      const survivors = this.#dropExpired(record.records, clock(), record.attempts);
      if (survivors.length === 0) {
        pipeline.release(record);
        return;
      }
      pipeline.retry(record, survivors);
    }, delay);
    this.#retryTimers.add(timer);
  }

  #succeed(record: KinesisRecord, shardId: string, sequenceNumber: string): void {
    const records = record.records;
    const aggregated = records.length > 1;
    let bytes = 0;
    let dataBytes = 0;
    let retries = 0;
    let count = 0;
    // Records of one Kinesis record nearly always share a flush epoch: release it once per run.
    let epoch: FlushEpoch | undefined;
    let inEpoch = 0;
    const sent = record.attempts;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as UserRecord;
      if (r.settled) continue;
      r.settled = true;
      count++;
      const length = r.data.length;
      bytes += r.pkBytes + length;
      dataBytes += length;
      const attempts = r.attempts + sent;
      retries += attempts - 1;
      if (r.epoch !== epoch) {
        if (epoch !== undefined) epoch.release(inEpoch);
        epoch = r.epoch;
        inEpoch = 0;
      }
      inEpoch++;
      resolveUserRecord(r, { sequenceNumber, subSequenceNumber: aggregated ? i : 0, shardId, attempts });
    }
    if (epoch !== undefined) epoch.release(inEpoch);
    this.#budget.release(bytes, count);
    const metrics = this.#metrics;
    metrics.observe('UserRecordsPut', 1, count);
    metrics.add('UserRecordsDataPut', dataBytes, count);
    metrics.add('RetriesPerRecord', retries, count);
    metrics.observe('KinesisRecordsPut', 1);
    metrics.observe('KinesisRecordsDataPut', record.dataSize);
    metrics.observe('UserRecordsPerKinesisRecord', records.length);
  }

  #failRecord(record: UserRecord, error: unknown, count = true): void {
    if (record.settled) return;
    record.settled = true;
    if (count && !(error instanceof RecordExpiredError)) this.#metrics.observe('UserRecordsPut', 0);
    this.#budget.release(record.pkBytes + record.data.length, 1);
    if (producerChannels.failure.hasSubscribers) {
      producerChannels.failure.publish({ count: 1, code: errorCode(error) });
    }
    // Rejected before its epoch is released, so a flush() awaiting the epoch settles after this put().
    rejectUserRecord(record, error);
    (record.epoch as FlushEpoch).release();
  }
}

let capturedResolve: (result: PutResult | PromiseLike<PutResult>) => void = () => {};
function captureResolve(resolve: (result: PutResult | PromiseLike<PutResult>) => void): void {
  capturedResolve = resolve;
}

function errorCode(error: unknown): string {
  if (error instanceof AwsServiceError) return error.awsErrorCode;
  if (error instanceof ShardlineError) return error.code;
  if (error instanceof RecordTooLargeError) return error.code;
  return (error as { code?: string } | undefined)?.code ?? 'Unknown';
}

function defaultCredentials(): CredentialsProvider {
  let provider: Promise<() => Promise<ProducerCredentials>> | undefined;
  // Loaded on first use: importing the producer must not touch the credential chain.
  return async () => {
    provider ??= import('@aws-sdk/credential-provider-node').then((m) => m.defaultProvider());
    return (await provider)();
  };
}
