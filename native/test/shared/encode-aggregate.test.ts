import { packStrings } from '@shardline/core';
import { aggregateSize, encodeAggregate, getCodec } from '@shardline/native';
import { describe, expect, it } from 'vitest';
import { hexOf, referenceAggregate } from '../support/reference-aggregate.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const md5 = async (body: Uint8Array): Promise<Buffer> =>
  (await import('node:crypto')).createHash('md5').update(body).digest();

describe('encodeAggregate', () => {
  it('writes the golden bytes of a one-record aggregate', async () => {
    // partition_key_table "a"; records [{ partition_key_index 0, data "x" }]
    const body = bytes(0x0a, 0x01, 0x61, 0x1a, 0x05, 0x08, 0x00, 0x1a, 0x01, 0x78);
    const expected = Buffer.concat([bytes(0xf3, 0x89, 0x9a, 0xc2), body, await md5(body)]);
    const encoded = encodeAggregate([{ partitionKey: 'a', data: 'x' }]);
    expect(Buffer.from(encoded).toString('hex')).toBe(expected.toString('hex'));
    expect(aggregateSize([{ partitionKey: 'a', data: 'x' }])).toBe(expected.length);
  });

  it('deduplicates keys in first-appearance order and omits field 2 without an explicit hash key', async () => {
    const records = [
      { partitionKey: 'k1', explicitHashKey: '007', data: utf8('A') },
      { partitionKey: 'k2', data: new Uint8Array(0) },
      { partitionKey: 'k1', explicitHashKey: '7', data: utf8('BC') },
      { partitionKey: 'k3', explicitHashKey: '340282366920938463463374607431768211455', data: utf8('D') },
    ];
    // prettier-ignore
    const body = bytes(
      0x0a,
      0x02,
      0x6b,
      0x31, // pk table: "k1"
      0x0a,
      0x02,
      0x6b,
      0x32, // "k2"
      0x0a,
      0x02,
      0x6b,
      0x33, // "k3"
      0x12,
      0x01,
      0x37, // ehk table: "7" (from "007")
      0x12,
      0x27,
      ...Buffer.from('340282366920938463463374607431768211455'),
      0x1a,
      0x07,
      0x08,
      0x00,
      0x10,
      0x00,
      0x1a,
      0x01,
      0x41, // record 0
      0x1a,
      0x04,
      0x08,
      0x01,
      0x1a,
      0x00, // record 1: no field 2, empty data
      0x1a,
      0x08,
      0x08,
      0x00,
      0x10,
      0x00,
      0x1a,
      0x02,
      0x42,
      0x43, // record 2
      0x1a,
      0x07,
      0x08,
      0x02,
      0x10,
      0x01,
      0x1a,
      0x01,
      0x44, // record 3
    );
    const expected = Buffer.concat([bytes(0xf3, 0x89, 0x9a, 0xc2), body, await md5(body)]);
    expect(Buffer.from(encodeAggregate(records)).toString('hex')).toBe(expected.toString('hex'));
    expect(aggregateSize(records)).toBe(expected.length);
  });

  it('matches the reference encoder with multi-byte varints (200 records, 150-byte data)', () => {
    const records = Array.from({ length: 200 }, (_, i) => ({
      partitionKey: `key-${i % 150}-ü`,
      ...(i % 3 === 0 ? { explicitHashKey: String(i * 1_000_003) } : {}),
      data: new Uint8Array(150).fill(i & 0xff),
    }));
    const expected = referenceAggregate(records);
    expect(hexOf(encodeAggregate(records))).toBe(hexOf(expected));
    expect(aggregateSize(records)).toBe(expected.length);
  });

  it('encodes records with empty data and a single repeated key', () => {
    const records = Array.from({ length: 300 }, () => ({ partitionKey: 'same', data: new Uint8Array(0) }));
    expect(hexOf(encodeAggregate(records))).toBe(hexOf(referenceAggregate(records)));
  });

  it('writes at an offset into a caller buffer and returns that view', () => {
    const records = [{ partitionKey: 'p', data: 'payload' }];
    const expected = referenceAggregate([{ partitionKey: 'p', data: utf8('payload') }]);
    const out = new Uint8Array(100).fill(0xee);
    const view = encodeAggregate(records, out, { offset: 10 });
    expect(view.buffer).toBe(out.buffer);
    expect(view.byteOffset).toBe(10);
    expect(hexOf(view)).toBe(hexOf(expected));
    expect(out[9]).toBe(0xee);
    expect(out[10 + expected.length]).toBe(0xee);
  });

  it('encodes a caller buffer that fits only the exact size when keys repeat', () => {
    const records = Array.from({ length: 50 }, () => ({ partitionKey: 'x'.repeat(100), data: 'd' }));
    const size = aggregateSize(records);
    const out = new Uint8Array(size);
    expect(hexOf(encodeAggregate(records, out))).toBe(
      hexOf(referenceAggregate(records.map((r) => ({ ...r, data: utf8('d') })))),
    );
  });

  it('accepts a packed AggregateInput with and without explicit hash keys', () => {
    const partitionKeys = packStrings(['a', 'b', 'a']);
    const data = utf8('onetwothree');
    const dataOffsets = Uint32Array.of(0, 3, 6, 11);
    const plain = { count: 3, partitionKeys, data, dataOffsets };
    const expectedPlain = referenceAggregate([
      { partitionKey: 'a', data: utf8('one') },
      { partitionKey: 'b', data: utf8('two') },
      { partitionKey: 'a', data: utf8('three') },
    ]);
    expect(hexOf(encodeAggregate(plain))).toBe(hexOf(expectedPlain));
    expect(aggregateSize(plain)).toBe(expectedPlain.length);

    const withKeys = { ...plain, explicitHashKeys: packStrings(['5', '', '0']) };
    expect(hexOf(encodeAggregate(withKeys))).toBe(
      hexOf(
        referenceAggregate([
          { partitionKey: 'a', explicitHashKey: '5', data: utf8('one') },
          { partitionKey: 'b', data: utf8('two') },
          { partitionKey: 'a', explicitHashKey: '0', data: utf8('three') },
        ]),
      ),
    );
  });

  it('accepts bigint explicit hash keys', () => {
    const records = [{ partitionKey: 'a', explicitHashKey: 2n ** 127n, data: 'x' }];
    expect(hexOf(encodeAggregate(records))).toBe(
      hexOf(referenceAggregate([{ partitionKey: 'a', explicitHashKey: (2n ** 127n).toString(), data: utf8('x') }])),
    );
  });

  it('fills exactly maxSize and accepts it', () => {
    const one = aggregateSize([{ partitionKey: 'a', data: new Uint8Array(1000) }]);
    expect(
      encodeAggregate([{ partitionKey: 'a', data: new Uint8Array(1000) }], undefined, { maxSize: one }),
    ).toHaveLength(one);
  });

  it('builds a full 1 MiB aggregate of 100-byte records', () => {
    const records = Array.from({ length: 9000 }, (_, i) => ({
      partitionKey: `pk-${i}`,
      data: new Uint8Array(100).fill(i),
    }));
    const encoded = encodeAggregate(records);
    expect(encoded.length).toBeLessThanOrEqual(1_048_576);
    expect(hexOf(encoded)).toBe(hexOf(referenceAggregate(records)));
  });

  it('is what the codec interface writes', () => {
    const codec = getCodec();
    const input = {
      count: 2,
      partitionKeys: packStrings(['x', 'y']),
      data: utf8('12'),
      dataOffsets: Uint32Array.of(0, 1, 2),
    };
    const size = codec.aggregateSize(input);
    const out = new Uint8Array(size + 3);
    expect(codec.encodeAggregate(input, out, 3)).toBe(size);
    expect(hexOf(out.subarray(3))).toBe(hexOf(encodeAggregate(input)));
  });
});
