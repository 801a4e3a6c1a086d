import { MAX_HASH_KEY, TokenBucket } from '@shardline/core';
import type { SegmentPool } from './segment-pool.js';
import { formatSequenceNumber, sequenceSuffix } from './sequence-number.js';
import { ShardLog } from './shard-log.js';

const MIB = 1024 * 1024;

export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

/** Top 48 bits of a hash key: enough to route almost every record without touching a bigint. */
export function hashHigh48(key: bigint): number {
  return Number(key >> 80n);
}

export interface ShardInit {
  readonly index: number;
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
  readonly parentShardId?: string | undefined;
  readonly adjacentParentShardId?: string | undefined;
  readonly startingCounter: number;
  readonly createdMs: number;
  readonly streamToken: number;
  /** The broker's segment pool when it bounds retained memory. */
  readonly segments?: SegmentPool | undefined;
}

export class Shard {
  readonly index: number;
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  readonly adjacentParentShardId: string | undefined;
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
  readonly startHigh: number;
  readonly startingCounter: number;
  readonly createdMs: number;
  /** Digits after the counter in this shard's sequence numbers. */
  readonly suffix: string;
  readonly log: ShardLog;
  endingCounter: number | undefined;
  /** Arrival time of the newest record: arrivals never go backwards within a shard. */
  lastArrival = 0;
  closedMs: number | undefined;
  #writeRecords: TokenBucket | undefined;
  #writeBytes: TokenBucket | undefined;
  #readCalls: TokenBucket | undefined;
  #readBytes: TokenBucket | undefined;
  #iteratorCalls: TokenBucket | undefined;

  constructor(init: ShardInit) {
    this.index = init.index;
    this.shardId = shardIdOf(init.index);
    this.parentShardId = init.parentShardId;
    this.adjacentParentShardId = init.adjacentParentShardId;
    this.startingHashKey = init.startingHashKey;
    this.endingHashKey = init.endingHashKey;
    this.startHigh = hashHigh48(init.startingHashKey);
    this.startingCounter = init.startingCounter;
    this.createdMs = init.createdMs;
    this.suffix = sequenceSuffix(init.index, init.streamToken);
    this.log = new ShardLog(init.segments);
    if (init.startingHashKey < 0n || init.endingHashKey > MAX_HASH_KEY)
      throw new RangeError('hash range out of bounds');
  }

  get open(): boolean {
    return this.endingCounter === undefined;
  }

  sequenceNumber(counter: number): string {
    return formatSequenceNumber(counter, this.suffix);
  }

  /** AWS write limits: 1,000 records/s and 1 MiB/s per shard. */
  admitWrite(bytes: number, now: number): boolean {
    this.#writeRecords ??= new TokenBucket(1000, 1000, now);
    this.#writeBytes ??= new TokenBucket(MIB, MIB, now);
    if (!this.#writeRecords.tryTake(1, now)) return false;
    if (!this.#writeBytes.tryTake(bytes, now)) {
      this.#writeRecords.refund(1);
      return false;
    }
    return true;
  }

  /** AWS read limits: 5 GetRecords/s and 2 MiB/s per shard (a big read throttles the next calls). */
  admitRead(now: number): boolean {
    this.#readCalls ??= new TokenBucket(5, 5, now);
    this.#readBytes ??= new TokenBucket(2 * MIB, 2 * MIB, now);
    if (!this.#readBytes.positive(now)) return false;
    return this.#readCalls.tryTake(1, now);
  }

  chargeRead(bytes: number, now: number): void {
    this.#readBytes?.charge(bytes, now);
  }

  /** AWS: GetShardIterator 5 calls/s per open shard. */
  admitIterator(now: number): boolean {
    this.#iteratorCalls ??= new TokenBucket(5, 5, now);
    return this.#iteratorCalls.tryTake(1, now);
  }
}
