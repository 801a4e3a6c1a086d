import { AggregateSizer, encodeAggregatedRecord, normalizeHashKey } from '@shardline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TestRecord } from './support/reference.js';

const record: fc.Arbitrary<TestRecord> = fc.record(
  {
    // Small key alphabets make repeats (table hits) common; full Unicode makes multi-byte lengths common.
    partitionKey: fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 256 }).filter((s) => s.length <= 256),
      fc.constantFrom('a', 'b', '€€€', '😀'),
    ),
    explicitHashKey: fc.option(
      fc.oneof(fc.constantFrom('1', '2'), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(String)),
      { nil: undefined },
    ),
    data: fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constant(new Uint8Array(20_000))),
  },
  { requiredKeys: ['partitionKey', 'data'] },
);

describe('AggregateSizer', () => {
  it('predicts and tracks the exact encoded size record by record', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 60 }), (list) => {
        const sizer = new AggregateSizer();
        expect(sizer.size).toBe(20);
        list.forEach((r, i) => {
          const predicted = sizer.sizeWith(r.partitionKey, r.explicitHashKey, r.data.length);
          expect(sizer.count).toBe(i);
          expect(sizer.add(r.partitionKey, r.explicitHashKey, r.data.length)).toBe(predicted);
          expect(sizer.size).toBe(predicted);
          expect(predicted).toBe(encodeAggregatedRecord(list.slice(0, i + 1)).length);
        });
        expect(sizer.count).toBe(list.length);
      }),
      { numRuns: 100 },
    );
  });

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    const sizer = new AggregateSizer();
    const key = '€'.repeat(100);
    // 20 overhead + table entry (1 + 2 + 300) + record (1 + 1 + [1 + 1 + 1 + 1 + 0]).
    expect(sizer.add(key, undefined, 0)).toBe(20 + 303 + 6);
    expect(sizer.size).toBe(encodeAggregatedRecord([{ partitionKey: key, data: new Uint8Array(0) }]).length);
  });

  it('treats an empty explicit hash key as none', () => {
    const sizer = new AggregateSizer();
    expect(sizer.sizeWith('a', '', 3)).toBe(sizer.sizeWith('a', undefined, 3));
  });

  it('shares the table entry of keys that encode to the same bytes (lone surrogates)', () => {
    const sizer = new AggregateSizer();
    sizer.add('x\ud800', undefined, 1);
    const second = sizer.add('x\udfff', undefined, 1);
    expect(second).toBe(
      encodeAggregatedRecord([
        { partitionKey: 'x\ud800', data: new Uint8Array(1) },
        { partitionKey: 'x\udfff', data: new Uint8Array(1) },
      ]).length,
    );
  });

  it('starts over after reset()', () => {
    const sizer = new AggregateSizer();
    sizer.add('a', normalizeHashKey('0042'), 10);
    sizer.reset();
    expect(sizer.count).toBe(0);
    expect(sizer.size).toBe(20);
    expect(sizer.add('b', undefined, 1)).toBe(
      encodeAggregatedRecord([{ partitionKey: 'b', data: new Uint8Array(1) }]).length,
    );
  });

  it('rejects bad arguments with InvalidArgumentError', () => {
    const sizer = new AggregateSizer();
    const code = 'SHARDLINE_ERR_INVALID_ARGUMENT';
    expect(() => sizer.sizeWith(1 as unknown as string, undefined, 1)).toThrow(expect.objectContaining({ code }));
    expect(() => sizer.add('a', 7 as unknown as string, 1)).toThrow(expect.objectContaining({ code }));
    expect(() => sizer.add('a', undefined, -1)).toThrow(expect.objectContaining({ code }));
    expect(() => sizer.add('a', undefined, 1.5)).toThrow(expect.objectContaining({ code }));
    expect(() => sizer.add('a', undefined, Number.NaN)).toThrow(expect.objectContaining({ code }));
    expect(sizer.count).toBe(0);
    expect(sizer.size).toBe(20);
  });
});
