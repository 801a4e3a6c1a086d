import { hashKeyToBytes } from '@shardline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeHashKeyDecimal } from '../src/transport/write-hash-key-decimal.js';

function decimal(key: bigint, offset = 0): string {
  const bytes = new Uint8Array(offset + 16);
  hashKeyToBytes(key, bytes, offset);
  const out = Buffer.alloc(45, 0x2e);
  const end = writeHashKeyDecimal(bytes, offset, out, 2);
  expect(out[0]).toBe(0x2e);
  expect(out[end]).toBe(0x2e);
  return out.toString('latin1', 2, end);
}

describe('writeHashKeyDecimal', () => {
  it('prints any 128-bit key as BigInt#toString does', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), fc.nat(8), (key, offset) => {
        expect(decimal(key, offset)).toBe(key.toString());
      }),
    );
  });

  it('handles the edges: zero, chunk boundaries, the largest key', () => {
    for (const key of [
      0n,
      1n,
      9n,
      10n,
      999_999_999n,
      1_000_000_000n,
      10n ** 18n,
      10n ** 18n - 1n,
      2n ** 64n,
      2n ** 128n - 1n,
    ]) {
      expect(decimal(key)).toBe(key.toString());
    }
  });

  it('refuses bytes out of range', () => {
    expect(() => writeHashKeyDecimal(new Uint8Array(15), 0, Buffer.alloc(40), 0)).toThrow(RangeError);
  });
});
