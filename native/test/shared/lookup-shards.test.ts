import { hashKeyToBytes, MAX_HASH_KEY, splitHashKeyRange } from '@shardline/core';
import { getCodec, lookupShards } from '@shardline/native';
import { describe, expect, it } from 'vitest';

function keysAsBytes(keys: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(keys.length * 16);
  for (const [i, key] of keys.entries()) hashKeyToBytes(key, out, i * 16);
  return out;
}

describe('lookupShards', () => {
  const ends = splitHashKeyRange(4).map((r) => r.endingHashKey);

  it('maps a hash equal to an ending hash key to that shard, and the next key to the next shard', () => {
    const hashes = keysAsBytes([ends[0] as bigint, (ends[0] as bigint) + 1n, ends[2] as bigint, MAX_HASH_KEY, 0n]);
    expect([...lookupShards(hashes, ends)]).toEqual([0, 1, 2, 3, 0]);
  });

  it('returns the shard count for a hash above every end', () => {
    const partial = [100n, 200n];
    const hashes = keysAsBytes([99n, 100n, 150n, 200n, 201n, MAX_HASH_KEY]);
    expect([...lookupShards(hashes, partial)]).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('sends everything to the only shard of a one-shard stream', () => {
    const hashes = keysAsBytes([0n, 1n, 2n ** 64n, MAX_HASH_KEY]);
    expect([...lookupShards(hashes, [MAX_HASH_KEY])]).toEqual([0, 0, 0, 0]);
  });

  it('compares all 16 bytes (keys differing only in the low 64 bits)', () => {
    const base = 5n << 64n;
    const hashes = keysAsBytes([base, base + 1n, base + 2n]);
    expect([...lookupShards(hashes, [base, base + 1n, MAX_HASH_KEY])]).toEqual([0, 1, 2]);
  });

  it('accepts packed 16-byte ends, writes into a caller array and returns it', () => {
    const out = new Uint32Array(3).fill(99);
    const hashes = keysAsBytes([ends[3] as bigint, ends[1] as bigint]);
    expect(lookupShards(hashes, keysAsBytes(ends), out)).toBe(out);
    expect([...out]).toEqual([3, 1, 99]);
  });

  it('handles no hashes', () => {
    expect(lookupShards(new Uint8Array(0), ends)).toEqual(new Uint32Array(0));
  });

  it('agrees with a linear scan over 1000 shards', () => {
    const many = splitHashKeyRange(1000).map((r) => r.endingHashKey);
    const probes = Array.from({ length: 500 }, (_, i) => (MAX_HASH_KEY / 500n) * BigInt(i) + BigInt(i));
    const out = new Uint32Array(probes.length);
    getCodec().lookupShards(keysAsBytes(probes), probes.length, keysAsBytes(many), many.length, out);
    for (const [i, probe] of probes.entries()) expect(out[i]).toBe(many.findIndex((end) => end >= probe));
  });
});
