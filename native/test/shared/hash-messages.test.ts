import { createHash, randomBytes } from 'node:crypto';
import { getCodec } from '@shardline/native';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');
const hex = (out: Uint8Array, i: number): string => Buffer.from(out.subarray(i * 16, i * 16 + 16)).toString('hex');

describe('hashMessages', () => {
  it('digests each message as node:crypto does, in any mix of lengths and counts', () => {
    const codec = getCodec();
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), fc.nat(8), (messages, lead) => {
        // Views at odd offsets of a larger buffer, as aggregates inside a GetRecords answer are.
        const views = messages.map((m) => {
          const backing = new Uint8Array(lead + m.length + 3);
          backing.set(m, lead);
          return backing.subarray(lead, lead + m.length);
        });
        const out = new Uint8Array(16 * views.length + 5);
        codec.hashMessages(views, out);
        for (const [i, m] of messages.entries()) expect(hex(out, i)).toBe(md5(m));
        expect([...out.subarray(16 * views.length)]).toEqual([0, 0, 0, 0, 0]);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps each digest in its own slot when long and short messages share SIMD groups', () => {
    const lengths = [770_000, 0, 55, 56, 64, 65, 120_000, 1, 770_016, 3, 4096, 9, 500_000];
    const messages = lengths.map((n) => randomBytes(n));
    const out = new Uint8Array(16 * messages.length);
    getCodec().hashMessages(messages, out);
    for (const [i, m] of messages.entries()) expect(hex(out, i)).toBe(md5(m));
  });

  it('accepts no messages and refuses anything but Uint8Arrays and room for every digest', () => {
    const codec = getCodec();
    expect(() => codec.hashMessages([], new Uint8Array(0))).not.toThrow();
    expect(() => codec.hashMessages([new Uint8Array(1)], new Uint8Array(15))).toThrow(RangeError);
    expect(() => codec.hashMessages('x' as unknown as Uint8Array[], new Uint8Array(16))).toThrow(TypeError);
    expect(() => codec.hashMessages([new Uint16Array(2) as unknown as Uint8Array], new Uint8Array(16))).toThrow(
      TypeError,
    );
    expect(() => codec.hashMessages([null as unknown as Uint8Array], new Uint8Array(16))).toThrow(TypeError);
  });
});
