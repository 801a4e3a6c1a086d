import { type Codec, hashKeyToBytes } from '@shardline/core';
import type { ResolvedProducerConfig } from '../config/producer-config.js';
import { clock } from './clock.js';
import { KinesisRecord } from './kinesis-record.js';
import type { ShardDescription } from './shard-map.js';
import { ShardMap } from './shard-map.js';
import { ShardRateLimiter } from './shard-rate-limiter.js';
import { ShardState } from './shard-state.js';
import { PK_ASCII, stampUserRecord, type UserRecord } from './user-record.js';
import { writeKey } from './write-key.js';

/** What a stream pipeline needs from its producer. */
export interface PipelineHost {
  readonly config: ResolvedProducerConfig;
  readonly codec: Codec;
  /** Sends one PutRecords batch (the producer queues it behind MaxConnections). */
  dispatch(pipeline: StreamPipeline, batch: KinesisRecord[]): void;
  /** PutRecords requests dispatched and not yet answered, queued ones included, across the producer. */
  requestsInFlight(): number;
  /** Resolves every user record of a Kinesis record stored on `shardId`. */
  succeed(record: KinesisRecord, shardId: string, sequenceNumber: string): void;
  /** Settles a user record with an error. */
  fail(record: UserRecord, error: unknown): void;
  /** Fails the records whose TTL has passed; returns the survivors. */
  dropExpired(records: UserRecord[], now: number): UserRecord[];
  listShards(streamName: string): Promise<ShardDescription[]>;
  onShardMap(streamName: string, map: ShardMap): void;
  onShardMapError(streamName: string, error: unknown, retryInMs: number): void;
  /** An aggregate landed on a shard whose range misses some of its records; they are sent again. */
  onMisrouted(record: KinesisRecord, shardId: string): void;
  /** Something was buffered: the producer's timer must run. */
  wake(): void;
}

interface AwaitingCheck {
  readonly record: KinesisRecord;
  readonly shardId: string;
  readonly sequenceNumber: string;
}

const REFRESH_INITIAL_BACKOFF = 1_000;
/** How long a record may wait for the first shard map before it goes out unaggregated. */
const MAP_WAIT_MS = 1_000;
const REFRESH_MAX_BACKOFF = 30_000;
/** Above this many records the pending batch is hashed at once instead of at the end of the tick. */
const HASH_BATCH = 8_192;

/**
 * The pipeline of one stream: hashing and shard prediction in batches through the codec, one aggregate
 * builder and one rate limiter per predicted shard, and one collector cutting PutRecords batches.
 */
export class StreamPipeline {
  readonly streamName: string;
  readonly #host: PipelineHost;
  readonly #config: ResolvedProducerConfig;
  readonly #maxAggregateSize: number;
  /** Collected bytes from which sendIfIdle() sends before a request is full. */
  readonly #earlyCutBytes: number;
  readonly #earlyCutCount: number;
  #map: ShardMap | undefined;
  #states: ShardState[] = [];
  /**
   * Slots [0, #incomingCount) hold the records accepted since the last hashing pass. Two arrays take
   * turns and keep their capacity, so accepting a record never grows (copies) an array.
   */
  #incoming: (UserRecord | undefined)[] = [];
  #incomingCount = 0;
  #spareIncoming: (UserRecord | undefined)[] = [];
  /** UTF-8 bytes of the partition keys in #incoming: sizes the hashing pack without another pass. */
  #incomingKeyBytes = 0;
  #scheduled = false;
  /** Ordered mode: records that arrived while no shard map was known. */
  #held: UserRecord[] = [];
  #awaiting: AwaitingCheck[] = [];
  #ready: KinesisRecord[] = [];
  #readyBytes = 0;
  #readyDeadline = Number.POSITIVE_INFINITY;
  #refreshing = false;
  #refreshAgain = false;
  #refreshFailures = 0;
  #refreshTimer: NodeJS.Timeout | undefined;
  #periodicTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #packBytes = Buffer.allocUnsafe(64 * 1024);
  #packOffsets = new Uint32Array(HASH_BATCH + 1);
  #shardIndexes = new Uint32Array(HASH_BATCH);

  constructor(streamName: string, host: PipelineHost) {
    this.streamName = streamName;
    this.#host = host;
    this.#config = host.config;
    this.#maxAggregateSize = Math.min(this.#config.aggregationMaxSize, this.#config.maxRecordSize - 1);
    this.#earlyCutBytes = Math.floor(this.#config.collectionMaxSize / 8);
    this.#earlyCutCount = Math.ceil(this.#config.collectionMaxCount / 8);
    this.refreshShardMap();
    const interval = this.#config.shardMapRefreshInterval;
    if (interval > 0) {
      this.#periodicTimer = setInterval(() => this.refreshShardMap(), interval);
      this.#periodicTimer.unref();
    }
  }

  get shardMap(): ShardMap | undefined {
    return this.#map;
  }

  /** True while records wait in the pipeline (not counting requests in flight or retry back-off). */
  get buffered(): boolean {
    if (this.#incomingCount > 0 || this.#ready.length > 0 || this.#held.length > 0) return true;
    for (const state of this.#states) if (state.builder.count > 0 || state.queue.length > 0) return true;
    return false;
  }

  accept(record: UserRecord): void {
    this.#incoming[this.#incomingCount++] = record;
    this.#incomingKeyBytes += record.pkBytes;
    if (this.#incomingCount >= HASH_BATCH) {
      this.processIncoming();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.processIncoming());
    }
  }

  /** Hashes and routes every record accepted since the last call. */
  processIncoming(): void {
    this.#scheduled = false;
    const batch = this.#incoming;
    const count = this.#incomingCount;
    if (count === 0) return;
    const keyBytes = this.#incomingKeyBytes;
    this.#incoming = this.#spareIncoming;
    // Not shared with a nested pass (a record accepted while this one routes): that one gets a fresh array.
    this.#spareIncoming = [];
    this.#incomingCount = 0;
    this.#incomingKeyBytes = 0;
    const now = clock();
    const hashes = this.#hash(batch, count, keyBytes, now);
    const map = this.#map;
    // Each pass over a batch touches every record, so hashes are attached in the routing pass.
    if (map === undefined) {
      for (let i = 0; i < count; i++) {
        const record = batch[i] as UserRecord;
        record.hashes = hashes;
        record.hashOffset = 16 * i;
        this.#routeUnmapped(record);
      }
    } else {
      const indexes = this.#shardIndexes;
      this.#host.codec.lookupShards(hashes, count, map.rangeEnds, map.size, indexes);
      const states = this.#states;
      const last = states.length - 1;
      for (let i = 0; i < count; i++) {
        const record = batch[i] as UserRecord;
        record.hashes = hashes;
        record.hashOffset = 16 * i;
        this.#add(states[Math.min(indexes[i] as number, last)] as ShardState, record);
      }
    }
    // Settled records must not stay reachable from the spare array until it is next overwritten.
    batch.fill(undefined, 0, count);
    this.#spareIncoming = batch;
    if (this.#config.recordMaxBufferedTime === 0) this.tick(now, true);
    else this.#drainAll(now);
    this.#host.wake();
  }

  /**
   * Sends the collected Kinesis records now if they fill at least an eighth of a request (by bytes or by
   * records) and fewer than minRequestsInFlight requests are in flight. A caller that keeps only so many records outstanding
   * would otherwise wait with idle connections while one large request fills up. The floor keeps a
   * steady trickle from going out as one small request per finished aggregate, which costs more CPU per
   * record on both sides (and loses the batched MD5 of a request's aggregates). Sending early never
   * changes aggregation: only finished aggregates are collected.
   */
  sendIfIdle(): void {
    // Both floors are at least 1, so either one reached means something is collected.
    if (
      (this.#readyBytes >= this.#earlyCutBytes || this.#ready.length >= this.#earlyCutCount) &&
      this.#host.requestsInFlight() < this.#config.minRequestsInFlight
    ) {
      this.#cut();
    }
  }

  /**
   * Moves due aggregates on, drains the rate limiters and cuts a batch when the oldest collected record
   * is due. `force` ignores deadlines (flush). Returns whether records are still buffered.
   */
  tick(now: number, force: boolean): boolean {
    if (this.#incomingCount > 0) this.processIncoming();
    if (this.#held.length > 0) {
      this.#held = this.#host.dropExpired(this.#held, now);
      this.#releaseHeld(force ? Number.POSITIVE_INFINITY : now);
    }
    for (const state of this.#states) {
      if (state.builder.count > 0 && (force || state.builder.deadline <= now)) this.#emit(state);
      if (state.queue.length > 0) this.#drain(state, now);
    }
    if (this.#ready.length > 0 && (force || this.#readyDeadline <= now)) this.#cut();
    else this.sendIfIdle();
    return this.buffered;
  }

  /** A failed Kinesis record is due for another attempt (its expired records already failed). */
  retry(record: KinesisRecord, survivors: UserRecord[]): void {
    const state = record.shard;
    if (state !== undefined && this.#config.ordered) state.busy = false;
    if (survivors.length === record.records.length && this.#isCurrent(state)) {
      if (state === undefined) {
        this.#collect(record);
      } else {
        // Retries go before newer records of the shard: in ordered mode this keeps put() order.
        state.queue.unshift(record);
        this.#drain(state, clock());
      }
    } else {
      carryAttempts(record, survivors);
      this.#reroute(survivors);
      if (state !== undefined && state.index >= 0) this.#drain(state, clock());
    }
    this.sendIfIdle();
    this.#host.wake();
  }

  /** A Kinesis record of `state` settled or failed for good: ordered mode may send the next one. */
  release(record: KinesisRecord): void {
    const state = record.shard;
    if (state === undefined || !this.#config.ordered) return;
    state.busy = false;
    if (state.index >= 0 && state.queue.length > 0) {
      this.#drain(state, clock());
      this.#host.wake();
    }
  }

  /** Kinesis stored `record` on a shard other than the predicted one. */
  onUnexpectedShard(record: KinesisRecord, shardId: string, sequenceNumber: string): void {
    if (!record.aggregated) {
      // Kinesis routed the lone record by its own hash key, so it is where a reader looks for it.
      this.#host.succeed(record, shardId, sequenceNumber);
      this.refreshShardMap();
      return;
    }
    const map = this.#map;
    const index = map?.indexOf(shardId);
    if (map !== undefined && index !== undefined) {
      this.#check({ record, shardId, sequenceNumber }, map, index);
      this.refreshShardMap();
      return;
    }
    this.#awaiting.push({ record, shardId, sequenceNumber });
    this.refreshShardMap();
  }

  /** Fetches the shard map now (coalesced with a fetch in progress). */
  refreshShardMap(): void {
    if (this.#closed) return;
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return;
    }
    if (this.#refreshTimer !== undefined) return;
    this.#refreshing = true;
    this.#host.listShards(this.streamName).then(
      (shards) => {
        this.#refreshing = false;
        this.#refreshFailures = 0;
        if (this.#closed) return;
        this.#install(new ShardMap(shards));
        if (this.#refreshAgain) {
          this.#refreshAgain = false;
          this.refreshShardMap();
        }
      },
      (error: unknown) => {
        this.#refreshing = false;
        this.#refreshAgain = false;
        if (this.#closed) return;
        const delay = Math.min(REFRESH_MAX_BACKOFF, REFRESH_INITIAL_BACKOFF * 1.5 ** this.#refreshFailures);
        this.#refreshFailures++;
        this.#host.onShardMapError(this.streamName, error, delay);
        this.#refreshTimer = setTimeout(() => {
          this.#refreshTimer = undefined;
          this.refreshShardMap();
        }, delay);
        // Only records held for a map need the process to stay up for this timer.
        if (this.#held.length === 0 && this.#awaiting.length === 0) this.#refreshTimer.unref();
      },
    );
  }

  /** Everything still buffered, for close(): fails them with `error`. */
  close(error: unknown): void {
    this.#closed = true;
    if (this.#refreshTimer !== undefined) clearTimeout(this.#refreshTimer);
    if (this.#periodicTimer !== undefined) clearInterval(this.#periodicTimer);
    this.#refreshTimer = undefined;
    this.#periodicTimer = undefined;
    const left = this.#incoming.slice(0, this.#incomingCount) as UserRecord[];
    left.push(...this.#held);
    for (const state of this.#states) {
      left.push(...state.builder.take());
      for (const record of state.queue) left.push(...record.records);
      state.queue = [];
    }
    for (const record of this.#ready) left.push(...record.records);
    for (const check of this.#awaiting) left.push(...check.record.records);
    this.#incoming.fill(undefined, 0, this.#incomingCount);
    this.#incomingCount = 0;
    this.#incomingKeyBytes = 0;
    this.#held = [];
    this.#ready = [];
    this.#awaiting = [];
    for (const record of left) this.#host.fail(record, error);
  }

  /**
   * Stamps the batch's records with `now` and returns their 16-byte hash keys, in batch order: MD5 of
   * the partition key, or the explicit hash key. The buffer is shared by the batch's records for as
   * long as any of them lives.
   */
  #hash(batch: readonly (UserRecord | undefined)[], count: number, keyBytes: number, now: number): Uint8Array {
    if (this.#packBytes.length < keyBytes) this.#packBytes = Buffer.allocUnsafe(2 * keyBytes);
    if (this.#packOffsets.length < count + 1) this.#packOffsets = new Uint32Array(2 * (count + 1));
    if (this.#shardIndexes.length < count) this.#shardIndexes = new Uint32Array(2 * count);
    const { recordMaxBufferedTime, recordTtl } = this.#config;
    const bytes = this.#packBytes;
    const offsets = this.#packOffsets;
    let offset = 0;
    let explicit = false;
    for (let i = 0; i < count; i++) {
      const record = batch[i] as UserRecord;
      stampUserRecord(record, now, recordMaxBufferedTime, recordTtl);
      offsets[i] = offset;
      offset += writeKey(record.partitionKey, record.pkKind === PK_ASCII, bytes, offset);
      if (record.explicitHashKey !== undefined) explicit = true;
    }
    offsets[count] = offset;
    const hashes = new Uint8Array(16 * count);
    this.#host.codec.hashPackedKeys({ count, bytes, offsets: offsets.subarray(0, count + 1) }, hashes);
    if (explicit) {
      for (let i = 0; i < count; i++) {
        const ehk = (batch[i] as UserRecord).explicitHashKey;
        if (ehk !== undefined) hashKeyToBytes(BigInt(ehk), hashes, 16 * i);
      }
    }
    return hashes;
  }

  /**
   * Without a map, records wait for it until their deadline (a ListShards answer usually comes first),
   * then go out one per Kinesis record. Ordered mode always waits: unpredicted records would leave one
   * by one and could overtake each other.
   */
  #routeUnmapped(record: UserRecord): void {
    this.#held.push(record);
  }

  /**
   * Sends held records one by one once waiting for the map no longer pays: the last ListShards failed,
   * or the record waited past its deadline and MAP_WAIT_MS.
   */
  #releaseHeld(now: number): void {
    if (this.#config.ordered || this.#map !== undefined) return;
    const failed = this.#refreshFailures > 0;
    const held = this.#held;
    let kept = 0;
    for (let i = 0; i < held.length; i++) {
      const record = held[i] as UserRecord;
      if (record.deadline <= now && (failed || record.arrival + MAP_WAIT_MS <= now)) {
        this.#collect(new KinesisRecord([record], undefined, record.data.length));
      } else {
        held[kept++] = record;
      }
    }
    held.length = kept;
  }

  #route(record: UserRecord): void {
    const map = this.#map;
    if (map === undefined) {
      this.#routeUnmapped(record);
      return;
    }
    const index = Math.min(map.lookup(record.hashes, record.hashOffset), this.#states.length - 1);
    this.#add(this.#states[index] as ShardState, record);
  }

  #reroute(records: UserRecord[]): void {
    const linger = this.#config.recordMaxBufferedTime;
    const now = clock();
    for (const record of records) {
      record.deadline = Math.min(record.expiration, now + Math.floor(linger / 2));
      this.#route(record);
    }
  }

  #add(state: ShardState, record: UserRecord): void {
    const config = this.#config;
    if (!config.aggregationEnabled) {
      state.queue.push(new KinesisRecord([record], state, record.data.length));
      return;
    }
    const builder = state.builder;
    const max = this.#maxAggregateSize;
    if (builder.count >= config.aggregationMaxCount) this.#emit(state);
    if (!builder.tryAdd(record, max)) {
      this.#emit(state);
      builder.add(record);
    }
    if (builder.count >= config.aggregationMaxCount || builder.aggregatedSize >= max) this.#emit(state);
  }

  #emit(state: ShardState): void {
    const builder = state.builder;
    const size = builder.size;
    const staged = builder.staged();
    state.queue.push(new KinesisRecord(builder.take(), state, size, staged));
  }

  #drainAll(now: number): void {
    for (const state of this.#states) if (state.queue.length > 0) this.#drain(state, now);
    this.sendIfIdle();
  }

  #drain(state: ShardState, now: number): void {
    const ordered = this.#config.ordered;
    // state.queue is read afresh each turn: collecting may send a batch, and a send may put records back.
    while (state.queue.length > 0) {
      if (ordered && state.busy) break;
      const record = state.queue[0] as KinesisRecord;
      if (!state.limiter.tryTake(record.size, now)) break;
      state.queue.shift();
      if (ordered) state.busy = true;
      this.#collect(record);
    }
  }

  #collect(record: KinesisRecord): void {
    const config = this.#config;
    if (this.#ready.length > 0 && this.#readyBytes + record.size > config.collectionMaxSize) this.#cut();
    this.#ready.push(record);
    this.#readyBytes += record.size;
    if (record.deadline < this.#readyDeadline) this.#readyDeadline = record.deadline;
    if (this.#ready.length >= config.collectionMaxCount || this.#readyBytes >= config.collectionMaxSize) this.#cut();
  }

  #cut(): void {
    const batch = this.#ready;
    this.#ready = [];
    this.#readyBytes = 0;
    this.#readyDeadline = Number.POSITIVE_INFINITY;
    this.#host.dispatch(this, batch);
  }

  #isCurrent(state: ShardState | undefined): boolean {
    if (state === undefined) return this.#map === undefined;
    return state.index >= 0 && this.#states[state.index] === state;
  }

  #install(map: ShardMap): void {
    const previous = new Map<string, ShardState>();
    for (const state of this.#states) previous.set(state.shardId, state);
    const now = clock();
    const states = map.shards.map((description, index) => {
      const kept = previous.get(description.shardId);
      if (kept !== undefined) {
        previous.delete(description.shardId);
        kept.index = index;
        return kept;
      }
      const limiter = new ShardRateLimiter(this.#config.rateLimit, this.#config.maxRecordSize, now);
      return new ShardState(description, index, limiter);
    });
    const orphans: UserRecord[] = [];
    for (const gone of previous.values()) {
      gone.index = -1;
      orphans.push(...gone.builder.take());
      for (const record of gone.queue) {
        carryAttempts(record, record.records);
        orphans.push(...record.records);
      }
      gone.queue = [];
    }
    const changed = orphans.length > 0 || previous.size > 0 || this.#map === undefined;
    this.#map = map.size > 0 ? map : undefined;
    this.#states = map.size > 0 ? states : [];
    if (changed) this.#host.onShardMap(this.streamName, map);
    const held = this.#held;
    this.#held = [];
    this.#reroute(orphans);
    for (const record of held) this.#route(record);
    const awaiting = this.#awaiting;
    this.#awaiting = [];
    for (const check of awaiting) {
      const index = map.indexOf(check.shardId);
      if (index === undefined) {
        // The stream changed again since: the shard is already closed, so the answer cannot be checked.
        this.#host.onMisrouted(check.record, check.shardId);
        carryAttempts(check.record, check.record.records);
        this.#reroute(check.record.records);
      } else {
        this.#check(check, map, index);
      }
    }
    this.#drainAll(now);
    this.#host.wake();
  }

  /** Accepts an aggregate stored on shard `index` only if that shard's range holds every record. */
  #check(check: AwaitingCheck, map: ShardMap, index: number): void {
    for (const record of check.record.records) {
      if (!map.contains(index, record.hashes, record.hashOffset)) {
        // A KCL reader drops an aggregate whole when one record is out of range: send all of it again.
        this.#host.onMisrouted(check.record, check.shardId);
        carryAttempts(check.record, check.record.records);
        this.#reroute(check.record.records);
        return;
      }
    }
    this.#host.succeed(check.record, check.shardId, check.sequenceNumber);
  }
}

/**
 * Records leaving `record` for new Kinesis records take its attempts along: a user record's attempts
 * are its own count plus those of the Kinesis record it is in, so that sending never walks every user
 * record to count one more.
 */
function carryAttempts(record: KinesisRecord, users: readonly UserRecord[]): void {
  const attempts = record.attempts;
  if (attempts === 0) return;
  for (const user of users) user.attempts += attempts;
}
