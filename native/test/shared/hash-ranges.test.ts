import { createHash } from 'node:crypto';
import { getCodec } from '@shardline/native';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');
const hex = (out: Uint8Array, i: number): string => Buffer.from(out.subarray(i * 16, i * 16 + 16)).toString('hex');

describe('hashRanges', () => {
  it('digests each range where it lies, as node:crypto does over a copy', () => {
    const codec = getCodec();
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
        fc.nat(7),
        (data, picks, lead) => {
          // A view at an offset of a larger buffer, as an aggregate inside a GetRecords answer is.
          const backing = new Uint8Array(lead + data.length);
          backing.set(data, lead);
          const bytes = backing.subarray(lead);
          const ranges = picks.map(([a, b]) => {
            const x = data.length === 0 ? 0 : a % (data.length + 1);
            const y = data.length === 0 ? 0 : b % (data.length + 1);
            return [Math.min(x, y), Math.max(x, y)] as const;
          });
          const starts = Uint32Array.from(ranges, (r) => r[0]);
          const ends = Uint32Array.from(ranges, (r) => r[1]);
          const out = new Uint8Array(16 * ranges.length);
          codec.hashRanges(bytes, starts, ends, ranges.length, out);
          for (const [i, [start, end]] of ranges.entries()) expect(hex(out, i)).toBe(md5(data.subarray(start, end)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hashes only the first count ranges and refuses ranges outside bytes, short arrays and a short out', () => {
    const codec = getCodec();
    const bytes = Buffer.from('partition-key-onepartition-key-two');
    const out = new Uint8Array(48).fill(7);
    codec.hashRanges(bytes, Uint32Array.of(0, 17, 0), Uint32Array.of(17, 34, 1), 2, out);
    expect(hex(out, 0)).toBe(md5(bytes.subarray(0, 17)));
    expect(hex(out, 1)).toBe(md5(bytes.subarray(17, 34)));
    expect([...out.subarray(32)]).toEqual(new Array(16).fill(7));
    const one = new Uint8Array(16);
    expect(() => codec.hashRanges(bytes, Uint32Array.of(0), Uint32Array.of(35), 1, one)).toThrow(RangeError);
    expect(() => codec.hashRanges(bytes, Uint32Array.of(5), Uint32Array.of(4), 1, one)).toThrow(RangeError);
    expect(() => codec.hashRanges(bytes, Uint32Array.of(0), Uint32Array.of(1), 2, new Uint8Array(32))).toThrow(
      RangeError,
    );
    expect(() => codec.hashRanges(bytes, Uint32Array.of(0), Uint32Array.of(1), 1, new Uint8Array(15))).toThrow(
      RangeError,
    );
    expect(() =>
      codec.hashRanges(bytes, Int32Array.of(0) as unknown as Uint32Array, Uint32Array.of(1), 1, one),
    ).toThrow(TypeError);
  });
});
