import { TokenBucket } from '@shardline/core';
import { describe, expect, it } from 'vitest';

describe('TokenBucket', () => {
  it('starts full, refills at its rate and never above capacity', () => {
    const bucket = new TokenBucket(1000, 500, 0);
    expect(bucket.tryTake(500, 0)).toBe(true);
    expect(bucket.tryTake(1, 0)).toBe(false);
    expect(bucket.has(100, 100)).toBe(true);
    expect(bucket.has(101, 100)).toBe(false);
    expect(bucket.waitTime(200, 100)).toBe(100);
    bucket.charge(0, 10_000);
    expect(bucket.tokens).toBe(500);
  });

  it('lets one oversized request through when full, then stays in debt', () => {
    const bucket = new TokenBucket(1000, 100, 0);
    expect(bucket.tryTake(250, 0)).toBe(true);
    expect(bucket.positive(0)).toBe(false);
    expect(bucket.positive(149)).toBe(false);
    expect(bucket.positive(151)).toBe(true);
  });

  it('charges unconditionally, refunds up to capacity, drains to zero', () => {
    const bucket = new TokenBucket(1000, 100, 0);
    bucket.charge(150, 0);
    expect(bucket.tokens).toBe(-50);
    bucket.refund(500);
    expect(bucket.tokens).toBe(100);
    bucket.drain(0);
    expect(bucket.tokens).toBe(0);
    bucket.take(10);
    expect(bucket.tokens).toBe(-10);
  });

  it('applies a new rate from the moment it is set', () => {
    const bucket = new TokenBucket(1000, 1000, 0);
    bucket.charge(1000, 0);
    bucket.setRate(100, 500);
    expect(bucket.tokens).toBe(500);
    expect(bucket.waitTime(600, 500)).toBe(1000);
  });
});
