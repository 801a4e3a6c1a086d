import { TokenBucket } from '@shardline/core';

/** Kinesis write limits of one shard. */
export const SHARD_RECORDS_PER_SECOND = 1000;
export const SHARD_BYTES_PER_SECOND = 1_048_576;
/** Lowest fraction of the configured rate that throttling can push the limiter down to. */
const MIN_FACTOR = 0.1;
const DECREASE = 0.7;
/** Recovery per accepted Kinesis record, as a fraction of the configured rate. */
const INCREASE = 0.02;
/** Several throttled entries of one response count as one signal. */
const THROTTLE_HOLDOFF_MS = 100;

/**
 * Per-shard records/s and bytes/s buckets at RateLimit % of the shard limits. Unlike the KPL's, it adapts:
 * a throttled answer cuts the rate (multiplicative decrease) and accepted records win it back slowly.
 */
export class ShardRateLimiter {
  readonly #records: TokenBucket;
  readonly #bytes: TokenBucket;
  readonly #recordRate: number;
  readonly #byteRate: number;
  #factor = 1;
  #lastThrottle = Number.NEGATIVE_INFINITY;

  constructor(rateLimitPercent: number, maxRecordSize: number, now: number) {
    this.#recordRate = (SHARD_RECORDS_PER_SECOND * rateLimitPercent) / 100;
    this.#byteRate = (SHARD_BYTES_PER_SECOND * rateLimitPercent) / 100;
    // Capacity is one second of traffic, but never below one largest record, so every record can pass.
    this.#records = new TokenBucket(this.#recordRate, Math.max(1, this.#recordRate), now);
    this.#bytes = new TokenBucket(this.#byteRate, Math.max(this.#byteRate, maxRecordSize + 256), now);
  }

  /** Current fraction of the configured rate (1 until the service throttles). */
  get factor(): number {
    return this.#factor;
  }

  /** Takes tokens for one Kinesis record of `bytes` when both buckets allow it. */
  tryTake(bytes: number, now: number): boolean {
    if (!this.#records.has(1, now) || !this.#bytes.has(bytes, now)) return false;
    this.#records.take(1);
    this.#bytes.take(bytes);
    return true;
  }

  waitTime(bytes: number, now: number): number {
    return Math.max(this.#records.waitTime(1, now), this.#bytes.waitTime(bytes, now));
  }

  onThrottled(now: number): void {
    if (now - this.#lastThrottle < THROTTLE_HOLDOFF_MS) return;
    this.#lastThrottle = now;
    this.#factor = Math.max(MIN_FACTOR, this.#factor * DECREASE);
    this.#apply(now);
    this.#records.drain(now);
    this.#bytes.drain(now);
  }

  onAccepted(now: number): void {
    if (this.#factor >= 1) return;
    this.#factor = Math.min(1, this.#factor + INCREASE);
    this.#apply(now);
  }

  #apply(now: number): void {
    this.#records.setRate(this.#recordRate * this.#factor, now);
    this.#bytes.setRate(this.#byteRate * this.#factor, now);
  }
}
