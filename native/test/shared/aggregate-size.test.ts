import { aggregateSize, encodeAggregate } from '@shardline/native';
import { describe, expect, it } from 'vitest';
import { hexOf, referenceAggregate } from '../support/reference-aggregate.js';

describe('aggregateSize', () => {
  it.each([0, 1, 127, 128, 16_383, 16_384, 70_000])('is exact for data of %i bytes (varint boundaries)', (length) => {
    const records = [{ partitionKey: 'k', data: new Uint8Array(length) }];
    const expected = referenceAggregate(records);
    expect(aggregateSize(records)).toBe(expected.length);
    expect(hexOf(encodeAggregate(records, undefined, { maxSize: 1_000_000 }))).toBe(hexOf(expected));
  });

  it('is exact when table indexes need two-byte varints (200 distinct keys and hash keys)', () => {
    const records = Array.from({ length: 200 }, (_, i) => ({
      partitionKey: `k${i}`,
      explicitHashKey: String(i),
      data: new Uint8Array(3),
    }));
    expect(aggregateSize(records)).toBe(referenceAggregate(records).length);
  });

  it('counts repeated keys once', () => {
    const one = aggregateSize([{ partitionKey: 'key', data: 'x' }]);
    const two = aggregateSize([
      { partitionKey: 'key', data: 'x' },
      { partitionKey: 'key', data: 'x' },
    ]);
    // The second record adds only its Record message: tag, length, index field, data field.
    expect(two - one).toBe(1 + 1 + 2 + 3);
  });

  it('is the 20-byte overhead plus the protobuf', () => {
    // protobuf: 0a 01 61 (3) + 1a 04 08 00 1a 00 (6)
    expect(aggregateSize([{ partitionKey: 'a', data: new Uint8Array(0) }])).toBe(20 + 9);
  });
});
