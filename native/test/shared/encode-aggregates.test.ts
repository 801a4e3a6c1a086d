import { packStrings } from '@shardline/core';
import { getCodec } from '@shardline/native';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexOf, type ReferenceRecord, referenceAggregate } from '../support/reference-aggregate.js';

/** Packs records as one AggregateInput, with explicit hash keys as empty entries where absent. */
function pack(records: readonly ReferenceRecord[]) {
  const dataOffsets = new Uint32Array(records.length + 1);
  records.forEach((r, i) => {
    dataOffsets[i + 1] = (dataOffsets[i] as number) + r.data.length;
  });
  const withEhk = records.some((r) => r.explicitHashKey !== undefined);
  return {
    count: records.length,
    partitionKeys: packStrings(records.map((r) => r.partitionKey)),
    ...(withEhk ? { explicitHashKeys: packStrings(records.map((r) => r.explicitHashKey ?? '')) } : {}),
    data: Buffer.concat(records.map((r) => r.data)),
    dataOffsets,
  };
}

const recordArb = fc.record(
  {
    partitionKey: fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('a', 'é€😀', 'k'.repeat(256))),
    explicitHashKey: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(String),
    data: fc.uint8Array({ maxLength: 200 }),
  },
  { requiredKeys: ['partitionKey', 'data'] },
);

describe('encodeAggregates', () => {
  it('writes each aggregate exactly as encodeAggregate would, back to back, with its size', () => {
    const codec = getCodec();
    fc.assert(
      fc.property(
        fc.array(fc.array(recordArb, { minLength: 1, maxLength: 12 }), { minLength: 0, maxLength: 11 }),
        fc.nat(7),
        (groups, offset) => {
          const all = groups.flat();
          const bounds = new Uint32Array(groups.length + 1);
          groups.forEach((g, j) => {
            bounds[j + 1] = (bounds[j] as number) + g.length;
          });
          const expected = groups.map((g) => referenceAggregate(g));
          const total = expected.reduce((sum, b) => sum + b.length, 0);
          const out = new Uint8Array(offset + total + 5).fill(0xee);
          const sizes = new Uint32Array(groups.length + 1).fill(7);
          const input = all.length === 0 ? pack([{ partitionKey: 'unused', data: new Uint8Array(0) }]) : pack(all);
          const written = codec.encodeAggregates(input, bounds, groups.length, out, offset, sizes);
          expect(written).toBe(total);
          expect(Array.from(sizes.subarray(0, groups.length))).toEqual(expected.map((b) => b.length));
          expect(sizes[groups.length]).toBe(7);
          expect(hexOf(out.subarray(offset, offset + total))).toBe(hexOf(Buffer.concat(expected)));
          // Nothing outside the written range is touched.
          expect(out.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
          expect(out.subarray(offset + total).every((b) => b === 0xee)).toBe(true);
          let at = offset;
          groups.forEach((g, j) => {
            const alone = new Uint8Array(sizes[j] as number);
            expect(codec.encodeAggregate(pack(g), alone, 0)).toBe(sizes[j]);
            expect(hexOf(out.subarray(at, at + alone.length))).toBe(hexOf(alone));
            at += alone.length;
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('digests many same-sized aggregates (every SIMD lane in use) and long ones of unequal length', () => {
    const codec = getCodec();
    for (const [aggregates, records, size] of [
      [17, 3, 10],
      [9, 40, 1_000],
      [5, 2, 70_000],
    ] as const) {
      const groups = Array.from({ length: aggregates }, (_, j) =>
        Array.from({ length: records }, (_, i) => ({
          partitionKey: `k${j}-${i}`,
          data: new Uint8Array(size + ((j * 37) % 64)).fill((i + j) & 0xff),
        })),
      );
      const bounds = Uint32Array.from(groups.map((_, j) => j * records).concat(aggregates * records));
      const expected = Buffer.concat(groups.map((g) => referenceAggregate(g)));
      const out = new Uint8Array(expected.length);
      const sizes = new Uint32Array(aggregates);
      expect(codec.encodeAggregates(pack(groups.flat()), bounds, aggregates, out, 0, sizes)).toBe(expected.length);
      expect(hexOf(out)).toBe(hexOf(expected));
    }
  });

  it('throws RangeError on decreasing or empty bounds, short bounds or sizes, and a short output', () => {
    const codec = getCodec();
    const input = pack([
      { partitionKey: 'a', data: Uint8Array.of(1) },
      { partitionKey: 'b', data: Uint8Array.of(2) },
    ]);
    const big = new Uint8Array(512);
    const sizes = new Uint32Array(4);
    expect(() => codec.encodeAggregates(input, Uint32Array.of(1, 0), 1, big, 0, sizes)).toThrow(RangeError);
    expect(() => codec.encodeAggregates(input, Uint32Array.of(0, 0), 1, big, 0, sizes)).toThrow(RangeError);
    expect(() => codec.encodeAggregates(input, Uint32Array.of(0, 3), 1, big, 0, sizes)).toThrow(RangeError);
    expect(() => codec.encodeAggregates(input, Uint32Array.of(0, 1), 2, big, 0, sizes)).toThrow(RangeError);
    expect(() => codec.encodeAggregates(input, Uint32Array.of(0, 1, 2), 2, big, 0, new Uint32Array(1))).toThrow(
      RangeError,
    );
    expect(() => codec.encodeAggregates(input, Uint32Array.of(0, 2), 1, new Uint8Array(10), 0, sizes)).toThrow(
      RangeError,
    );
    expect(() => codec.encodeAggregates(input, Uint32Array.of(0, 2), 1, big, 513, sizes)).toThrow(RangeError);
    expect(codec.encodeAggregates(input, Uint32Array.of(0, 1, 2), 2, big, 0, sizes)).toBe(
      (sizes[0] as number) + (sizes[1] as number),
    );
    expect(codec.encodeAggregates(input, Uint32Array.of(0), 0, big, 0, sizes)).toBe(0);
  });
});
