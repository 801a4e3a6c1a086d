import { InvalidArgumentError, InvalidPartitionKeyError, RecordTooLargeError } from '@shardline/core';
import { describe, expect, it } from 'vitest';
import { PK_ASCII, PK_ESCAPE, PK_UNICODE } from '../src/pipeline/user-record.js';
import { validatePut } from '../src/producer/validate-put.js';

const KNOWN = new Map<string, unknown>([['s', undefined]]);

/** The classification by definition: JSON escapes win over non-ASCII, which wins over plain ASCII. */
function expectedKind(key: string): number {
  let kind = PK_ASCII;
  for (const char of key) {
    const c = char.codePointAt(0) as number;
    if (c < 0x20 || char === '"' || char === '\\') return PK_ESCAPE;
    if (c > 0x7e) kind = PK_UNICODE;
  }
  return kind;
}

describe('validatePut', () => {
  it('classifies every partition key character and counts its UTF-8 bytes, wherever it stands', () => {
    const samples = [...Array.from({ length: 0x80 }, (_, c) => String.fromCharCode(c))];
    samples.push('\u0080', '\u07ff', '\u0800', '\uffff', '\u{1f600}', 'é');
    for (const char of samples) {
      for (const key of [char, `${char}abc`, `ab${char}cd`, `abcd${char}`, `"${char}`, `é${char}`]) {
        const record = validatePut({ streamName: 's', partitionKey: key, data: new Uint8Array(1) }, 1 << 20, KNOWN);
        expect({ key, kind: record.pkKind }).toEqual({ key, kind: expectedKind(key) });
        expect(record.pkBytes).toBe(Buffer.byteLength(key, 'utf8'));
      }
    }
  });

  it('refuses an unpaired surrogate, a key of the wrong length and a record over the size limit', () => {
    const put = (partitionKey: string, size = 1): unknown =>
      validatePut({ streamName: 's', partitionKey, data: new Uint8Array(size) }, 1024, KNOWN);
    expect(() => put('a\ud800b')).toThrow(InvalidPartitionKeyError);
    expect(() => put('\udc00')).toThrow(InvalidPartitionKeyError);
    expect(() => put('')).toThrow(InvalidPartitionKeyError);
    expect(() => put('k'.repeat(257))).toThrow(InvalidPartitionKeyError);
    expect(() => put('k', 1024)).toThrow(RecordTooLargeError);
    expect(() => validatePut({ streamName: 'bad name', partitionKey: 'k', data: 'x' }, 1024, KNOWN)).toThrow(
      InvalidArgumentError,
    );
  });
});
