import {
  type AggregateInput,
  type Codec,
  hashKeyToBytes,
  MAX_HASH_KEY,
  type PackedStrings,
  packStrings,
  typescriptCodec,
} from '@shardline/core';
import { encodeAggregate, loadCodec } from '@shardline/native';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_BUILD } from './support/native-paths.js';
import { hexOf } from './support/reference-aggregate.js';

// Keys from every corner of Unicode: grapheme clusters, any code point, and lone surrogates (which
// both codecs must encode as U+FFFD like Buffer does).
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const unicodeKey = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.string({
      unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), loneSurrogate),
      minLength: 1,
      maxLength: 20,
    }),
    fc.constantFrom('a', 'shared-key', '🦀'),
  )
  .filter((key) => key.length >= 1 && key.length <= 256);

const hashKey = fc.option(fc.bigInt({ min: 0n, max: MAX_HASH_KEY }), { nil: undefined, freq: 2 });
const record = fc.record({
  partitionKey: unicodeKey,
  explicitHashKey: fc.oneof(hashKey, fc.constantFrom(0n, 1n, MAX_HASH_KEY)),
  data: fc.uint8Array({ maxLength: 300 }),
});

function toInput(
  records: readonly { partitionKey: string; explicitHashKey: bigint | undefined; data: Uint8Array }[],
): AggregateInput {
  const count = records.length;
  const dataOffsets = new Uint32Array(count + 1);
  records.forEach((r, i) => {
    dataOffsets[i + 1] = (dataOffsets[i] as number) + r.data.length;
  });
  const anyHashKey = records.some((r) => r.explicitHashKey !== undefined);
  return {
    count,
    partitionKeys: packStrings(records.map((r) => r.partitionKey)),
    explicitHashKeys: anyHashKey ? packStrings(records.map((r) => r.explicitHashKey?.toString() ?? '')) : undefined,
    data: Buffer.concat(records.map((r) => r.data)),
    dataOffsets,
  };
}

function encodeWith(codec: Codec, input: AggregateInput): Uint8Array {
  const out = new Uint8Array(codec.aggregateSize(input));
  expect(codec.encodeAggregate(input, out)).toBe(out.length);
  return out;
}

describe('native and TypeScript codecs are byte-identical', () => {
  let native: Codec;
  beforeAll(() => {
    native = loadCodec({ nativeBinding: LOCAL_BUILD });
    expect(native.implementation).toBe('native');
  });

  it('hash keys of arbitrary Unicode strings', () => {
    fc.assert(
      fc.property(fc.array(unicodeKey, { maxLength: 50 }), (keys) => {
        const packed = packStrings(keys);
        const a = new Uint8Array(keys.length * 16);
        const b = new Uint8Array(keys.length * 16);
        native.hashPackedKeys(packed, a);
        typescriptCodec.hashPackedKeys(packed, b);
        expect(hexOf(a)).toBe(hexOf(b));
      }),
      { numRuns: 300 },
    );
  });

  it('aggregates of arbitrary keys, explicit hash keys and binary data', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 60 }), (records) => {
        const input = toInput(records);
        const fromNative = encodeWith(native, input);
        expect(hexOf(fromNative)).toBe(hexOf(encodeWith(typescriptCodec, input)));
        // The public API (validation, packing, canonical hash keys) lands on the same bytes.
        expect(hexOf(encodeAggregate(records, undefined, { maxSize: 0x7fff_ffff }))).toBe(hexOf(fromNative));
      }),
      { numRuns: 300 },
    );
  });

  it('several aggregates in one encodeAggregates call, sizes included', () => {
    fc.assert(
      fc.property(fc.array(fc.array(record, { minLength: 1, maxLength: 10 }), { maxLength: 12 }), (groups) => {
        const all = groups.flat();
        const input = toInput(
          all.length === 0 ? [{ partitionKey: 'x', explicitHashKey: undefined, data: new Uint8Array(0) }] : all,
        );
        const bounds = new Uint32Array(groups.length + 1);
        groups.forEach((g, j) => {
          bounds[j + 1] = (bounds[j] as number) + g.length;
        });
        const total = groups.reduce((sum, g) => sum + typescriptCodec.aggregateSize(toInput(g)), 0);
        const a = new Uint8Array(total);
        const b = new Uint8Array(total);
        const sizesA = new Uint32Array(groups.length);
        const sizesB = new Uint32Array(groups.length);
        expect(native.encodeAggregates(input, bounds, groups.length, a, 0, sizesA)).toBe(total);
        expect(typescriptCodec.encodeAggregates(input, bounds, groups.length, b, 0, sizesB)).toBe(total);
        expect(hexOf(a)).toBe(hexOf(b));
        expect(Array.from(sizesA)).toEqual(Array.from(sizesB));
      }),
      { numRuns: 200 },
    );
  });

  it('aggregates with heavy key reuse and more than 127 distinct keys', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pick: fc.nat(300), ehk: fc.option(fc.nat(200), { nil: undefined }), size: fc.nat(40) }), {
          minLength: 1,
          maxLength: 600,
        }),
        (picks) => {
          const records = picks.map((p) => ({
            partitionKey: `k${p.pick}`,
            explicitHashKey: p.ehk === undefined ? undefined : BigInt(p.ehk),
            data: new Uint8Array(p.size).fill(p.pick),
          }));
          const input = toInput(records);
          expect(hexOf(encodeWith(native, input))).toBe(hexOf(encodeWith(typescriptCodec, input)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('base64 of arbitrary bytes at arbitrary offsets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(700), fc.nat(700), fc.nat(8), (src, a, b, outOffset) => {
        const start = Math.min(a, src.length);
        const length = Math.min(b, src.length - start);
        const size = outOffset + 4 * Math.ceil(length / 3) + 3;
        const fromNative = new Uint8Array(size).fill(0x2e);
        const fromTypescript = new Uint8Array(size).fill(0x2e);
        const written = native.base64Encode(src, start, length, fromNative, outOffset);
        expect(typescriptCodec.base64Encode(src, start, length, fromTypescript, outOffset)).toBe(written);
        expect(hexOf(fromNative)).toBe(hexOf(fromTypescript));
        const expected = Buffer.from(src.buffer, src.byteOffset + start, length).toString('base64');
        expect(Buffer.from(fromNative).toString('latin1', outOffset, outOffset + written)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('base64 decoding of valid and damaged text at arbitrary offsets', () => {
    const alphabet = Buffer.from(
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n\0\x80\xff',
      'latin1',
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.nat(3),
        fc.array(fc.tuple(fc.nat(600), fc.nat(alphabet.length - 1)), { maxLength: 3 }),
        fc.nat(8),
        fc.boolean(),
        (data, trim, damage, start, padded) => {
          // Padded or unpadded base64 of the data, some characters trimmed off or replaced.
          let text = Buffer.from(data).toString('base64');
          if (!padded) text = text.replace(/=+$/, '');
          text = text.slice(0, Math.max(0, text.length - trim));
          const src = Buffer.alloc(start + text.length + 2, 0x41);
          src.write(text, start, 'latin1');
          for (const [at, pick] of damage)
            if (text.length > 0) src[start + (at % text.length)] = alphabet[pick] as number;
          const size = Math.floor((3 * text.length) / 4) + 5;
          const fromNative = new Uint8Array(size).fill(0x2e);
          const fromTypescript = new Uint8Array(size).fill(0x2e);
          const written = native.base64Decode(src, start, text.length, fromNative, 2);
          expect(typescriptCodec.base64Decode(src, start, text.length, fromTypescript, 2)).toBe(written);
          if (written >= 0) {
            expect(hexOf(fromNative)).toBe(hexOf(fromTypescript));
            const node = Buffer.from(src.toString('latin1', start, start + text.length), 'base64');
            expect(hexOf(fromNative.subarray(2, 2 + written))).toBe(hexOf(node));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('shard lookups over random sorted ends', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.bigInt({ min: 0n, max: MAX_HASH_KEY }), { minLength: 1, maxLength: 64 }),
        fc.array(fc.bigInt({ min: 0n, max: MAX_HASH_KEY }), { maxLength: 64 }),
        (ends, probes) => {
          const sorted = [...ends].sort((x, y) => (x < y ? -1 : 1));
          const endBytes = new Uint8Array(sorted.length * 16);
          for (const [i, end] of sorted.entries()) hashKeyToBytes(end, endBytes, i * 16);
          // Probe exact ends and their neighbours too, where off-by-one errors live.
          const all = [...probes, ...sorted, ...sorted.map((e) => (e < MAX_HASH_KEY ? e + 1n : e))];
          const hashes = new Uint8Array(all.length * 16);
          for (const [i, h] of all.entries()) hashKeyToBytes(h, hashes, i * 16);
          const a = new Uint32Array(all.length);
          const b = new Uint32Array(all.length);
          native.lookupShards(hashes, all.length, endBytes, sorted.length, a);
          typescriptCodec.lookupShards(hashes, all.length, endBytes, sorted.length, b);
          expect([...a]).toEqual([...b]);
          all.forEach((h, i) => {
            const owner = sorted.findIndex((e) => e >= h);
            expect(a[i]).toBe(owner === -1 ? sorted.length : owner);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('packed keys with explicit offsets not starting at zero', () => {
    const bytes = Buffer.from('xxhelloworld');
    const packed: PackedStrings = { count: 2, bytes, offsets: Uint32Array.of(2, 7, 12) };
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    native.hashPackedKeys(packed, a);
    typescriptCodec.hashPackedKeys(packed, b);
    expect(hexOf(a)).toBe(hexOf(b));
  });
});
