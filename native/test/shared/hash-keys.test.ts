import { createHash } from 'node:crypto';
import { packStrings } from '@shardline/core';
import { getCodec, hashKeys } from '@shardline/native';
import { describe, expect, it } from 'vitest';

const hex = (bytes: Uint8Array, i: number): string => Buffer.from(bytes.subarray(i * 16, i * 16 + 16)).toString('hex');

// RFC 1321 appendix A.5, plus lengths around the 55/56/64-byte padding boundaries.
const RFC_VECTORS: readonly (readonly [string, string])[] = [
  ['a', '0cc175b9c0f1b6a831c399e269772661'],
  ['abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  [
    '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
    '57edf4a22be3c955ac49da2e2107b67a',
  ],
];

describe('hashKeys', () => {
  it('matches the RFC 1321 test vectors', () => {
    const out = hashKeys(RFC_VECTORS.map(([key]) => key));
    for (const [i, [, digest]] of RFC_VECTORS.entries()) expect(hex(out, i)).toBe(digest);
  });

  it('hashes the UTF-8 bytes of Unicode keys, including astral characters and lone surrogates', () => {
    const keys = [
      'é',
      '日本語のキー',
      '🦀🚀',
      'mixed ascii ü and 𝄞',
      '\ud800',
      'x\udfffy',
      'k'.repeat(256),
      '€'.repeat(256),
    ];
    const out = hashKeys(keys);
    for (const [i, key] of keys.entries())
      expect(hex(out, i)).toBe(createHash('md5').update(key, 'utf8').digest('hex'));
  });

  it('covers every length across the MD5 padding boundaries', () => {
    const keys = Array.from({ length: 200 }, (_, n) => 'q'.repeat(n + 1));
    const out = hashKeys(keys);
    for (const [i, key] of keys.entries()) expect(hex(out, i)).toBe(createHash('md5').update(key).digest('hex'));
  });

  it('writes into a caller buffer and returns it', () => {
    const out = new Uint8Array(48);
    expect(hashKeys(['a', 'b'], out)).toBe(out);
    expect(hex(out, 1)).toBe('92eb5ffee6ae2fec3ad71c777531578f');
    expect(out.subarray(32)).toEqual(new Uint8Array(16));
  });

  it('accepts PackedStrings directly, including offsets that do not start at zero', () => {
    const packed = packStrings(['shard', 'line']);
    expect(hex(hashKeys(packed), 1)).toBe(createHash('md5').update('line').digest('hex'));
    const bytes = Buffer.from('__abcdef');
    const shifted = { count: 2, bytes, offsets: Uint32Array.of(2, 5, 8) };
    const out = hashKeys(shifted);
    expect(hex(out, 0)).toBe(createHash('md5').update('abc').digest('hex'));
    expect(hex(out, 1)).toBe(createHash('md5').update('def').digest('hex'));
  });

  it('hashes batches of every size with keys of mixed lengths side by side (SIMD lanes, partial groups)', () => {
    const codec = getCodec();
    for (let count = 1; count <= 20; count++) {
      const keys = Array.from({ length: count }, (_, i) => 'k'.repeat((i * 53 + count * 7) % 260));
      const out = new Uint8Array(16 * count);
      codec.hashPackedKeys(packStrings(keys), out);
      for (const [i, key] of keys.entries()) expect(hex(out, i)).toBe(createHash('md5').update(key).digest('hex'));
    }
  });

  it('returns an empty result for no keys', () => {
    expect(hashKeys([])).toEqual(new Uint8Array(0));
  });

  it('agrees with the codec hashPackedKeys on 1000 keys', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `partition-${i}-${'z'.repeat(i % 70)}`);
    const viaCodec = new Uint8Array(16_000);
    getCodec().hashPackedKeys(packStrings(keys), viaCodec);
    expect(hashKeys(keys)).toEqual(viaCodec);
  });
});
