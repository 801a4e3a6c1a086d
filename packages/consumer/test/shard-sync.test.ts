import { MAX_HASH_KEY, splitHashKeyRange } from '@shardline/core';
import { describe, expect, it } from 'vitest';
import { findHashRangeHole } from '../src/shard-sync/hash-range-coverage.js';
import { planNewLeases } from '../src/shard-sync/plan-new-leases.js';
import type { ShardInfo } from '../src/shard-sync/shard-info.js';

const [low, high] = splitHashKeyRange(2) as [
  { startingHashKey: bigint; endingHashKey: bigint },
  { startingHashKey: bigint; endingHashKey: bigint },
];
const full = { startingHashKey: 0n, endingHashKey: MAX_HASH_KEY };

function shard(shardId: string, parents: string[], closed: boolean, range = full): ShardInfo {
  return { shardId, parentShardIds: parents, hashKeyRange: range, closed };
}

// 0 was split into 1 and 2; 2 and 3 (a root) merged into 4.
const history = [
  shard('s0', [], true),
  shard('s1', ['s0'], false, low),
  shard('s2', ['s0'], true, high),
  shard('s3', [], true),
  shard('s4', ['s2', 's3'], false, high),
];

describe('planNewLeases', () => {
  it('TRIM_HORIZON bootstrap: every shard, parents first, children at TRIM_HORIZON', () => {
    const plan = planNewLeases(history, new Set(), 'TRIM_HORIZON');
    const order = plan.map((p) => p.shard.shardId);
    expect(order.indexOf('s0')).toBeLessThan(order.indexOf('s1'));
    expect(order.indexOf('s2')).toBeLessThan(order.indexOf('s4'));
    expect(order.indexOf('s3')).toBeLessThan(order.indexOf('s4'));
    expect(plan.every((p) => p.checkpoint.sequenceNumber === 'TRIM_HORIZON')).toBe(true);
  });

  it('LATEST bootstrap: only open shards, at LATEST', () => {
    const plan = planNewLeases(history, new Set(), 'LATEST');
    expect(plan.map((p) => [p.shard.shardId, p.checkpoint.sequenceNumber])).toEqual([
      ['s1', 'LATEST'],
      ['s4', 'LATEST'],
    ]);
  });

  it('AT_TIMESTAMP stores the timestamp with the lease', () => {
    const plan = planNewLeases([shard('s0', [], false)], new Set(), { timestamp: new Date(1234) });
    expect(plan[0]?.checkpoint.sequenceNumber).toBe('AT_TIMESTAMP');
    expect(plan[0]?.checkpointTimestamp).toBe(1234);
  });

  it('later syncs: new children of leased shards at TRIM_HORIZON; cleaned-up ancestors are not recreated', () => {
    const plan = planNewLeases(history, new Set(['s1', 's2', 's3']), 'LATEST');
    expect(plan.map((p) => [p.shard.shardId, p.checkpoint.sequenceNumber])).toEqual([['s4', 'TRIM_HORIZON']]);
  });
});

describe('findHashRangeHole', () => {
  it('finds the first uncovered key', () => {
    expect(findHashRangeHole([low, high])).toBeUndefined();
    expect(findHashRangeHole([high, low, full])).toBeUndefined();
    expect(findHashRangeHole([low])).toBe(high.startingHashKey);
    expect(findHashRangeHole([high])).toBe(0n);
    expect(findHashRangeHole([])).toBe(0n);
  });
});
