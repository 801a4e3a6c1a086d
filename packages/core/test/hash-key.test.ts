import { createHash } from 'node:crypto';
import {
  assertPartitionKey,
  compareHashKeyBytes,
  hashKeyBytesToDecimal,
  hashKeyFromBytes,
  hashKeyToBytes,
  MAX_HASH_KEY,
  MAX_PARTITION_KEY_LENGTH,
  normalizeHashKey,
  parseHashKey,
  partitionKeyHash,
  partitionKeyHashBytes,
  rangeContains,
  splitHashKeyRange,
} from '@shardline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const hash128 = fc.bigInt({ min: 0n, max: MAX_HASH_KEY });

describe('hash keys: decimal, bytes and bigint', () => {
  it('round-trips bigint -> bytes -> bigint and -> decimal', () => {
    fc.assert(
      fc.property(hash128, fc.nat(16), (value, offset) => {
        const bytes = hashKeyToBytes(value, new Uint8Array(32), offset);
        expect(hashKeyFromBytes(bytes, offset)).toBe(value);
        expect(hashKeyBytesToDecimal(bytes, offset)).toBe(value.toString());
        expect(parseHashKey(value.toString())).toBe(value);
        expect(hashKeyToBytes(value.toString())).toEqual(hashKeyToBytes(value));
      }),
    );
  });

  it('writes 16 big-endian bytes', () => {
    expect(Buffer.from(hashKeyToBytes(1n)).toString('hex')).toBe(`${'00'.repeat(15)}01`);
    expect(Buffer.from(hashKeyToBytes(MAX_HASH_KEY)).toString('hex')).toBe('ff'.repeat(16));
    expect(Buffer.from(hashKeyToBytes(1n << 120n)).toString('hex')).toBe(`01${'00'.repeat(15)}`);
  });

  it('orders byte forms like the numbers', () => {
    fc.assert(
      fc.property(hash128, hash128, (a, b) => {
        const sign = Math.sign(compareHashKeyBytes(hashKeyToBytes(a), 0, hashKeyToBytes(b), 0));
        expect(sign).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });

  it('normalises leading zeros away and keeps canonical keys unchanged', () => {
    fc.assert(
      fc.property(hash128, fc.nat(5), (value, zeros) => {
        const canonical = value.toString();
        expect(normalizeHashKey(canonical)).toBe(canonical);
        expect(normalizeHashKey('0'.repeat(zeros) + canonical)).toBe(canonical);
      }),
    );
    expect(normalizeHashKey('0')).toBe('0');
    expect(normalizeHashKey('000')).toBe('0');
    expect(normalizeHashKey(`000${MAX_HASH_KEY}`)).toBe(MAX_HASH_KEY.toString());
  });

  it('rejects invalid hash keys with InvalidHashKeyError', () => {
    const code = 'SHARDLINE_ERR_INVALID_HASH_KEY';
    for (const bad of [
      '',
      ' 1',
      '1 ',
      '-1',
      '+1',
      '1.0',
      '1e3',
      '٣',
      (MAX_HASH_KEY + 1n).toString(),
      '9'.repeat(40),
      7,
      7n,
      null,
      undefined,
    ]) {
      expect(() => normalizeHashKey(bad)).toThrow(expect.objectContaining({ code }));
      expect(() => parseHashKey(bad)).toThrow(expect.objectContaining({ code }));
    }
    expect(() => hashKeyToBytes(-1n)).toThrow(expect.objectContaining({ code }));
    expect(() => hashKeyToBytes(MAX_HASH_KEY + 1n)).toThrow(expect.objectContaining({ code }));
    expect(() => hashKeyToBytes(1n, new Uint8Array(16), 1)).toThrow(RangeError);
    expect(() => hashKeyFromBytes(new Uint8Array(15))).toThrow(RangeError);
    expect(() => hashKeyFromBytes(new Uint8Array(16), -1)).toThrow(RangeError);
    expect(() => hashKeyBytesToDecimal(new Uint8Array(20), 5)).toThrow(RangeError);
  });
});

describe('partition keys', () => {
  it('hashes the UTF-8 bytes with MD5, read big-endian', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }).filter((s) => s.length <= 256),
        (key) => {
          const digest = createHash('md5').update(Buffer.from(key, 'utf8')).digest();
          expect(partitionKeyHashBytes(key).equals(digest)).toBe(true);
          expect(partitionKeyHash(key)).toBe(BigInt(`0x${digest.toString('hex')}`));
        },
      ),
    );
    // A value checked by hand against the KPL: MD5("a") = 0cc175b9c0f1b6a831c399e269772661.
    expect(partitionKeyHash('a')).toBe(0x0cc175b9c0f1b6a831c399e269772661n);
  });

  it('accepts 1 to 256 UTF-16 units and rejects everything else', () => {
    const code = 'SHARDLINE_ERR_INVALID_PARTITION_KEY';
    expect(() => assertPartitionKey('k'.repeat(MAX_PARTITION_KEY_LENGTH))).not.toThrow();
    expect(() => assertPartitionKey('😀'.repeat(128))).not.toThrow();
    for (const bad of ['', 'k'.repeat(257), '😀'.repeat(129), 1, null, undefined, {}]) {
      expect(() => assertPartitionKey(bad)).toThrow(expect.objectContaining({ code }));
    }
    expect(() => partitionKeyHash('')).toThrow(expect.objectContaining({ code }));
  });
});

describe('splitHashKeyRange', () => {
  it('matches the ranges AWS gives a 4-shard stream', () => {
    const ranges = splitHashKeyRange(4);
    expect(ranges.map((r) => [r.startingHashKey.toString(), r.endingHashKey.toString()])).toEqual([
      ['0', '85070591730234615865843651857942052863'],
      ['85070591730234615865843651857942052864', '170141183460469231731687303715884105727'],
      ['170141183460469231731687303715884105728', '255211775190703847597530955573826158591'],
      ['255211775190703847597530955573826158592', '340282366920938463463374607431768211455'],
    ]);
  });

  it('gives contiguous ranges covering 0..2^128-1 for any shard count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), (count) => {
        const ranges = splitHashKeyRange(count);
        expect(ranges).toHaveLength(count);
        expect(ranges[0]?.startingHashKey).toBe(0n);
        expect(ranges.at(-1)?.endingHashKey).toBe(MAX_HASH_KEY);
        const step = (MAX_HASH_KEY + 1n) / BigInt(count);
        ranges.forEach((r, i) => {
          expect(r.startingHashKey <= r.endingHashKey).toBe(true);
          if (i > 0) expect(r.startingHashKey).toBe((ranges[i - 1]?.endingHashKey ?? -2n) + 1n);
          if (i < count - 1) expect(r.endingHashKey - r.startingHashKey + 1n).toBe(step);
        });
      }),
      { numRuns: 50 },
    );
  });

  it('places every hash key in exactly one range', () => {
    const ranges = splitHashKeyRange(7);
    fc.assert(
      fc.property(hash128, (h) => {
        expect(ranges.filter((r) => rangeContains(r, h))).toHaveLength(1);
      }),
    );
  });

  it('rejects shard counts that are not integers in 1..100000', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 100_001, '4', undefined]) {
      expect(() => splitHashKeyRange(bad as number)).toThrow(
        expect.objectContaining({ code: 'SHARDLINE_ERR_INVALID_ARGUMENT' }),
      );
    }
  });
});
