import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NativeBinding } from '../lib/native-binding.js';
import { loadRawBinding } from './support/native-paths.js';

// The raw addon is called here exactly as a buggy caller could: wrong types, lying counts, offsets
// past the end, short outputs. Every call must return or throw a TypeError/RangeError; a crash would
// take the whole test worker down and fail the run.
type Raw = Record<keyof Omit<NativeBinding, 'abi'>, (...args: unknown[]) => unknown>;

function callSafely(fn: () => unknown): 'ok' | 'threw' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    expect(error instanceof TypeError || error instanceof RangeError, String(error)).toBe(true);
    return 'threw';
  }
}

/** Independent model of "these packed arguments are in bounds". */
function packedValid(bytesLength: number, offsets: Uint32Array, count: number): boolean {
  if (offsets.length < count + 1) return false;
  for (let i = 1; i <= count; i++) if ((offsets[i] as number) < (offsets[i - 1] as number)) return false;
  return (offsets[count] as number) <= bytesLength;
}

const offsetsArb = fc
  .array(fc.oneof(fc.nat(40), fc.constantFrom(0xffff_ffff, 0x8000_0000)), { maxLength: 8 })
  .map((v) => Uint32Array.from(v));
const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string(),
  fc.double(),
  fc.constantFrom(-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32, 2 ** 53),
  fc.uint8Array({ maxLength: 8 }),
  fc.constantFrom(
    new Int32Array(4),
    new Uint16Array(4),
    new Float64Array(2),
    new DataView(new ArrayBuffer(8)),
    new ArrayBuffer(8),
    [1, 2],
    {},
  ),
);

describe('the raw addon never crashes on malformed input', () => {
  let raw: Raw;
  beforeAll(() => {
    raw = loadRawBinding() as unknown as Raw;
  });

  it('hashPackedKeys: offsets, counts and output sizes are all checked', () => {
    fc.assert(
      fc.property(fc.nat(40), offsetsArb, fc.nat(10), fc.nat(200), (bytesLength, offsets, count, outLength) => {
        const result = callSafely(() =>
          raw.hashPackedKeys(new Uint8Array(bytesLength), offsets, count, new Uint8Array(outLength)),
        );
        const valid = packedValid(bytesLength, offsets, count) && outLength >= 16 * count;
        expect(result).toBe(valid ? 'ok' : 'threw');
      }),
      { numRuns: 2000 },
    );
  });

  it('encodeAggregate and aggregateSize: every packed table, the count and the output are checked', () => {
    fc.assert(
      fc.property(
        fc.nat(30),
        offsetsArb,
        fc.option(fc.tuple(fc.nat(30), offsetsArb), { nil: undefined }),
        fc.nat(30),
        offsetsArb,
        fc.nat(8),
        fc.nat(400),
        fc.nat(400),
        (keyLength, keyOffsets, hashKeys, dataLength, dataOffsets, count, outLength, offset) => {
          const args = [
            new Uint8Array(keyLength).fill(0x61),
            keyOffsets,
            hashKeys === undefined ? null : new Uint8Array(hashKeys[0]).fill(0x31),
            hashKeys === undefined ? null : hashKeys[1],
            new Uint8Array(dataLength),
            dataOffsets,
            count,
          ];
          const valid =
            count > 0 &&
            packedValid(keyLength, keyOffsets, count) &&
            (hashKeys === undefined || packedValid(hashKeys[0], hashKeys[1], count)) &&
            packedValid(dataLength, dataOffsets, count);
          let size = 0;
          expect(
            callSafely(() => {
              size = raw.aggregateSize(...args) as number;
            }),
          ).toBe(valid ? 'ok' : 'threw');
          const out = new Uint8Array(outLength);
          const written = callSafely(() => raw.encodeAggregate(...args, out, offset));
          expect(written).toBe(valid && offset + size <= outLength ? 'ok' : 'threw');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('encodeAggregates: bounds, every sliced table, the output and the sizes are checked', () => {
    const boundsArb = fc
      .array(fc.oneof(fc.nat(8), fc.constantFrom(0xffff_ffff, 0x8000_0000)), { maxLength: 5 })
      .map((v) => Uint32Array.from(v));
    fc.assert(
      fc.property(
        fc.nat(30),
        offsetsArb,
        fc.option(fc.tuple(fc.nat(30), offsetsArb), { nil: undefined }),
        fc.nat(30),
        offsetsArb,
        boundsArb,
        fc.nat(5),
        fc.nat(600),
        fc.nat(600),
        fc.nat(5),
        (keyLength, keyOffsets, hashKeys, dataLength, dataOffsets, bounds, aggregates, outLength, offset, sizes) => {
          const keyBytes = new Uint8Array(keyLength).fill(0x61);
          const hashKeyBytes = hashKeys === undefined ? null : new Uint8Array(hashKeys[0]).fill(0x31);
          const data = new Uint8Array(dataLength);
          const slice = (offsets: Uint32Array, from: number): Uint32Array =>
            from <= offsets.length ? offsets.subarray(from) : new Uint32Array(0);
          // Model: each aggregate must be a valid encodeAggregate on its slice, and everything must fit.
          let valid = bounds.length >= aggregates + 1 && sizes >= aggregates && offset <= outLength;
          let needed = offset;
          for (let j = 0; valid && j < aggregates; j++) {
            const from = bounds[j] as number;
            const to = bounds[j + 1] as number;
            const count = to - from;
            if (
              to < from ||
              count === 0 ||
              !packedValid(keyLength, slice(keyOffsets, from), count) ||
              (hashKeys !== undefined && !packedValid(hashKeys[0], slice(hashKeys[1], from), count)) ||
              !packedValid(dataLength, slice(dataOffsets, from), count)
            ) {
              valid = false;
              break;
            }
            needed += raw.aggregateSize(
              keyBytes,
              slice(keyOffsets, from),
              hashKeyBytes,
              hashKeys === undefined ? null : slice(hashKeys[1], from),
              data,
              slice(dataOffsets, from),
              count,
            ) as number;
            if (needed > outLength) valid = false;
          }
          const result = callSafely(() =>
            raw.encodeAggregates(
              keyBytes,
              keyOffsets,
              hashKeyBytes,
              hashKeys === undefined ? null : hashKeys[1],
              data,
              dataOffsets,
              bounds,
              aggregates,
              new Uint8Array(outLength),
              offset,
              new Uint32Array(sizes),
            ),
          );
          expect(result).toBe(valid ? 'ok' : 'threw');
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('lookupShards: lengths of hashes, ends and out are checked', () => {
    fc.assert(
      fc.property(
        fc.nat(80),
        fc.nat(6),
        fc.nat(80),
        fc.nat(6),
        fc.nat(6),
        (hashLength, count, endsLength, shards, outLength) => {
          const result = callSafely(() =>
            raw.lookupShards(
              new Uint8Array(hashLength),
              count,
              new Uint8Array(endsLength),
              shards,
              new Uint32Array(outLength),
            ),
          );
          const valid = hashLength >= 16 * count && endsLength >= 16 * shards && outLength >= count;
          expect(result).toBe(valid ? 'ok' : 'threw');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('base64Encode: the source range and the output room are checked', () => {
    fc.assert(
      fc.property(
        fc.nat(40),
        fc.oneof(fc.nat(45), fc.constantFrom(2 ** 32, 2 ** 53 - 1)),
        fc.oneof(fc.nat(45), fc.constantFrom(2 ** 32, 2 ** 53 - 1)),
        fc.nat(70),
        fc.oneof(fc.nat(70), fc.constantFrom(2 ** 32, 2 ** 53 - 1)),
        (srcLength, srcOffset, length, outLength, outOffset) => {
          const result = callSafely(() =>
            raw.base64Encode(new Uint8Array(srcLength), srcOffset, length, new Uint8Array(outLength), outOffset),
          );
          const valid = srcOffset + length <= srcLength && outOffset + 4 * Math.ceil(length / 3) <= outLength;
          expect(result).toBe(valid ? 'ok' : 'threw');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('base64Decode: the source range, the output room and overlap are checked', () => {
    fc.assert(
      fc.property(
        fc.nat(40),
        fc.oneof(fc.nat(45), fc.constantFrom(2 ** 32, 2 ** 53 - 1)),
        fc.oneof(fc.nat(45), fc.constantFrom(2 ** 32, 2 ** 53 - 1)),
        fc.nat(40),
        fc.oneof(fc.nat(45), fc.constantFrom(2 ** 32, 2 ** 53 - 1)),
        fc.boolean(),
        (srcLength, srcOffset, length, outLength, outOffset, shared) => {
          // Text of 'A's (no padding): it decodes to 3 × length / 4 bytes, rounded down.
          const backing = new Uint8Array(Math.max(srcLength, outLength)).fill(0x41);
          const src = shared ? backing.subarray(0, srcLength) : new Uint8Array(srcLength).fill(0x41);
          const out = shared ? backing.subarray(0, outLength) : new Uint8Array(outLength);
          const result = callSafely(() => raw.base64Decode(src, srcOffset, length, out, outOffset));
          const decoded = Math.floor((3 * length) / 4);
          const inBounds = srcOffset + length <= srcLength && outOffset + decoded <= outLength;
          const overlap = shared && decoded > 0 && outOffset < srcOffset + length && srcOffset < outOffset + decoded;
          expect(result).toBe(inBounds && !overlap ? 'ok' : 'threw');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('wrong argument types anywhere throw', () => {
    const good = {
      hashPackedKeys: [new Uint8Array(1), Uint32Array.of(0, 1), 1, new Uint8Array(16)],
      aggregateSize: [new Uint8Array(1), Uint32Array.of(0, 1), null, null, new Uint8Array(1), Uint32Array.of(0, 1), 1],
      encodeAggregate: [
        new Uint8Array(1),
        Uint32Array.of(0, 1),
        null,
        null,
        new Uint8Array(1),
        Uint32Array.of(0, 1),
        1,
        new Uint8Array(64),
        0,
      ],
      encodeAggregates: [
        new Uint8Array(2),
        Uint32Array.of(0, 1, 2),
        null,
        null,
        new Uint8Array(2),
        Uint32Array.of(0, 1, 2),
        Uint32Array.of(0, 1, 2),
        2,
        new Uint8Array(128),
        0,
        new Uint32Array(2),
      ],
      lookupShards: [new Uint8Array(16), 1, new Uint8Array(16), 1, new Uint32Array(1)],
      base64Encode: [new Uint8Array(3), 0, 3, new Uint8Array(4), 0],
      base64Decode: [Uint8Array.of(0x51, 0x55, 0x4a, 0x44), 0, 4, new Uint8Array(3), 0],
      retainFreedMemory: [256 * 1024 * 1024],
      hashMessages: [[new Uint8Array(3), new Uint8Array(70)], new Uint8Array(32)],
      hashRanges: [new Uint8Array(80), Uint32Array.of(0, 5), Uint32Array.of(5, 80), 2, new Uint8Array(32)],
    } as const;
    for (const [name, args] of Object.entries(good) as [keyof Raw, readonly unknown[]][]) {
      expect(callSafely(() => raw[name](...args))).toBe('ok');
      fc.assert(
        fc.property(fc.nat(args.length - 1), junk, (position, value) => {
          const mutated = [...args];
          mutated[position] = value;
          callSafely(() => raw[name](...mutated));
        }),
        { numRuns: 300 },
      );
      // Too few arguments.
      expect(callSafely(() => raw[name](...args.slice(0, -1)))).toBe('threw');
      expect(callSafely(() => raw[name]())).toBe('threw');
    }
  });

  it('concrete malformed cases throw', () => {
    expect(() => raw.hashPackedKeys(new Uint8Array(4), Uint32Array.of(0, 5), 1, new Uint8Array(16))).toThrow(
      RangeError,
    );
    expect(() => raw.hashPackedKeys(new Uint8Array(4), Uint32Array.of(3, 1), 1, new Uint8Array(16))).toThrow(
      RangeError,
    );
    expect(() => raw.hashPackedKeys(new Uint8Array(4), Uint32Array.of(0, 1), 1, new Uint8Array(15))).toThrow(
      RangeError,
    );
    expect(() => raw.hashPackedKeys(new Uint8Array(4), Uint32Array.of(0, 1), 2 ** 32 - 1, new Uint8Array(16))).toThrow(
      RangeError,
    );
    expect(() => raw.hashPackedKeys([1, 2], Uint32Array.of(0, 1), 1, new Uint8Array(16))).toThrow(TypeError);
    expect(() => raw.hashPackedKeys(new Uint8Array(4), new Int32Array([0, 1]), 1, new Uint8Array(16))).toThrow(
      TypeError,
    );
    expect(() => raw.lookupShards(new Uint8Array(16), 1, new Uint8Array(16), 1, new Int32Array(1))).toThrow(TypeError);
    // A view whose buffer was transferred away reads as empty: nothing fits in it any more.
    const view = new Uint8Array(new ArrayBuffer(64));
    structuredClone(view.buffer, { transfer: [view.buffer] });
    expect(() => raw.hashPackedKeys(view, Uint32Array.of(0, 1), 1, new Uint8Array(16))).toThrow(RangeError);
    const out = new Uint8Array(new ArrayBuffer(16));
    structuredClone(out.buffer, { transfer: [out.buffer] });
    expect(() => raw.hashPackedKeys(new Uint8Array(1), Uint32Array.of(0, 1), 1, out)).toThrow(RangeError);
  });
});
