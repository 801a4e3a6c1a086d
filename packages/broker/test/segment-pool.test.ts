import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrokerState } from '../src/model/broker-state.js';
import { SegmentPool } from '../src/model/segment-pool.js';
import type { Shard } from '../src/model/shard.js';
import { ShardLog } from '../src/model/shard-log.js';
import { resolveBrokerOptions } from '../src/options/broker-options.js';
import { modelStream } from './helpers/model-stream.js';

const KIB = 1024;

function fill(log: ShardLog, from: number, count: number, size: number, arrival: (i: number) => number): void {
  for (let i = from; i < from + count; i++) {
    const data = Buffer.alloc(size, i & 0xff);
    data.writeUInt32BE(i);
    log.appendBytes(i, arrival(i), `k${i}`, data);
  }
}

function readIndexes(log: ShardLog): number[] {
  return log.readEntries(0, 1_000_000, Number.MAX_SAFE_INTEGER).entries.map((e) => e.data.readUInt32BE(0));
}

describe('SegmentPool', () => {
  it('reuses a dropped segment for the next log that needs one, with none of its old records', () => {
    const pool = new SegmentPool(0);
    const a = new ShardLog(pool);
    fill(a, 0, 400, 1000, () => 1);
    const held = pool.retainedBytes;
    expect(held).toBeGreaterThan(400 * 1000);
    a.dropOldestSegment();
    expect(pool.retainedBytes).toBeLessThan(held);
    const b = new ShardLog(pool);
    const before = pool.retainedBytes;
    fill(b, 0, 5, 1000, () => 2);
    // The first segments are small (16 KiB), so b's is one of a's dropped ones when sizes fit: either
    // way its records read back alone and intact.
    expect(pool.retainedBytes).toBeGreaterThan(before);
    expect(readIndexes(b)).toEqual([0, 1, 2, 3, 4]);
    b.clear();
    a.clear();
    expect(pool.retainedBytes).toBe(0);
    expect(a.start).toBe(a.end);
  });

  it('keeps each log readable and contiguous from its new start while the oldest segments go', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            log: fc.nat({ max: 2 }),
            count: fc.integer({ min: 1, max: 60 }),
            size: fc.integer({ min: 4, max: 3000 }),
          }),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        fc.integer({ min: 0, max: 512 * KIB }),
        (writes, bound) => {
          const pool = new SegmentPool(bound);
          const logs = [new ShardLog(pool), new ShardLog(pool), new ShardLog(pool)];
          const next = [0, 0, 0];
          let clock = 0;
          for (const w of writes) {
            const log = logs[w.log] as ShardLog;
            fill(log, next[w.log] as number, w.count, w.size, () => clock++);
            next[w.log] = (next[w.log] as number) + w.count;
            // What BrokerState.enforceRetainedBound does, over these three logs.
            while (pool.overBound) {
              const oldest = logs.reduce((x, y) => (y.oldestDroppableArrival < x.oldestDroppableArrival ? y : x));
              if (oldest.oldestDroppableArrival === Number.POSITIVE_INFINITY) break;
              oldest.dropOldestSegment();
            }
          }
          let footprint = 0;
          logs.forEach((log, i) => {
            const got = readIndexes(log);
            // The newest records survive, with no gap: exactly [start, end).
            expect(got).toEqual(Array.from({ length: log.end - log.start }, (_, k) => log.start + k));
            expect(log.end).toBe(next[i]);
            let bytes = 0;
            for (let k = log.start; k < log.end; k++) bytes += log.sizeAt(k);
            expect(log.retainedBytes).toBe(bytes);
            if (log.oldestDroppableArrival !== Number.POSITIVE_INFINITY) footprint++;
          });
          // Over the bound only when every log is down to its newest segment.
          if (pool.overBound) expect(footprint).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rolls a batch back into the pool without losing the records before the mark', () => {
    const pool = new SegmentPool(1024 * KIB);
    const log = new ShardLog(pool);
    fill(log, 0, 3, 100, () => 1);
    const mark = log.mark();
    const held = pool.retainedBytes;
    fill(log, 3, 200, 2000, () => 2);
    expect(pool.retainedBytes).toBeGreaterThan(held);
    log.truncate(mark);
    expect(pool.retainedBytes).toBe(held);
    expect(readIndexes(log)).toEqual([0, 1, 2]);
  });
});

describe('BrokerState.enforceRetainedBound', () => {
  it('drops the oldest records of all streams first and hands deleted streams back', () => {
    const state = new BrokerState(resolveBrokerOptions({ limits: 'off', maxRetainedBytes: 256 * KIB }));
    const streams = ['a', 'b'].map((name) => {
      return modelStream(state, name, 1);
    });
    const [a, b] = streams.map((s) => (s.shards[0] as Shard).log) as [ShardLog, ShardLog];
    let clock = 0;
    fill(a, 0, 300, 1000, () => clock++);
    fill(b, 0, 300, 1000, () => clock++);
    state.enforceRetainedBound();
    const pool = state.segments as SegmentPool;
    // Each log keeps its newest segment, so the bound holds unless both are down to that.
    if (pool.overBound) {
      expect([a.oldestDroppableArrival, b.oldestDroppableArrival]).toEqual([Infinity, Infinity]);
    }
    // a's records are all older than b's: b loses records only once a is down to its newest segment.
    if (b.start > 0) expect(a.oldestDroppableArrival).toBe(Number.POSITIVE_INFINITY);
    expect(a.start).toBeGreaterThan(0);
    expect(readIndexes(b).at(-1)).toBe(299);
    expect(readIndexes(a).at(-1)).toBe(299);
    for (const log of [a, b]) log.clear();
    expect(pool.retainedBytes).toBe(0);
    state.close();
  });

  it('does nothing without a bound', () => {
    const state = new BrokerState(resolveBrokerOptions({ limits: 'off' }));
    expect(state.segments).toBeUndefined();
    const stream = modelStream(state, 's', 1);
    const log = (stream.shards[0] as Shard).log;
    fill(log, 0, 500, 1000, (i) => i);
    state.enforceRetainedBound();
    expect(log.start).toBe(0);
    state.close();
  });
});
