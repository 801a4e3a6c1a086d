import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/bench/latency-histogram.js';

describe('LatencyHistogram', () => {
  it('reports percentiles in milliseconds within HdrHistogram precision', () => {
    const h = new LatencyHistogram();
    for (let us = 1; us <= 100_000; us++) h.recordMicros(us);
    const p = h.percentiles();
    expect(p.count).toBe(100_000);
    expect(p.p50).toBeCloseTo(50, 0);
    expect(p.p90).toBeCloseTo(90, 0);
    expect(p.p99).toBeCloseTo(99, 0);
    expect(p.p999).toBeCloseTo(99.9, 0);
    expect(p.max).toBeCloseTo(100, 0);
  });

  it('merges compressed deltas as a worker would ship them', () => {
    const worker = new LatencyHistogram();
    const total = new LatencyHistogram();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 1000; i++) worker.recordMicros(1000 * (round + 1));
      total.addEncoded(worker.encode());
      worker.reset();
    }
    expect(total.count).toBe(3000);
    expect(total.percentiles().max).toBeCloseTo(3, 1);
    expect(total.percentiles().p50).toBeCloseTo(2, 1);
  });

  it('counts runs of equal values exactly, whatever is read in between', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 500; i++) h.recordMicros(2000);
    expect(h.count).toBe(500);
    for (let i = 0; i < 500; i++) h.recordMicros(2000.2);
    for (let i = 0; i < 10; i++) h.recordMicros(9000);
    const copy = new LatencyHistogram();
    copy.addEncoded(h.encode());
    expect(copy.count).toBe(1010);
    expect(copy.percentiles().p50).toBeCloseTo(2, 1);
    expect(copy.percentiles().max).toBeCloseTo(9, 1);
    h.reset();
    expect(h.count).toBe(0);
  });

  it('clamps out-of-range values instead of throwing, and reports zeros when empty', () => {
    const h = new LatencyHistogram();
    expect(h.percentiles()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    h.recordMicros(-5);
    h.recordMicros(1e12);
    expect(h.count).toBe(2);
  });
});
