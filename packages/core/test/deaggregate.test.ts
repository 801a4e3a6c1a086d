import {
  aggregateBody,
  deaggregate,
  encodeAggregatedRecord,
  type HashKeyRange,
  InvalidArgumentError,
  type KinesisRecordInput,
  type PackedStrings,
  partitionKeyHash,
  splitHashKeyRange,
  typescriptCodec,
} from '@shardline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAGIC, md5, referenceEncode, type TestRecord, wrapBody } from './support/reference.js';

const unicodeKey = fc.string({ unit: 'binary', minLength: 1, maxLength: 256 }).filter((s) => s.length <= 256);
const hashKey = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((v) => v.toString());
const record: fc.Arbitrary<TestRecord> = fc.record(
  {
    partitionKey: fc.oneof(unicodeKey, fc.constantFrom('a', 'b')),
    explicitHashKey: fc.option(hashKey, { nil: undefined }),
    data: fc.uint8Array({ maxLength: 200 }),
  },
  { requiredKeys: ['partitionKey', 'data'] },
);

function outer(data: Uint8Array, extra: Partial<KinesisRecordInput> = {}): KinesisRecordInput {
  return {
    data,
    partitionKey: 'outer-pk',
    sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
    ...extra,
  };
}

/** A hand-built body: PK table ["k"], one record {pk 0, data "d"}, plus `extra` bytes appended. */
function body(...parts: string[]): Buffer {
  return Buffer.from(parts.join(''), 'hex');
}

describe('deaggregate: round trip', () => {
  it('returns every user record with its keys, data, sequence and sub-sequence numbers', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (list, arrival) => {
          const aggregate = encodeAggregatedRecord(list);
          const result = deaggregate(outer(aggregate, { approximateArrivalTimestamp: arrival }));
          expect(result.aggregated).toBe(true);
          expect(result.droppedOutOfRange).toBe(false);
          expect(result.records.length).toBe(list.length);
          result.records.forEach((r, i) => {
            const original = list[i] as TestRecord;
            expect(r.partitionKey).toBe(original.partitionKey);
            expect(r.explicitHashKey).toBe(original.explicitHashKey);
            expect(Buffer.from(r.data).equals(Buffer.from(original.data))).toBe(true);
            expect(r.sequenceNumber).toBe('49590338271490256608559692538361571095921575989136588898');
            expect(r.subSequenceNumber).toBe(i);
            expect(r.approximateArrivalTimestamp).toBe(arrival);
            expect(r.aggregated).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('returns zero-copy views of the input bytes', () => {
    const aggregate = encodeAggregatedRecord([
      { partitionKey: 'a', data: Buffer.from('first') },
      { partitionKey: 'b', data: Buffer.from('second') },
    ]);
    const [first, second] = deaggregate(outer(aggregate)).records;
    expect(first?.data.buffer).toBe(aggregate.buffer);
    expect(second?.data.buffer).toBe(aggregate.buffer);
    aggregate[(first?.data.byteOffset ?? 0) - aggregate.byteOffset] = 0x46;
    expect(Buffer.from(first?.data ?? []).toString()).toBe('First');
  });

  it('decodes a plain Uint8Array (not a Buffer) the same way', () => {
    const aggregate = encodeAggregatedRecord([{ partitionKey: 'ключ', data: Buffer.from('x') }]);
    const plain = new Uint8Array(aggregate.length + 5);
    plain.set(aggregate, 5);
    const result = deaggregate(outer(plain.subarray(5)));
    expect(result.records[0]?.partitionKey).toBe('ключ');
    expect(result.records[0]?.data).toEqual(new Uint8Array([0x78]));
  });

  it('leaves explicitHashKey undefined when field 2 is absent, even with a non-empty EHK table', () => {
    const aggregate = encodeAggregatedRecord([
      { partitionKey: 'a', explicitHashKey: '42', data: new Uint8Array(1) },
      { partitionKey: 'b', data: new Uint8Array(1) },
    ]);
    const [withKey, withoutKey] = deaggregate(outer(aggregate)).records;
    expect(withKey?.explicitHashKey).toBe('42');
    expect(withoutKey?.explicitHashKey).toBeUndefined();
  });

  it('decodes aggregates with more records than its retained scratch space, then small ones again', () => {
    const many = Array.from({ length: 70_000 }, (_, i) => ({
      partitionKey: `k${i % 7}`,
      data: Uint8Array.of(i & 0xff),
    }));
    const big = deaggregate(outer(encodeAggregatedRecord(many)));
    expect(big.records).toHaveLength(70_000);
    expect(big.records[69_999]?.partitionKey).toBe('k6');
    expect([...(big.records[69_999]?.data ?? [])]).toEqual([69_999 & 0xff]);
    const small = deaggregate(outer(encodeAggregatedRecord([{ partitionKey: 'after', data: Buffer.from('x') }])));
    expect(small.records.map((r) => r.partitionKey)).toEqual(['after']);
  });

  it('treats a valid aggregate without records as aggregated and empty, like the KCL', () => {
    const result = deaggregate(outer(wrapBody(body('0a016b'))));
    expect(result).toEqual({ records: [], aggregated: true, droppedOutOfRange: false });
  });

  it('skips unknown fields, tags and out-of-order fields as any protobuf parser does', () => {
    // record {pk 0, unknown varint field 9, tag {key "t"}, data "d"} before the PK table; unknown fixed32 field 7.
    const aggregate = wrapBody(body('1a0c', '0800', '4801', '2203', '0a0174', '1a0164', '0a016b', '3d01020304'));
    const result = deaggregate(outer(aggregate));
    expect(result.aggregated).toBe(true);
    expect(result.records.map((r) => [r.partitionKey, Buffer.from(r.data).toString()])).toEqual([['k', 'd']]);
  });
});

describe('deaggregate: pass-through (KCL rules)', () => {
  const valid = encodeAggregatedRecord([
    { partitionKey: 'a', data: Buffer.from('one') },
    { partitionKey: 'b', data: Buffer.from('two') },
  ]);

  function expectPassThrough(data: Uint8Array, extra: Partial<KinesisRecordInput> = {}) {
    const input = outer(data, extra);
    const result = deaggregate(input);
    expect(result.aggregated).toBe(false);
    expect(result.droppedOutOfRange).toBe(false);
    expect(result.records).toHaveLength(1);
    const [r] = result.records;
    expect(r?.data).toBe(data);
    expect(r?.subSequenceNumber).toBe(0);
    expect(r?.aggregated).toBe(false);
    expect(r?.partitionKey).toBe(input.partitionKey);
    expect(r?.sequenceNumber).toBe(input.sequenceNumber);
    expect(r?.explicitHashKey).toBe(input.explicitHashKey);
    return r;
  }

  it('passes through records without the magic, including empty ones', () => {
    expectPassThrough(Buffer.from('plain payload'));
    expectPassThrough(new Uint8Array(0));
    expectPassThrough(Buffer.concat([Buffer.from('f3899ac3', 'hex'), valid.subarray(4)]));
  });

  it('keeps the outer explicit hash key and arrival time on a pass-through record', () => {
    const r = expectPassThrough(Buffer.from('x'), { explicitHashKey: '99', approximateArrivalTimestamp: new Date(5) });
    expect(r?.approximateArrivalTimestamp).toEqual(new Date(5));
  });

  it('passes through the magic followed by 16 bytes or fewer', () => {
    for (let n = 0; n <= 16; n++) expectPassThrough(Buffer.concat([MAGIC, Buffer.alloc(n, 1)]));
    // Magic + exactly the MD5 of an empty body is still "16 bytes or fewer".
    expectPassThrough(Buffer.concat([MAGIC, md5(Buffer.alloc(0))]));
  });

  it('passes through byte-for-byte when the MD5 does not match', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 255 }), (i, flip) => {
        const corrupt = Buffer.from(valid);
        const at = corrupt.length - 16 + i;
        corrupt[at] = (corrupt[at] as number) ^ flip;
        const copy = Buffer.from(corrupt);
        expectPassThrough(corrupt);
        expect(corrupt.equals(copy)).toBe(true);
      }),
    );
    const bodyFlip = Buffer.from(valid);
    bodyFlip[10] = (bodyFlip[10] as number) ^ 1;
    expectPassThrough(bodyFlip);
  });

  it('passes through a corrupt protobuf body that carries a valid MD5', () => {
    const bodies = [
      body('ff'), // truncated varint tag
      body('0a05616263'), // length runs past the end
      body('1a0208'), // record truncated inside its varint
      body('1a03', '1a0164'), // record without partition_key_index (required)
      body('0a016b', '1a02', '0800'), // record without data (required)
      body('0a016b', '1a05', '0801', '1a0164'), // partition_key_index 1 with a one-entry table
      body('0a016b', '1a07', '0800', '1000', '1a0164'), // explicit_hash_key_index 0 with no EHK table
      body('0a016b', '1a07', '0800', '2200', '1a0164'), // tag without its required key
      body('0a016b', '1a05', '0800', '1a0564'), // data length past the record end
      body('00'), // field number 0
      body('0b'), // start-group wire type
      body('0f'), // wire type 7
      body('0a016b', '1a0e', '08ffffffffffffffffffff01', '1a00'), // 11-byte varint
      body('0a016b', '1a0e', '08ffffffffffffffffff01', '1a00'), // index far above the table (2^64-1)
    ];
    for (const b of bodies) expectPassThrough(wrapBody(b));
  });

  it('passes through protobuf garbage of any shape with a valid MD5 and never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (garbage) => {
        const aggregate = wrapBody(garbage);
        const result = deaggregate(outer(aggregate));
        if (!result.aggregated) {
          expect(result.records[0]?.data).toBe(aggregate);
          return;
        }
        for (const r of result.records) {
          expect(r.data.buffer).toBe(aggregate.buffer);
          expect(r.data.byteOffset + r.data.length).toBeLessThanOrEqual(aggregate.byteOffset + aggregate.length - 16);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('deaggregate: shard hash-key range filter', () => {
  const [shard0, shard1] = splitHashKeyRange(2) as [HashKeyRange, HashKeyRange];
  const keysIn = (range: HashKeyRange, count: number): string[] => {
    const keys: string[] = [];
    for (let i = 0; keys.length < count; i++) {
      const key = `key-${i}`;
      const h = partitionKeyHash(key);
      if (h >= range.startingHashKey && h <= range.endingHashKey) keys.push(key);
    }
    return keys;
  };

  it('keeps an aggregate whose records all hash into the range', () => {
    const list = keysIn(shard0, 5).map((partitionKey) => ({ partitionKey, data: Buffer.from(partitionKey) }));
    const result = deaggregate(outer(encodeAggregatedRecord(list)), { hashKeyRange: shard0 });
    expect(result.droppedOutOfRange).toBe(false);
    expect(result.records.map((r) => r.partitionKey)).toEqual(list.map((r) => r.partitionKey));
  });

  it('drops the whole aggregate and reports it when one record hashes outside', () => {
    const list = [...keysIn(shard0, 5), ...keysIn(shard1, 1)].map((partitionKey) => ({
      partitionKey,
      data: Buffer.from('x'),
    }));
    const result = deaggregate(outer(encodeAggregatedRecord(list)), { hashKeyRange: shard0 });
    expect(result).toEqual({ records: [], aggregated: true, droppedOutOfRange: true });
    expect(deaggregate(outer(encodeAggregatedRecord(list))).records).toHaveLength(6);
  });

  it('uses the explicit hash key instead of the partition key hash when present', () => {
    const pkInShard1 = keysIn(shard1, 1)[0] as string;
    const list = [
      { partitionKey: pkInShard1, explicitHashKey: shard0.endingHashKey.toString(), data: Buffer.from('x') },
    ];
    expect(deaggregate(outer(encodeAggregatedRecord(list)), { hashKeyRange: shard0 }).droppedOutOfRange).toBe(false);
    expect(deaggregate(outer(encodeAggregatedRecord(list)), { hashKeyRange: shard1 }).droppedOutOfRange).toBe(true);
    const edge = [{ partitionKey: 'a', explicitHashKey: shard1.startingHashKey.toString(), data: Buffer.from('x') }];
    expect(deaggregate(outer(encodeAggregatedRecord(edge)), { hashKeyRange: shard1 }).droppedOutOfRange).toBe(false);
    expect(deaggregate(outer(encodeAggregatedRecord(edge)), { hashKeyRange: shard0 }).droppedOutOfRange).toBe(true);
  });

  it('drops an aggregate whose explicit hash key is not a number (it belongs to no shard)', () => {
    const aggregate = wrapBody(body('0a0161', '120378797a', '1a07', '0800', '1000', '1a0164'));
    expect(deaggregate(outer(aggregate)).records[0]?.explicitHashKey).toBe('xyz');
    expect(
      deaggregate(outer(aggregate), { hashKeyRange: splitHashKeyRange(1)[0] as HashKeyRange }).droppedOutOfRange,
    ).toBe(true);
  });

  it('never filters a record that is not aggregated', () => {
    const result = deaggregate(outer(Buffer.from('raw')), { hashKeyRange: { startingHashKey: 0n, endingHashKey: 0n } });
    expect(result.records).toHaveLength(1);
  });

  it('agrees with a BigInt model of the filter on random aggregates and ranges', () => {
    const bound = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 10 }), bound, bound, (list, a, b) => {
        const range = a <= b ? { startingHashKey: a, endingHashKey: b } : { startingHashKey: b, endingHashKey: a };
        const inside = list.every((r) => {
          const h = r.explicitHashKey !== undefined ? BigInt(r.explicitHashKey) : partitionKeyHash(r.partitionKey);
          return h >= range.startingHashKey && h <= range.endingHashKey;
        });
        const result = deaggregate(outer(referenceEncode(list)), { hashKeyRange: range });
        expect(result.droppedOutOfRange).toBe(!inside);
        expect(result.records.length).toBe(inside ? list.length : 0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('deaggregate: batched partition-key hashing (codec option)', () => {
  /** The TypeScript codec, counting its calls and the keys it hashed. */
  function countingCodec() {
    const stats = { calls: 0, keys: [] as string[] };
    return {
      stats,
      codec: {
        hashPackedKeys(keys: PackedStrings, out: Uint8Array): void {
          stats.calls++;
          for (let i = 0; i < keys.count; i++) {
            const bytes = keys.bytes.subarray(keys.offsets[i], keys.offsets[i + 1]);
            stats.keys.push(Buffer.from(bytes).toString('utf8'));
          }
          typescriptCodec.hashPackedKeys(keys, out);
        },
      },
    };
  }

  it('gives the same result as the per-key path on random aggregates and ranges', () => {
    const bound = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 12 }), bound, bound, (list, a, b) => {
        const range = a <= b ? { startingHashKey: a, endingHashKey: b } : { startingHashKey: b, endingHashKey: a };
        const input = outer(referenceEncode(list));
        const { codec } = countingCodec();
        const batched = deaggregate(input, { hashKeyRange: range, codec });
        const single = deaggregate(input, { hashKeyRange: range });
        expect(batched).toEqual(single);
        // With hashRanges the keys are hashed where they lie in the aggregate: same answer again.
        expect(deaggregate(input, { hashKeyRange: range, codec: typescriptCodec })).toEqual(single);
      }),
      { numRuns: 300 },
    );
  });

  it('hashes every needed key-table entry once, in one call per aggregate', () => {
    const [shard0] = splitHashKeyRange(2) as [HashKeyRange, HashKeyRange];
    const keys: string[] = [];
    for (let i = 0; keys.length < 3; i++) {
      const h = partitionKeyHash(`k${i}`);
      if (h >= shard0.startingHashKey && h <= shard0.endingHashKey) keys.push(`k${i}`);
    }
    // 30 records over 3 distinct partition keys, plus one record placed by its explicit hash key.
    const list = Array.from({ length: 30 }, (_, i) => ({
      partitionKey: keys[i % 3] as string,
      data: Buffer.from(`d${i}`),
    }));
    const placed = { partitionKey: 'only-ehk', explicitHashKey: '0', data: Buffer.from('e') };
    const { codec, stats } = countingCodec();
    const result = deaggregate(outer(encodeAggregatedRecord([...list, placed])), { hashKeyRange: shard0, codec });
    expect(result.droppedOutOfRange).toBe(false);
    expect(result.records).toHaveLength(31);
    expect(stats.calls).toBe(1);
    expect([...stats.keys].sort()).toEqual([...keys].sort());
  });

  it('hashes the key table in place with hashRanges when every entry is needed, and packs otherwise', () => {
    const [shard0] = splitHashKeyRange(2) as [HashKeyRange, HashKeyRange];
    const keys: string[] = [];
    for (let i = 0; keys.length < 4; i++) {
      const h = partitionKeyHash(`r${i}`);
      if (h >= shard0.startingHashKey && h <= shard0.endingHashKey) keys.push(`r${i}`);
    }
    const calls = { ranges: 0, packed: 0, hashed: [] as string[] };
    const codec = {
      hashPackedKeys(packed: PackedStrings, out: Uint8Array): void {
        calls.packed++;
        typescriptCodec.hashPackedKeys(packed, out);
      },
      hashRanges(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, count: number, out: Uint8Array): void {
        calls.ranges++;
        for (let i = 0; i < count; i++) calls.hashed.push(Buffer.from(bytes.subarray(starts[i], ends[i])).toString());
        typescriptCodec.hashRanges(bytes, starts, ends, count, out);
      },
    };
    const all = encodeAggregatedRecord(keys.map((partitionKey, i) => ({ partitionKey, data: Buffer.from(`${i}`) })));
    expect(deaggregate(outer(all), { hashKeyRange: shard0, codec }).records).toHaveLength(4);
    expect(calls).toMatchObject({ ranges: 1, packed: 0 });
    expect(calls.hashed).toEqual(keys);
    // One key used only by a record with an explicit hash key: not every entry is needed, so they are packed.
    const some = referenceEncode([
      { partitionKey: keys[0] as string, data: Buffer.from('a') },
      { partitionKey: 'by-ehk', explicitHashKey: '1', data: Buffer.from('b') },
    ]);
    expect(deaggregate(outer(some), { hashKeyRange: shard0, codec }).records).toHaveLength(2);
    expect(calls).toMatchObject({ ranges: 1, packed: 1 });
  });

  it('drops the aggregate when one batched key hashes outside, and skips hashing for the full range', () => {
    const [shard0, shard1] = splitHashKeyRange(2) as [HashKeyRange, HashKeyRange];
    let outside = '';
    for (let i = 0; outside === ''; i++) {
      const h = partitionKeyHash(`o${i}`);
      if (h >= shard1.startingHashKey) outside = `o${i}`;
    }
    const aggregate = outer(encodeAggregatedRecord([{ partitionKey: outside, data: Buffer.from('x') }]));
    const { codec, stats } = countingCodec();
    expect(deaggregate(aggregate, { hashKeyRange: shard0, codec })).toEqual({
      records: [],
      aggregated: true,
      droppedOutOfRange: true,
    });
    const full = splitHashKeyRange(1)[0] as HashKeyRange;
    expect(deaggregate(aggregate, { hashKeyRange: full, codec }).records).toHaveLength(1);
    expect(stats.calls).toBe(1);
  });

  it('builds the same records through a record factory, aggregated or passed through', () => {
    const bound = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), bound, fc.boolean(), (list, a, corrupt) => {
        const bytes = referenceEncode(list);
        if (corrupt) bytes[bytes.length - 1] = ((bytes[bytes.length - 1] as number) + 1) & 0xff;
        const input = outer(bytes, { approximateArrivalTimestamp: 5 });
        const range = { startingHashKey: 0n, endingHashKey: a };
        const plain = deaggregate(input, { hashKeyRange: range });
        const made = deaggregate(
          input,
          { hashKeyRange: range, codec: typescriptCodec },
          (data, partitionKey, explicitHashKey, subSequenceNumber, aggregated) => ({
            data,
            partitionKey,
            explicitHashKey,
            sequenceNumber: input.sequenceNumber,
            subSequenceNumber,
            approximateArrivalTimestamp: input.approximateArrivalTimestamp,
            aggregated,
          }),
        );
        expect(made).toEqual(plain);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a codec without hashPackedKeys', () => {
    expect(() => deaggregate(outer(Buffer.from('x')), { codec: {} as unknown as typeof typescriptCodec })).toThrow(
      expect.objectContaining({ code: 'SHARDLINE_ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('deaggregate: bad input', () => {
  const code = 'SHARDLINE_ERR_INVALID_ARGUMENT';
  const data = Buffer.from('x');
  const cases: [unknown, unknown][] = [
    [null, undefined],
    ['record', undefined],
    [{ data: 'x', partitionKey: 'a', sequenceNumber: '1' }, undefined],
    [{ data, partitionKey: 1, sequenceNumber: '1' }, undefined],
    [{ data, partitionKey: 'a', sequenceNumber: 1 }, undefined],
    [{ data, partitionKey: 'a', sequenceNumber: '1', explicitHashKey: 5 }, undefined],
    [{ data, partitionKey: 'a', sequenceNumber: '1' }, null],
    [{ data, partitionKey: 'a', sequenceNumber: '1' }, { hashKeyRange: { startingHashKey: 1, endingHashKey: 2 } }],
    [{ data, partitionKey: 'a', sequenceNumber: '1' }, { hashKeyRange: { startingHashKey: 2n, endingHashKey: 1n } }],
    [{ data, partitionKey: 'a', sequenceNumber: '1' }, { hashKeyRange: { startingHashKey: -1n, endingHashKey: 1n } }],
    [
      { data, partitionKey: 'a', sequenceNumber: '1' },
      { hashKeyRange: { startingHashKey: 0n, endingHashKey: 1n << 128n } },
    ],
    [{ data, partitionKey: 'a', sequenceNumber: '1' }, { codec: { hashPackedKeys: 1 } }],
    [{ data, partitionKey: 'a', sequenceNumber: '1' }, { codec: { hashPackedKeys() {}, hashRanges: 'yes' } }],
  ];
  it.each(cases)('rejects %o with InvalidArgumentError', (record, options) => {
    expect(() => deaggregate(record as KinesisRecordInput, options as undefined)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});

describe('deaggregate: a digest computed by the caller (bodyMd5)', () => {
  const valid = encodeAggregatedRecord([
    { partitionKey: 'a', data: Buffer.from('one') },
    { partitionKey: 'b', data: Buffer.from('two') },
  ]);
  const body = aggregateBody(valid) as Uint8Array;

  it('finds the body the trailer covers, only behind the magic and with room for a trailer', () => {
    expect(Buffer.from(body)).toEqual(valid.subarray(4, valid.length - 16));
    expect(body.buffer).toBe(valid.buffer);
    expect(aggregateBody(Buffer.from('plain payload, long enough to hold a trailer'))).toBeUndefined();
    expect(aggregateBody(valid.subarray(0, 20))).toBeUndefined();
    expect(aggregateBody(valid.subarray(0, 21))?.length).toBe(1);
  });

  it('uses the given digest instead of hashing: the right one splits, a wrong one passes through', () => {
    const right = md5(body);
    expect(deaggregate(outer(valid, { bodyMd5: right })).records.map((r) => r.partitionKey)).toEqual(['a', 'b']);
    const wrong = Uint8Array.from(right);
    wrong[0] = (wrong[0] as number) ^ 1;
    const passed = deaggregate(outer(valid, { bodyMd5: wrong }));
    expect(passed.aggregated).toBe(false);
    expect(passed.records[0]?.data).toBe(valid);
  });

  it('refuses a digest that is not 16 bytes', () => {
    expect(() => deaggregate(outer(valid, { bodyMd5: new Uint8Array(15) }))).toThrow(InvalidArgumentError);
    expect(() => deaggregate(outer(valid, { bodyMd5: 'x' as unknown as Uint8Array }))).toThrow(InvalidArgumentError);
  });
});
