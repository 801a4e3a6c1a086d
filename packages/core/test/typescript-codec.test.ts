import { createHash } from 'node:crypto';
import { type AggregateInput, hashKeyFromBytes, hashKeyToBytes, packStrings, typescriptCodec } from '@shardline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceDecode, referenceEncode, type TestRecord, toAggregateInput } from './support/reference.js';

const encoder = new TextEncoder();

/** Keys of 1..256 UTF-16 units drawn from all of Unicode (well-formed: no lone surrogates). */
const unicodeKey = fc.string({ unit: 'binary', minLength: 1, maxLength: 256 }).filter((s) => s.length <= 256);
const decimalKey = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((v) => v.toString());
const record: fc.Arbitrary<TestRecord> = fc.record(
  {
    partitionKey: fc.oneof(unicodeKey, fc.constantFrom('a', 'b', 'shared-key')),
    explicitHashKey: fc.option(fc.oneof(decimalKey, fc.constantFrom('0', '7')), { nil: undefined }),
    data: fc.uint8Array({ maxLength: 300 }),
  },
  { requiredKeys: ['partitionKey', 'data'] },
);
const records = fc.array(record, { minLength: 1, maxLength: 40 });

function encode(input: AggregateInput): Buffer {
  const out = Buffer.alloc(typescriptCodec.aggregateSize(input));
  expect(typescriptCodec.encodeAggregate(input, out)).toBe(out.length);
  return out;
}

describe('packStrings', () => {
  it('packs UTF-8 bytes with count + 1 offsets', () => {
    const packed = packStrings(['a', '', '€', '😀x']);
    expect(packed.count).toBe(4);
    expect([...packed.offsets]).toEqual([0, 1, 1, 4, 9]);
    expect(Buffer.from(packed.bytes).toString('utf8')).toBe('a€😀x');
  });

  it('handles an empty list', () => {
    const packed = packStrings([]);
    expect(packed.count).toBe(0);
    expect([...packed.offsets]).toEqual([0]);
    expect(packed.bytes.length).toBe(0);
  });

  it('writes lone surrogates as U+FFFD, as every UTF-8 encoder does', () => {
    const packed = packStrings(['\ud800']);
    expect(Buffer.from(packed.bytes).toString('hex')).toBe('efbfbd');
  });

  it('round-trips arbitrary strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (strings) => {
        const packed = packStrings(strings);
        const back = strings.map((_, i) =>
          Buffer.from(packed.bytes.subarray(packed.offsets[i], packed.offsets[i + 1])).toString('utf8'),
        );
        expect(back).toEqual(strings);
      }),
    );
  });

  it('rejects non-arrays and non-string entries with InvalidArgumentError', () => {
    expect(() => packStrings('abc' as unknown as string[])).toThrow(
      expect.objectContaining({ code: 'SHARDLINE_ERR_INVALID_ARGUMENT' }),
    );
    expect(() => packStrings(['a', 1 as unknown as string])).toThrow(
      expect.objectContaining({ code: 'SHARDLINE_ERR_INVALID_ARGUMENT' }),
    );
    expect(() => packStrings([null as unknown as string])).toThrow(/entry 0/);
  });
});

describe('typescriptCodec.encodeAggregate', () => {
  it('is the typescript implementation', () => {
    expect(typescriptCodec.implementation).toBe('typescript');
    expect(Object.isFrozen(typescriptCodec)).toBe(true);
  });

  it('writes the documented bytes for a small aggregate', () => {
    const input = toAggregateInput([
      { partitionKey: 'a', data: encoder.encode('hi') },
      { partitionKey: 'b', explicitHashKey: '12', data: new Uint8Array(0) },
      { partitionKey: 'a', data: encoder.encode('x') },
    ]);
    const out = encode(input);
    const body = '0a01610a0162120231321a0608001a0268691a06080110001a001a0508001a0178';
    expect(out.subarray(0, 4).toString('hex')).toBe('f3899ac2');
    expect(out.subarray(4, out.length - 16).toString('hex')).toBe(body);
    expect(out.subarray(out.length - 16)).toEqual(createHash('md5').update(Buffer.from(body, 'hex')).digest());
  });

  it('equals the protobufjs reference encoding byte for byte', () => {
    fc.assert(
      fc.property(records, (list) => {
        expect(encode(toAggregateInput(list)).equals(referenceEncode(list))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes back to the same tables and records with protobufjs', () => {
    fc.assert(
      fc.property(records, (list) => {
        const decoded = referenceDecode(encode(toAggregateInput(list)));
        list.forEach((r, i) => {
          const d = decoded.records[i];
          expect(d).toBeDefined();
          if (d === undefined) return;
          expect(decoded.partitionKeyTable[d.partitionKeyIndex]).toBe(r.partitionKey);
          if (r.explicitHashKey === undefined) expect(d.explicitHashKeyIndex).toBeUndefined();
          else expect(decoded.explicitHashKeyTable[d.explicitHashKeyIndex as number]).toBe(r.explicitHashKey);
          expect(Buffer.from(d.data).equals(Buffer.from(r.data))).toBe(true);
        });
        expect(decoded.records.length).toBe(list.length);
      }),
      { numRuns: 200 },
    );
  });

  it('reports the exact size and writes at an offset without touching other bytes', () => {
    fc.assert(
      fc.property(records, fc.nat(64), (list, offset) => {
        const input = toAggregateInput(list);
        const size = typescriptCodec.aggregateSize(input);
        const out = Buffer.alloc(size + offset + 8, 0xee);
        expect(typescriptCodec.encodeAggregate(input, out, offset)).toBe(size);
        expect(out.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
        expect(out.subarray(offset + size).every((b) => b === 0xee)).toBe(true);
        expect(out.subarray(offset, offset + size).equals(referenceEncode(list))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('deduplicates keys by bytes and writes multi-byte varints for long data and many keys', () => {
    const list: TestRecord[] = [];
    for (let i = 0; i < 300; i++) {
      list.push({
        partitionKey: `k${i % 150}`,
        explicitHashKey: i % 3 === 0 ? String(i % 200) : undefined,
        data: new Uint8Array(i),
      });
    }
    list.push({ partitionKey: 'big', data: new Uint8Array(70_000).fill(7) });
    const out = encode(toAggregateInput(list));
    expect(out.equals(referenceEncode(list))).toBe(true);
    const decoded = referenceDecode(out);
    expect(decoded.partitionKeyTable.length).toBe(151);
    expect(decoded.explicitHashKeyTable.length).toBe(new Set(list.flatMap((r) => r.explicitHashKey ?? [])).size);
  });

  it('accepts data that is a view into a larger buffer', () => {
    const backing = new Uint8Array(64).map((_, i) => i);
    const input: AggregateInput = {
      count: 2,
      partitionKeys: packStrings(['p', 'q']),
      data: backing.subarray(10, 20),
      dataOffsets: Uint32Array.of(0, 4, 10),
    };
    const expected = referenceEncode([
      { partitionKey: 'p', data: backing.subarray(10, 14) },
      { partitionKey: 'q', data: backing.subarray(14, 20) },
    ]);
    expect(encode(input).equals(expected)).toBe(true);
  });

  it('throws RangeError for zero records, bad offsets, short columns and small outputs', () => {
    const good = toAggregateInput([{ partitionKey: 'a', data: new Uint8Array(3) }]);
    const out = Buffer.alloc(100);
    const bad: AggregateInput[] = [
      { ...good, count: 0 },
      { ...good, count: 1.5 },
      { ...good, count: -1 },
      { ...good, count: 2 },
      { ...good, dataOffsets: Uint32Array.of(0, 4) },
      { ...good, dataOffsets: Uint32Array.of(3, 2) },
      { ...good, dataOffsets: Uint32Array.of(0) },
      { ...good, partitionKeys: { count: 1, bytes: new Uint8Array(1), offsets: Uint32Array.of(0, 2) } },
      { ...good, partitionKeys: { count: 2, bytes: new Uint8Array(1), offsets: Uint32Array.of(0, 1, 1) } },
      { ...good, explicitHashKeys: { count: 1, bytes: new Uint8Array(0), offsets: Uint32Array.of(0) } },
      { ...good, data: [1, 2, 3] as unknown as Uint8Array },
      null as unknown as AggregateInput,
    ];
    for (const input of bad) {
      expect(() => typescriptCodec.encodeAggregate(input, out)).toThrow(RangeError);
      expect(() => typescriptCodec.aggregateSize(input)).toThrow(RangeError);
    }
    const size = typescriptCodec.aggregateSize(good);
    expect(() => typescriptCodec.encodeAggregate(good, Buffer.alloc(size - 1))).toThrow(RangeError);
    expect(() => typescriptCodec.encodeAggregate(good, Buffer.alloc(size), 1)).toThrow(RangeError);
    expect(() => typescriptCodec.encodeAggregate(good, Buffer.alloc(size), -1)).toThrow(RangeError);
    expect(() => typescriptCodec.encodeAggregate(good, [] as unknown as Uint8Array)).toThrow(RangeError);
    expect(typescriptCodec.encodeAggregate(good, Buffer.alloc(size))).toBe(size);
  });
});

describe('typescriptCodec.hashPackedKeys', () => {
  it('writes MD5 of each key as 16 bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 256 }), { maxLength: 50 }), (keys) => {
        const packed = packStrings(keys);
        const out = new Uint8Array(keys.length * 16 + 3);
        typescriptCodec.hashPackedKeys(packed, out);
        keys.forEach((key, i) => {
          expect(Buffer.from(out.subarray(i * 16, i * 16 + 16))).toEqual(createHash('md5').update(key).digest());
        });
      }),
    );
  });

  it('throws RangeError for a short output or bad offsets', () => {
    const packed = packStrings(['a', 'b']);
    expect(() => typescriptCodec.hashPackedKeys(packed, new Uint8Array(31))).toThrow(RangeError);
    expect(() =>
      typescriptCodec.hashPackedKeys(
        { count: 1, bytes: new Uint8Array(1), offsets: Uint32Array.of(0, 5) },
        new Uint8Array(16),
      ),
    ).toThrow(RangeError);
    expect(() => typescriptCodec.hashPackedKeys({ ...packed, count: -1 }, new Uint8Array(32))).toThrow(RangeError);
    expect(() => typescriptCodec.hashPackedKeys({ ...packed, count: 3 }, new Uint8Array(48))).toThrow(RangeError);
  });
});

describe('typescriptCodec.lookupShards', () => {
  const hash128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });

  it('finds the first shard whose end is >= the hash (shardCount when above all)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(hash128, { minLength: 0, maxLength: 20 }),
        fc.array(hash128, { maxLength: 30 }),
        (ends, hashes) => {
          ends.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          const endBytes = new Uint8Array(ends.length * 16);
          ends.forEach((e, i) => {
            hashKeyToBytes(e, endBytes, i * 16);
          });
          // Probe the ends themselves and their neighbours too, where off-by-one errors live.
          const probes = [
            ...hashes,
            ...ends,
            ...ends.map((e) => (e > 0n ? e - 1n : e)),
            ...ends.map((e) => (e < (1n << 128n) - 1n ? e + 1n : e)),
          ];
          const hashBytes = new Uint8Array(probes.length * 16);
          probes.forEach((h, i) => {
            hashKeyToBytes(h, hashBytes, i * 16);
          });
          const out = new Uint32Array(probes.length);
          typescriptCodec.lookupShards(hashBytes, probes.length, endBytes, ends.length, out);
          probes.forEach((h, i) => {
            const expected = ends.findIndex((e) => e >= h);
            expect(out[i]).toBe(expected === -1 ? ends.length : expected);
            expect(hashKeyFromBytes(hashBytes, i * 16)).toBe(h);
          });
        },
      ),
    );
  });

  it('throws RangeError for short buffers and bad counts', () => {
    const h = new Uint8Array(32);
    const e = new Uint8Array(32);
    const out = new Uint32Array(2);
    expect(() => typescriptCodec.lookupShards(h, 3, e, 2, out)).toThrow(RangeError);
    expect(() => typescriptCodec.lookupShards(h, 2, e, 3, out)).toThrow(RangeError);
    expect(() => typescriptCodec.lookupShards(h, 2, e, 2, new Uint32Array(1))).toThrow(RangeError);
    expect(() => typescriptCodec.lookupShards(h, -1, e, 2, out)).toThrow(RangeError);
    expect(() => typescriptCodec.lookupShards(h, 2, e, 0.5, out)).toThrow(RangeError);
    typescriptCodec.lookupShards(h, 2, e, 2, out);
    expect([...out]).toEqual([0, 0]);
  });
});
