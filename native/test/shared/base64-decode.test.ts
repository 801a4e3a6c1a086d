import { getCodec } from '@shardline/native';
import { describe, expect, it } from 'vitest';
import { expectedImplementation } from '../support/expected-implementation.js';
import { RFC4648_VECTORS } from '../support/rfc4648-vectors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// The RFC's vectors as given, and without their padding.
const VECTORS = RFC4648_VECTORS.flatMap(([text, encoded]) =>
  encoded.endsWith('=')
    ? [[text, encoded] as const, [text, encoded.replace(/=+$/, '')] as const]
    : [[text, encoded] as const],
);

/** Decodes `text` at source offset 1 into an output with two guard bytes before and after. */
function decode(text: string): { written: number; bytes: string; guards: string } {
  const codec = getCodec();
  const src = Buffer.from(`.${text}.`, 'latin1');
  const out = Buffer.alloc(Math.floor((3 * text.length) / 4) + 4, 0x2e);
  const written = codec.base64Decode(src, 1, text.length, out, 2);
  const end = written < 0 ? 2 : 2 + written;
  return { written, bytes: out.toString('latin1', 2, end), guards: out.toString('latin1', 0, 2) };
}

describe('codec base64Decode', () => {
  const codec = getCodec();

  it('runs on the expected implementation', () => {
    expect(codec.implementation).toBe(expectedImplementation());
  });

  it.each(VECTORS)('decodes %j from %j', (text, encoded) => {
    expect(decode(encoded)).toEqual({ written: text.length, bytes: text, guards: '..' });
  });

  it('matches Buffer for every length around the 32-character SIMD steps, writing only the decoded range', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 167 + 13) & 0xff));
    for (let length = 0; length <= 240; length++) {
      for (const padded of [true, false]) {
        let text = data.subarray(0, length).toString('base64');
        if (!padded) text = text.replace(/=+$/, '');
        const src = Buffer.from(`...${text}`, 'latin1');
        const out = Buffer.alloc(length + 6, 0x2e);
        expect(codec.base64Decode(src, 3, text.length, out, 3)).toBe(length);
        expect(out.subarray(3, 3 + length).equals(data.subarray(0, length))).toBe(true);
        expect(out.toString('latin1', 0, 3) + out.toString('latin1', 3 + length)).toBe('......');
      }
    }
  });

  it('maps every character of the standard alphabet at every position of a SIMD step', () => {
    for (let position = 0; position < 64; position++) {
      const chars = Array.from({ length: 96 }, (_, i) => ALPHABET[(i * 7 + position) % 64] as string);
      const text = chars.join('');
      const { written, bytes } = decode(text);
      expect(written).toBe(72);
      expect(bytes).toBe(Buffer.from(text, 'base64').toString('latin1'));
    }
  });

  it('refuses every byte outside the alphabet, at every position, with -1', () => {
    const base = 'QUJD'.repeat(24);
    const valid = new Set(Buffer.from(ALPHABET, 'latin1'));
    const text = Buffer.from(base, 'latin1');
    const out = new Uint8Array(72);
    for (let byte = 0; byte < 256; byte++) {
      if (valid.has(byte)) continue;
      for (const position of [0, 1, 15, 16, 31, 32, 47, 63, 64, 70, 94, 95]) {
        const src = Buffer.from(text);
        src[position] = byte;
        // A final '=' (or two) is padding; any other place for it is not.
        const padding = byte === 0x3d && position === 95;
        expect(codec.base64Decode(src, 0, src.length, out, 0)).toBe(padding ? 71 : -1);
      }
    }
  });

  it('refuses a single leftover character and misplaced padding', () => {
    for (const text of ['Q', 'QUJDR', 'Q===', '====', 'QQ=', 'QQ=A', 'QUJD====', '=QUJ', 'QQ==QUJD']) {
      expect(decode(text).written).toBe(-1);
    }
  });

  it('ignores set bits beyond the data in the last character, as Buffer does', () => {
    expect(decode('QR==')).toEqual({ written: 1, bytes: 'A', guards: '..' });
    expect(decode('QUJ=')).toEqual({ written: 2, bytes: 'AB', guards: '..' });
    expect(decode('QR')).toEqual({ written: 1, bytes: 'A', guards: '..' });
  });

  it('reads a view at its own byte offset', () => {
    const backing = Buffer.from('xxKy8vx', 'latin1');
    const view = backing.subarray(2, 6);
    const out = new Uint8Array(3);
    expect(codec.base64Decode(view, 0, 4, out, 0)).toBe(3);
    expect([...out]).toEqual([0x2b, 0x2f, 0x2f]);
  });

  it('throws RangeError for a source range past the end, an output too small or shared memory', () => {
    const src = Buffer.from('QUJDRA==', 'latin1');
    const out = new Uint8Array(8).fill(0x2e);
    expect(() => codec.base64Decode(src, 4, 5, out, 0)).toThrow(RangeError);
    expect(() => codec.base64Decode(src, 9, 0, out, 0)).toThrow(RangeError);
    expect(() => codec.base64Decode(src, 0, 8, out, 5)).toThrow(RangeError);
    expect(() => codec.base64Decode(src, -1, 4, out, 0)).toThrow(RangeError);
    expect(() => codec.base64Decode(src, 0, 1.5, out, 0)).toThrow(RangeError);
    expect([...out]).toEqual(new Array(8).fill(0x2e));
    // Padding is not decoded: 8 characters with two '=' need 4 bytes of room, not 6.
    expect(codec.base64Decode(src, 0, 8, out, 4)).toBe(4);
    // Text and output in one buffer: refused where the ranges meet, decoded where they do not.
    const shared = (): Buffer => Buffer.from('QUJDQUJD........', 'latin1');
    expect(() => codec.base64Decode(shared(), 0, 8, shared(), 4)).not.toThrow();
    const one = shared();
    expect(() => codec.base64Decode(one, 0, 8, one, 4)).toThrow(RangeError);
    expect(() => codec.base64Decode(one, 4, 4, one, 2)).toThrow(RangeError);
    expect(one.toString('latin1')).toBe('QUJDQUJD........');
    expect(codec.base64Decode(one, 4, 4, one, 1)).toBe(3);
    expect(one.toString('latin1', 0, 8)).toBe('QABCQUJD');
    expect(codec.base64Decode(one, 4, 4, one, 8)).toBe(3);
    expect(one.toString('latin1', 8, 11)).toBe('ABC');
  });
});
