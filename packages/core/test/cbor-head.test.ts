import { describe, expect, it } from 'vitest';
import { CBOR_MAJOR_ARRAY, CBOR_MAJOR_BYTES, CBOR_MAJOR_TEXT, cborHeadSize, writeCborHead } from '../src/index.js';

function head(major: number, n: number): number[] {
  const out = new Uint8Array(9);
  const end = writeCborHead(out, 0, major, n);
  expect(end).toBe(cborHeadSize(n));
  return [...out.subarray(0, end)];
}

describe('writeCborHead', () => {
  it('writes the shortest form at every size boundary (RFC 8949 appendix A)', () => {
    expect(head(CBOR_MAJOR_BYTES, 0)).toEqual([0x40]);
    expect(head(CBOR_MAJOR_TEXT, 23)).toEqual([0x77]);
    expect(head(CBOR_MAJOR_TEXT, 24)).toEqual([0x78, 0x18]);
    expect(head(CBOR_MAJOR_ARRAY, 255)).toEqual([0x98, 0xff]);
    expect(head(CBOR_MAJOR_BYTES, 256)).toEqual([0x59, 0x01, 0x00]);
    expect(head(CBOR_MAJOR_BYTES, 65_535)).toEqual([0x59, 0xff, 0xff]);
    expect(head(CBOR_MAJOR_BYTES, 65_536)).toEqual([0x5a, 0x00, 0x01, 0x00, 0x00]);
    expect(head(CBOR_MAJOR_BYTES, 0xffff_ffff)).toEqual([0x5a, 0xff, 0xff, 0xff, 0xff]);
    expect(head(0, 2 ** 32)).toEqual([0x1b, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(head(0, Number.MAX_SAFE_INTEGER)).toEqual([0x1b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  });

  it('writes at an offset and returns the offset after the head', () => {
    const out = new Uint8Array(8).fill(0xee);
    expect(writeCborHead(out, 3, CBOR_MAJOR_TEXT, 1000)).toBe(6);
    expect([...out]).toEqual([0xee, 0xee, 0xee, 0x79, 0x03, 0xe8, 0xee, 0xee]);
  });
});
