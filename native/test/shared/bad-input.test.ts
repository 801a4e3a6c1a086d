import {
  ErrorCodes,
  InvalidArgumentError,
  InvalidConfigError,
  InvalidHashKeyError,
  InvalidPartitionKeyError,
  packStrings,
  RecordTooLargeError,
} from '@shardline/core';
import { aggregateSize, encodeAggregate, getCodec, hashKeys, lookupShards } from '@shardline/native';
import { describe, expect, it } from 'vitest';

// Deliberately ill-typed calls, as untyped JavaScript callers could make them.
const loose = <T>(value: unknown): T => value as T;
const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

describe('hashKeys rejects bad input with typed errors', () => {
  it.each([
    ['a number', [1]],
    ['null', [null]],
    ['undefined', [undefined]],
    ['an empty key', ['']],
    ['a 257-character key', ['k'.repeat(257)]],
  ])('%s', (_, keys) => {
    expect(() => hashKeys(loose(keys))).toThrow(InvalidPartitionKeyError);
  });

  it('accepts exactly 256 characters', () => {
    expect(hashKeys(['k'.repeat(256)])).toHaveLength(16);
  });

  it('rejects malformed packed keys', () => {
    const bytes = utf8('abcdef');
    expect(() => hashKeys({ count: 2, bytes, offsets: Uint32Array.of(0, 4, 2) })).toThrow(InvalidArgumentError);
    expect(() => hashKeys({ count: 1, bytes, offsets: Uint32Array.of(0, 7) })).toThrow(InvalidArgumentError);
    expect(() => hashKeys({ count: 3, bytes, offsets: Uint32Array.of(0, 1) })).toThrow(InvalidArgumentError);
    expect(() => hashKeys({ count: -1, bytes, offsets: Uint32Array.of(0) })).toThrow(InvalidArgumentError);
    expect(() => hashKeys(loose({ count: 1, bytes: [1, 2], offsets: Uint32Array.of(0, 1) }))).toThrow(
      InvalidArgumentError,
    );
    expect(() => hashKeys(loose({ count: 1, bytes, offsets: [0, 1] }))).toThrow(InvalidArgumentError);
    expect(() => hashKeys({ count: 1, bytes, offsets: Uint32Array.of(1, 1) })).toThrow(InvalidPartitionKeyError);
    const long = new Uint8Array(1025);
    expect(() => hashKeys({ count: 1, bytes: long, offsets: Uint32Array.of(0, 1025) })).toThrow(
      InvalidPartitionKeyError,
    );
    expect(hashKeys({ count: 1, bytes: long, offsets: Uint32Array.of(0, 1024) })).toHaveLength(16);
    expect(() => hashKeys(loose('abc'))).toThrow(InvalidArgumentError);
    expect(() => hashKeys(loose(null))).toThrow(InvalidArgumentError);
  });

  it('rejects a short or mistyped out buffer', () => {
    expect(() => hashKeys(['a', 'b'], new Uint8Array(31))).toThrow(InvalidArgumentError);
    expect(() => hashKeys(['a'], loose(new Uint32Array(4)))).toThrow(InvalidArgumentError);
  });
});

describe('encodeAggregate and aggregateSize reject bad input with typed errors', () => {
  const both = (records: unknown, error: new (...args: never[]) => Error) => {
    expect(() => encodeAggregate(loose(records))).toThrow(error);
    expect(() => aggregateSize(loose(records))).toThrow(error);
  };

  it('needs at least one record', () => {
    both([], InvalidArgumentError);
    both(
      { count: 0, partitionKeys: packStrings([]), data: new Uint8Array(0), dataOffsets: Uint32Array.of(0) },
      InvalidArgumentError,
    );
  });

  it('rejects non-records and bad data', () => {
    both([null], InvalidArgumentError);
    both(['a'], InvalidArgumentError);
    both([{ partitionKey: 'a', data: 5 }], InvalidArgumentError);
    both([{ partitionKey: 'a' }], InvalidArgumentError);
    both('records', InvalidArgumentError);
    both(null, InvalidArgumentError);
  });

  it('rejects bad partition keys', () => {
    both([{ partitionKey: 7, data: 'x' }], InvalidPartitionKeyError);
    both([{ partitionKey: '', data: 'x' }], InvalidPartitionKeyError);
    both([{ partitionKey: 'p'.repeat(257), data: 'x' }], InvalidPartitionKeyError);
  });

  it('rejects explicit hash keys that are not decimal or above 2^128-1', () => {
    for (const bad of [
      '',
      '-1',
      '1e3',
      ' 1',
      '0x10',
      '340282366920938463463374607431768211456',
      '9'.repeat(40),
      12,
      null,
      -1n,
      2n ** 128n,
    ]) {
      both([{ partitionKey: 'a', explicitHashKey: bad, data: 'x' }], InvalidHashKeyError);
    }
  });

  it('rejects malformed packed input', () => {
    const partitionKeys = packStrings(['a', 'b']);
    const good = { count: 2, partitionKeys, data: utf8('xy'), dataOffsets: Uint32Array.of(0, 1, 2) };
    expect(aggregateSize(good)).toBeGreaterThan(20);
    both({ ...good, count: 3 }, InvalidArgumentError);
    both({ ...good, dataOffsets: Uint32Array.of(0, 2, 1) }, InvalidArgumentError);
    both({ ...good, dataOffsets: Uint32Array.of(0, 1, 3) }, InvalidArgumentError);
    both({ ...good, dataOffsets: Uint32Array.of(0, 1) }, InvalidArgumentError);
    both({ ...good, data: 'xy' }, InvalidArgumentError);
    both(
      { ...good, partitionKeys: { count: 2, bytes: utf8('ab'), offsets: Uint32Array.of(0, 0, 2) } },
      InvalidPartitionKeyError,
    );
    both({ ...good, partitionKeys: packStrings(['a']) }, InvalidArgumentError);
    both({ ...good, explicitHashKeys: packStrings(['1']) }, InvalidArgumentError);
    both({ ...good, explicitHashKeys: packStrings(['1', 'x']) }, InvalidHashKeyError);
    both({ ...good, explicitHashKeys: packStrings(['007', '']) }, InvalidHashKeyError);
    both(
      { ...good, explicitHashKeys: packStrings(['340282366920938463463374607431768211456', '']) },
      InvalidHashKeyError,
    );
    expect(
      aggregateSize({ ...good, explicitHashKeys: packStrings(['340282366920938463463374607431768211455', '0']) }),
    ).toBeGreaterThan(20);
  });

  it('throws RecordTooLargeError past maxSize (default 1 MiB)', () => {
    const big = [{ partitionKey: 'a', data: new Uint8Array(1_048_576) }];
    expect(() => encodeAggregate(big)).toThrow(RecordTooLargeError);
    try {
      encodeAggregate([{ partitionKey: 'a', data: new Uint8Array(100) }], undefined, { maxSize: 50 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RecordTooLargeError);
      expect((error as RecordTooLargeError).code).toBe(ErrorCodes.RECORD_TOO_LARGE);
      expect((error as RecordTooLargeError).limit).toBe(50);
      expect((error as RecordTooLargeError).size).toBe(
        aggregateSize([{ partitionKey: 'a', data: new Uint8Array(100) }]),
      );
    }
    // No limit on sizing alone.
    expect(aggregateSize(big)).toBeGreaterThan(1_048_576);
  });

  it('rejects invalid options and output buffers', () => {
    const records = [{ partitionKey: 'a', data: 'x' }];
    expect(() => encodeAggregate(records, undefined, { maxSize: 0 })).toThrow(InvalidConfigError);
    expect(() => encodeAggregate(records, undefined, { maxSize: 1.5 })).toThrow(InvalidConfigError);
    expect(() => encodeAggregate(records, new Uint8Array(10), { offset: 11 })).toThrow(InvalidConfigError);
    expect(() => encodeAggregate(records, new Uint8Array(10), { offset: -1 })).toThrow(InvalidConfigError);
    expect(() => encodeAggregate(records, new Uint8Array(10))).toThrow(InvalidArgumentError);
    expect(() => encodeAggregate(records, loose([]))).toThrow(InvalidArgumentError);
    const size = aggregateSize(records);
    expect(() => encodeAggregate(records, new Uint8Array(size + 2), { offset: 3 })).toThrow(InvalidArgumentError);
    expect(encodeAggregate(records, new Uint8Array(size + 3), { offset: 3 })).toHaveLength(size);
  });
});

describe('lookupShards rejects bad input with typed errors', () => {
  it('checks hashes, ends and out', () => {
    const ends = [2n ** 127n, 2n ** 128n - 1n];
    expect(() => lookupShards(new Uint8Array(15), ends)).toThrow(InvalidArgumentError);
    expect(() => lookupShards(loose([1]), ends)).toThrow(InvalidArgumentError);
    expect(() => lookupShards(new Uint8Array(16), [])).toThrow(InvalidArgumentError);
    expect(() => lookupShards(new Uint8Array(16), new Uint8Array(17))).toThrow(InvalidArgumentError);
    expect(() => lookupShards(new Uint8Array(16), [5n, 5n])).toThrow(InvalidArgumentError);
    expect(() => lookupShards(new Uint8Array(16), [6n, 5n])).toThrow(InvalidArgumentError);
    expect(() => lookupShards(new Uint8Array(16), [2n ** 128n])).toThrow(InvalidHashKeyError);
    expect(() => lookupShards(new Uint8Array(16), loose([1]))).toThrow(InvalidHashKeyError);
    expect(() => lookupShards(new Uint8Array(16), loose('ends'))).toThrow(InvalidArgumentError);
    expect(() => lookupShards(new Uint8Array(32), ends, new Uint32Array(1))).toThrow(InvalidArgumentError);
    expect(() => lookupShards(new Uint8Array(32), ends, loose(new Uint8Array(2)))).toThrow(InvalidArgumentError);
  });
});

describe('the codec interface itself never reads or writes out of bounds', () => {
  const codec = () => getCodec();
  const keys = packStrings(['a', 'b']);
  const input = { count: 2, partitionKeys: keys, data: utf8('xy'), dataOffsets: Uint32Array.of(0, 1, 2) };

  it('hashPackedKeys', () => {
    expect(() => codec().hashPackedKeys(keys, new Uint8Array(31))).toThrow(RangeError);
    expect(() =>
      codec().hashPackedKeys({ count: 2, bytes: keys.bytes, offsets: Uint32Array.of(0, 9, 9) }, new Uint8Array(32)),
    ).toThrow(RangeError);
    expect(() =>
      codec().hashPackedKeys({ count: 2, bytes: keys.bytes, offsets: Uint32Array.of(0, 2, 1) }, new Uint8Array(32)),
    ).toThrow(RangeError);
  });

  it('aggregateSize and encodeAggregate', () => {
    const size = codec().aggregateSize(input);
    expect(() => codec().encodeAggregate(input, new Uint8Array(size - 1))).toThrow(RangeError);
    expect(() => codec().encodeAggregate(input, new Uint8Array(size), 1)).toThrow(RangeError);
    expect(() => codec().aggregateSize({ ...input, dataOffsets: Uint32Array.of(0, 1, 5) })).toThrow(RangeError);
    expect(() => codec().aggregateSize({ ...input, count: 0 })).toThrow(RangeError);
    expect(() => codec().encodeAggregate({ ...input, count: 3 }, new Uint8Array(100))).toThrow(RangeError);
  });

  it('lookupShards', () => {
    expect(() => codec().lookupShards(new Uint8Array(16), 2, new Uint8Array(16), 1, new Uint32Array(2))).toThrow(
      RangeError,
    );
    expect(() => codec().lookupShards(new Uint8Array(16), 1, new Uint8Array(16), 2, new Uint32Array(1))).toThrow(
      RangeError,
    );
    expect(() => codec().lookupShards(new Uint8Array(32), 2, new Uint8Array(16), 1, new Uint32Array(1))).toThrow(
      RangeError,
    );
  });
});
