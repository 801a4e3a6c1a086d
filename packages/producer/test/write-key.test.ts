import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeKey } from '../src/pipeline/write-key.js';

describe('writeKey', () => {
  it('writes the UTF-8 bytes of any key at the offset, as Buffer#write does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 256 }), fc.nat(16), (key, offset) => {
        const ascii = [...key].every((char) => (char.codePointAt(0) as number) < 0x80);
        const out = Buffer.alloc(offset + 4 * key.length + 4, 0xee);
        const expected = Buffer.from(key, 'utf8');
        const written = writeKey(key, ascii, out, offset);
        expect(written).toBe(expected.length);
        expect(out.subarray(offset, offset + written).equals(expected)).toBe(true);
        // Nothing around the key is touched.
        expect(out.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
        expect(out.subarray(offset + written).every((b) => b === 0xee)).toBe(true);
      }),
    );
  });

  it('copies short ASCII keys and long ones alike', () => {
    for (const length of [1, 20, 64, 65, 256]) {
      const key = `${'k'.repeat(length - 1)}~`;
      const out = Buffer.alloc(length + 3);
      expect(writeKey(key, true, out, 3)).toBe(length);
      expect(out.toString('latin1', 3)).toBe(key);
    }
  });
});
