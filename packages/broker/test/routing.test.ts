import { hash } from 'node:crypto';
import { partitionKeyHash, splitHashKeyRange } from '@shardline/core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { BrokerState } from '../src/model/broker-state.js';
import { splitShard } from '../src/model/resharding.js';
import type { Shard } from '../src/model/shard.js';
import { resolveBrokerOptions } from '../src/options/broker-options.js';
import { modelStream } from './helpers/model-stream.js';

it('routes every partition key to the shard whose range holds its MD5, including at range edges', () => {
  const state = new BrokerState(resolveBrokerOptions({ limits: 'off' }));
  const stream = modelStream(state, 's', 7);
  // Splits whose boundary shares its top 48 bits with neighbours exercise the exact bigint path.
  const edge = splitHashKeyRange(7)[3]?.startingHashKey ?? 0n;
  const owner = stream.routeKey(edge + 5n);
  splitShard(state, stream, owner, edge + 3n);
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 64 }), (key) => {
      const h = partitionKeyHash(key);
      const shard = stream.routeDigest(hash('md5', key, 'binary'));
      expect(h >= shard.startingHashKey && h <= shard.endingHashKey).toBe(true);
      expect(shard.open).toBe(true);
    }),
    { numRuns: 2000 },
  );
  const keys = Array.from({ length: 500 }, (_, i) => `key-${i}-é`);
  const shards: Shard[] = [];
  state.keyHasher.route(stream, keys, shards);
  keys.forEach((key, i) => {
    const h = partitionKeyHash(key);
    expect(h >= (shards[i] as Shard).startingHashKey && h <= (shards[i] as Shard).endingHashKey).toBe(true);
  });
  const digestOf = (key: bigint): string => Buffer.from(key.toString(16).padStart(32, '0'), 'hex').toString('latin1');
  for (const key of [edge, edge + 1n, edge + 2n, edge + 3n, edge + 4n, edge - 1n, 0n, (1n << 128n) - 1n]) {
    const shard = stream.routeDigest(digestOf(key));
    expect(key >= shard.startingHashKey && key <= shard.endingHashKey).toBe(true);
    const bytes = Buffer.concat([Buffer.alloc(3), Buffer.from(digestOf(key), 'latin1')]);
    expect(stream.routeDigestBytes(bytes, 3)).toBe(shard);
  }
});
