import { getCodec } from '@shardline/native';
import { describe, expect, it } from 'vitest';
import { expectedImplementation } from '../support/expected-implementation.js';
import { RFC4648_VECTORS } from '../support/rfc4648-vectors.js';

describe('codec base64Encode', () => {
  const codec = getCodec();

  it('runs on the expected implementation', () => {
    expect(codec.implementation).toBe(expectedImplementation());
  });

  it.each(RFC4648_VECTORS)('encodes %j as %j', (text, encoded) => {
    const out = new Uint8Array(12).fill(0x2e);
    expect(codec.base64Encode(Buffer.from(text, 'latin1'), 0, text.length, out, 2)).toBe(encoded.length);
    expect(Buffer.from(out).toString('latin1')).toBe(`..${encoded}${'.'.repeat(10 - encoded.length)}`);
  });

  it('uses the standard alphabet (+ and /) on every byte value, at any source offset', () => {
    const src = new Uint8Array(300);
    for (let i = 0; i < src.length; i++) src[i] = (i * 251 + 7) & 255;
    for (const [start, length] of [
      [0, 300],
      [1, 255],
      [7, 100],
      [299, 1],
      [300, 0],
    ] as const) {
      const out = Buffer.alloc(4 * Math.ceil(length / 3));
      expect(codec.base64Encode(src, start, length, out, 0)).toBe(out.length);
      expect(out.toString('latin1')).toBe(Buffer.from(src.subarray(start, start + length)).toString('base64'));
    }
  });

  it('matches Buffer base64 for every length around the 24-byte SIMD steps, leaving neighbours untouched', () => {
    const codec = getCodec();
    const source = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 167 + 13) & 0xff));
    for (let length = 0; length <= 200; length++) {
      for (const from of [0, 1, 5]) {
        const expected = source.subarray(from, from + length).toString('base64');
        const out = Buffer.alloc(expected.length + 6, 0x2e);
        expect(codec.base64Encode(source, from, length, out, 3)).toBe(expected.length);
        expect(out.toString('latin1')).toBe(`...${expected}...`);
      }
    }
  });

  it('reads a view at its own byte offset', () => {
    const backing = new Uint8Array([9, 9, 0xfb, 0xff, 0xbf, 9]);
    const view = backing.subarray(2, 5);
    const out = new Uint8Array(4);
    expect(codec.base64Encode(view, 0, 3, out, 0)).toBe(4);
    expect(Buffer.from(out).toString('latin1')).toBe('+/+/');
  });

  it('throws RangeError for a source range past the end or an output too small, writing nothing', () => {
    const out = new Uint8Array(8).fill(0x2e);
    expect(() => codec.base64Encode(new Uint8Array(4), 2, 3, out, 0)).toThrow(RangeError);
    expect(() => codec.base64Encode(new Uint8Array(4), 5, 0, out, 0)).toThrow(RangeError);
    expect(() => codec.base64Encode(new Uint8Array(4), 0, 4, out, 1)).toThrow(RangeError);
    expect(() => codec.base64Encode(new Uint8Array(4), 0, 1, out, 9)).toThrow(RangeError);
    expect(() => codec.base64Encode(new Uint8Array(4), -1, 1, out, 0)).toThrow(RangeError);
    expect(() => codec.base64Encode(new Uint8Array(4), 0, 1.5, out, 0)).toThrow(RangeError);
    expect([...out]).toEqual(new Array(8).fill(0x2e));
    expect(codec.base64Encode(new Uint8Array(4), 0, 4, out, 0)).toBe(8);
  });
});
