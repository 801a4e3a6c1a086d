import { encodeAggregatedRecord } from '@shardline/core';
import { describe, expect, it } from 'vitest';
import { referenceDecode, referenceEncode } from './support/reference.js';

describe('encodeAggregatedRecord', () => {
  it('builds the same bytes as the protobufjs reference', () => {
    const list = [
      { partitionKey: 'user-1', data: Buffer.from('a') },
      { partitionKey: 'user-2', explicitHashKey: '170141183460469231731687303715884105728', data: Buffer.from('bb') },
      { partitionKey: 'user-1', data: new Uint8Array(0) },
    ];
    const out = encodeAggregatedRecord(list);
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out.equals(referenceEncode(list))).toBe(true);
  });

  it('writes explicit hash keys in canonical decimal form', () => {
    const out = encodeAggregatedRecord([
      { partitionKey: 'a', explicitHashKey: '0007', data: new Uint8Array(1) },
      { partitionKey: 'b', explicitHashKey: '7', data: new Uint8Array(1) },
    ]);
    const decoded = referenceDecode(out);
    expect(decoded.explicitHashKeyTable).toEqual(['7']);
    expect(decoded.records.map((r) => r.explicitHashKeyIndex)).toEqual([0, 0]);
  });

  it('returns independent buffers: reused scratch space never leaks into an earlier result', () => {
    const first = [{ partitionKey: 'κλειδί', explicitHashKey: '5', data: Buffer.alloc(300, 1) }];
    const a = encodeAggregatedRecord(first);
    const snapshot = Buffer.from(a);
    const second = Array.from({ length: 50 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.alloc(i, 2) }));
    const b = encodeAggregatedRecord(second);
    expect(a.equals(snapshot)).toBe(true);
    expect(a.equals(referenceEncode(first))).toBe(true);
    expect(b.equals(referenceEncode(second))).toBe(true);
  });

  it('encodes aggregates larger than its reusable scratch space', () => {
    const list = [
      { partitionKey: 'big', data: Buffer.alloc(5 * 1024 * 1024, 3) },
      { partitionKey: 'small', data: Buffer.from('tail') },
    ];
    expect(encodeAggregatedRecord(list).equals(referenceEncode(list))).toBe(true);
  });

  it('accepts explicitHashKey: undefined as "no key"', () => {
    const out = encodeAggregatedRecord([{ partitionKey: 'a', explicitHashKey: undefined, data: new Uint8Array(1) }]);
    expect(referenceDecode(out).records[0]?.explicitHashKeyIndex).toBeUndefined();
  });

  const data = new Uint8Array(1);
  const cases: [string, unknown, string][] = [
    ['not an array', 'records', 'SHARDLINE_ERR_INVALID_ARGUMENT'],
    ['no records', [], 'SHARDLINE_ERR_INVALID_ARGUMENT'],
    ['a null record', [null], 'SHARDLINE_ERR_INVALID_ARGUMENT'],
    ['an empty partition key', [{ partitionKey: '', data }], 'SHARDLINE_ERR_INVALID_PARTITION_KEY'],
    ['a 257-character partition key', [{ partitionKey: 'k'.repeat(257), data }], 'SHARDLINE_ERR_INVALID_PARTITION_KEY'],
    ['a numeric partition key', [{ partitionKey: 5, data }], 'SHARDLINE_ERR_INVALID_PARTITION_KEY'],
    [
      'a non-decimal hash key',
      [{ partitionKey: 'a', explicitHashKey: '0x10', data }],
      'SHARDLINE_ERR_INVALID_HASH_KEY',
    ],
    [
      'a hash key above 2^128-1',
      [{ partitionKey: 'a', explicitHashKey: (1n << 128n).toString(), data }],
      'SHARDLINE_ERR_INVALID_HASH_KEY',
    ],
    ['an empty hash key', [{ partitionKey: 'a', explicitHashKey: '', data }], 'SHARDLINE_ERR_INVALID_HASH_KEY'],
    ['string data', [{ partitionKey: 'a', data: 'text' }], 'SHARDLINE_ERR_INVALID_ARGUMENT'],
    ['missing data', [{ partitionKey: 'a' }], 'SHARDLINE_ERR_INVALID_ARGUMENT'],
    ['array data', [{ partitionKey: 'a', data: [1, 2] }], 'SHARDLINE_ERR_INVALID_ARGUMENT'],
  ];
  it.each(cases)('rejects %s', (_name, input, code) => {
    expect(() => encodeAggregatedRecord(input as never)).toThrow(expect.objectContaining({ code }));
  });
});
