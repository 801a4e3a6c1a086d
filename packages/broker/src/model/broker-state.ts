import type { ResolvedBrokerOptions } from '../options/broker-options.js';
import { KeyHasher } from './key-hasher.js';
import { SealedTokens } from './sealed-tokens.js';
import { SegmentPool } from './segment-pool.js';
import type { Shard } from './shard.js';
import type { ShardLog } from './shard-log.js';
import type { Stream } from './stream.js';

/** What the durable store needs to hear about; absent when the broker runs in memory. */
export interface StorageHooks {
  /** Records [from, to) of `shard` were appended; called before the write is acknowledged. */
  appended(stream: Stream, shard: Shard, from: number, to: number): void;
  /** Streams, shards, tags or settings changed. */
  metadataChanged(): void;
}

/** Everything the operations share: the streams, the sequence counter, time, timers, tokens. */
export class BrokerState {
  readonly options: ResolvedBrokerOptions;
  readonly tokens: SealedTokens;
  readonly streams = new Map<string, Stream>();
  readonly keyHasher = new KeyHasher();
  storage: StorageHooks | undefined;
  /** Every shard log's segments when maxRetainedBytes bounds them. */
  readonly segments: SegmentPool | undefined;
  #counter: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(options: ResolvedBrokerOptions, tokens: SealedTokens = new SealedTokens()) {
    this.options = options;
    this.tokens = tokens;
    this.segments = options.maxRetainedBytes === undefined ? undefined : new SegmentPool(options.maxRetainedBytes);
    // Starting from the clock keeps numbers growing across restarts of a memory-only broker too.
    this.#counter = Math.floor(options.clock()) * 1000;
  }

  now(): number {
    return this.options.clock();
  }

  get limitsOn(): boolean {
    return this.options.limits === 'aws';
  }

  nextCounter(): number {
    return this.#counter++;
  }

  /** After recovery: every new number must exceed every recovered one. */
  raiseCounter(above: number): void {
    if (above >= this.#counter) this.#counter = above + 1;
  }

  arn(name: string): string {
    return `arn:aws:kinesis:${this.options.region}:${this.options.accountId}:stream/${name}`;
  }

  openShardCount(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.openShards.length;
    return n;
  }

  /** Runs `fn` after `ms`, or right away when `ms` is 0 (tests want no status delay). */
  schedule(ms: number, fn: () => void): void {
    if (this.#closed) return;
    if (ms <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** A repeating timer that never keeps the process alive. */
  every(ms: number, fn: () => void): void {
    if (this.#closed) return;
    const timer = setInterval(fn, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  /**
   * With maxRetainedBytes: drops the oldest segments, over all shards, until the logs hold no more than
   * the bound (each log keeps its newest segment). Called after appends, never during one, so a batch's
   * rollback marks stay valid.
   */
  enforceRetainedBound(): void {
    const pool = this.segments;
    if (pool === undefined) return;
    while (pool.overBound) {
      let oldest: ShardLog | undefined;
      let arrival = Number.POSITIVE_INFINITY;
      for (const stream of this.streams.values()) {
        for (const shard of stream.shards) {
          const at = shard.log.oldestDroppableArrival;
          if (at < arrival) {
            arrival = at;
            oldest = shard.log;
          }
        }
      }
      if (oldest === undefined) return;
      oldest.dropOldestSegment();
    }
  }

  close(): void {
    this.segments?.clear();
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
