import { AwsServiceError } from '@shardline/core';
import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCbor } from '../src/transport/decode-cbor.js';

const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false, variableMapSize: true });

describe('decodeCbor', () => {
  it('decodes what cbor-x encodes: the JSON data model plus byte strings', () => {
    const value = {
      FailedRecordCount: 1,
      Records: [
        { SequenceNumber: '49590338271490256608559692538361571095921575989136588898', ShardId: 'shardId-000000000000' },
        { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard é😀' },
      ],
      EncryptionType: 'NONE',
      nested: { bytes: Uint8Array.of(1, 2, 3), big: 2 ** 40, negative: -70_000, float: 1.5, none: null, yes: true },
    };
    expect(decodeCbor(encoder.encode(value))).toEqual(value);
  });

  it('round-trips arbitrary JSON-like values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const plain = JSON.parse(JSON.stringify(value)) as unknown;
        expect(decodeCbor(encoder.encode(plain))).toEqual(plain);
      }),
      { numRuns: 300 },
    );
  });

  it('reads indefinite lengths, tags and half floats', () => {
    // {_ "a": [_ 1, 2], "b": (_ "x", "y")} with a tag 1 around 3 and a half-float 1.5
    const bytes = Uint8Array.from([
      0xbf, 0x61, 0x61, 0x9f, 0x01, 0x02, 0xff, 0x61, 0x62, 0x7f, 0x61, 0x78, 0x61, 0x79, 0xff, 0x61, 0x63, 0xc1, 0x03,
      0x61, 0x64, 0xf9, 0x3e, 0x00, 0xff,
    ]);
    expect(decodeCbor(bytes)).toEqual({ a: [1, 2], b: 'xy', c: 3, d: 1.5 });
  });

  it('never turns a "__proto__" key into a prototype', () => {
    const decoded = decodeCbor(Uint8Array.from([0xa1, 0x69, ...Buffer.from('__proto__'), 0xa1, 0x61, 0x78, 0x01]));
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded as object)).toEqual(['__proto__']);
  });

  it('throws a retriable AwsServiceError on truncated or malformed input, never anything else', () => {
    for (const bytes of [[], [0x62, 0x61], [0xa1, 0x61], [0x1c], [0xff], [0x01, 0x02], [0x9f, 0x01]]) {
      let error: unknown;
      try {
        decodeCbor(Uint8Array.from(bytes));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AwsServiceError);
      expect((error as AwsServiceError).retriable).toBe(true);
    }
    const deep = new Uint8Array(200).fill(0x81);
    expect(() => decodeCbor(deep)).toThrow(AwsServiceError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          decodeCbor(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(AwsServiceError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
