import { TokenBucket } from '@shardline/core';
import { describe, expect, it } from 'vitest';
import { retryBackoff } from '../src/pipeline/retry-backoff.js';
import { ShardRateLimiter } from '../src/pipeline/shard-rate-limiter.js';

describe('TokenBucket', () => {
  it('refills at its rate up to its capacity', () => {
    const bucket = new TokenBucket(1000, 100, 0);
    expect(bucket.has(100, 0)).toBe(true);
    bucket.take(100);
    expect(bucket.has(1, 0)).toBe(false);
    expect(bucket.waitTime(50, 0)).toBe(50);
    expect(bucket.has(50, 50)).toBe(true);
    expect(bucket.has(101, 10_000)).toBe(true); // capped requests pass once the bucket is full
    expect(bucket.tokens).toBe(100);
  });
});

describe('ShardRateLimiter', () => {
  it('allows RateLimit % of 1000 records/s and 1 MiB/s per shard', () => {
    const limiter = new ShardRateLimiter(100, 1_048_576, 0);
    let records = 0;
    for (let t = 0; t <= 10_000; t += 10) while (limiter.tryTake(100, t)) records++;
    // One second of burst plus ten seconds at 1000/s.
    expect(records).toBeGreaterThanOrEqual(10_900);
    expect(records).toBeLessThanOrEqual(11_100);

    const bytes = new ShardRateLimiter(100, 1_048_576, 0);
    let sent = 0;
    for (let t = 0; t <= 10_000; t += 10) while (bytes.tryTake(51_200, t)) sent += 51_200;
    expect(sent / 1_048_576).toBeGreaterThan(10.5);
    expect(sent / 1_048_576).toBeLessThan(12.2);
  });

  it('backs off on throttling and recovers on accepted records', () => {
    const limiter = new ShardRateLimiter(150, 1_048_576, 0);
    limiter.onThrottled(0);
    expect(limiter.factor).toBeCloseTo(0.7);
    limiter.onThrottled(50); // within the hold-off: one signal
    expect(limiter.factor).toBeCloseTo(0.7);
    limiter.onThrottled(200);
    expect(limiter.factor).toBeCloseTo(0.49);
    expect(limiter.tryTake(10, 200)).toBe(false);
    for (let i = 0; i < 100; i++) limiter.onAccepted(300);
    expect(limiter.factor).toBe(1);
  });
});

describe('retryBackoff', () => {
  it('grows exponentially with jitter and stays under the cap', () => {
    expect(retryBackoff(1, 100, 5000, () => 0)).toBe(50);
    expect(retryBackoff(1, 100, 5000, () => 1)).toBe(100);
    expect(retryBackoff(3, 100, 5000, () => 1)).toBe(400);
    expect(retryBackoff(30, 100, 5000, () => 1)).toBe(5000);
    expect(retryBackoff(30, 100, 5000, () => 0)).toBe(2500);
  });
});
