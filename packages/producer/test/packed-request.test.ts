import { randomBytes } from 'node:crypto';
import { getCodec } from '@shardline/native';
import { describe, expect, it } from 'vitest';
import { AggregateBuilder } from '../src/pipeline/aggregate-builder.js';
import { KinesisRecord } from '../src/pipeline/kinesis-record.js';
import { PK_ESCAPE, PK_UNICODE, type UserRecord } from '../src/pipeline/user-record.js';
import {
  PACKED_AGGREGATED,
  PACKED_EHK,
  PACKED_KIND_SHIFT,
  type PackedArrays,
  PackedRequest,
} from '../src/transport/packed-request.js';
import { PutRecordsBodyWriter } from '../src/transport/put-records-body.js';
import { makeRecord } from './make-record.js';

function aggregateOf(records: UserRecord[]): KinesisRecord {
  const bound = records.reduce((sum, r) => sum + r.pkBytes + r.data.length + 64, 64);
  return new KinesisRecord(records, undefined, bound);
}

function lone(record: UserRecord): KinesisRecord {
  return new KinesisRecord([record], undefined, record.data.length);
}

const text = (bytes: Uint8Array, offsets: Uint32Array, m: number): string =>
  Buffer.from(bytes.subarray(offsets[m], offsets[m + 1])).toString('utf8');

describe('PackedRequest', () => {
  it('packs an aggregate from what its builder staged: keys in one block, data and explicit hash keys', () => {
    const members = [
      makeRecord('k1', Buffer.from('one')),
      makeRecord('é€', Buffer.from('two'), '9'),
      makeRecord('k3', Buffer.from('3')),
    ];
    const staged = {
      keys: Buffer.from('k1é€k3'),
      keyEnds: [2, 7, 9],
      data: members.map((r) => r.data),
      explicitHashKeys: [undefined, '9', undefined],
      deadline: 0,
      minExpiration: Number.POSITIVE_INFINITY,
    };
    const packed = new PackedRequest();
    packed.pack('s', [new KinesisRecord(members, undefined, 200, staged)]);
    expect([0, 1, 2].map((m) => text(packed.pkBytes, packed.pkOffsets, m))).toEqual(['k1', 'é€', 'k3']);
    expect([0, 1, 2].map((m) => text(packed.data, packed.dataOffsets, m))).toEqual(['one', 'two', '3']);
    expect([0, 1, 2].map((m) => text(packed.ehkBytes, packed.ehkOffsets, m))).toEqual(['', '9', '']);
    // Staging that disagrees with the records is refused rather than packed misaligned.
    for (const bad of [{ keys: staged.keys.subarray(1) }, { keyEnds: [2, 7] }, { data: staged.data.slice(1) }]) {
      expect(() => packed.pack('s', [new KinesisRecord(members, undefined, 200, { ...staged, ...bad })])).toThrow(
        /staged aggregate/,
      );
    }
  });

  it("packs aggregates' members first and lone records after, each record keeping its place", () => {
    const a = [makeRecord('a1', Buffer.from('one')), makeRecord('a2', Buffer.from('two'), '42')];
    const b = [makeRecord('b1', Buffer.from('three')), makeRecord('b2', Buffer.from('four'))];
    const solo = makeRecord('clé', Buffer.from('five'));
    const escaped = makeRecord('q"uote', Buffer.from('six'), '7');
    const records = [lone(solo), aggregateOf(a), lone(escaped), aggregateOf(b)];
    const packed = new PackedRequest();
    packed.pack('s', records);

    expect(packed.streamName).toBe('s');
    expect(packed.records).toBe(4);
    expect(packed.aggregates).toBe(2);
    expect(packed.aggregatedMembers).toBe(4);
    expect([...packed.firstMember.subarray(0, 4)]).toEqual([4, 0, 5, 2]);
    expect([...packed.bounds.subarray(0, 3)]).toEqual([0, 2, 4]);
    expect([...packed.flags.subarray(0, 4)]).toEqual([
      PK_UNICODE << PACKED_KIND_SHIFT,
      PACKED_AGGREGATED,
      (PK_ESCAPE << PACKED_KIND_SHIFT) | PACKED_EHK,
      PACKED_AGGREGATED,
    ]);
    const keys = [0, 1, 2, 3, 4, 5].map((m) => text(packed.pkBytes, packed.pkOffsets, m));
    expect(keys).toEqual(['a1', 'a2', 'b1', 'b2', 'clé', 'q"uote']);
    const data = [0, 1, 2, 3, 4, 5].map((m) => text(packed.data, packed.dataOffsets, m));
    expect(data).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    const ehks = [0, 1, 2, 3, 4, 5].map((m) => text(packed.ehkBytes, packed.ehkOffsets, m));
    expect(ehks).toEqual(['', '42', '', '', '', '7']);
    expect(packed.ehkTotal).toBe(3);
    // Each record's route: its first member's hash key (ignored where an explicit hash key is given).
    expect(Buffer.from(packed.hashKeys.subarray(0, 16)).equals(Buffer.from(solo.hashes))).toBe(true);
    expect(Buffer.from(packed.hashKeys.subarray(16, 32)).equals(Buffer.from(a[0]?.hashes ?? []))).toBe(true);
    expect(Buffer.from(packed.hashKeys.subarray(48, 64)).equals(Buffer.from(b[0]?.hashes ?? []))).toBe(true);
  });

  it('keeps its columns on shared memory and changes version only when a column is replaced', () => {
    const packed = new PackedRequest();
    const small = [aggregateOf([makeRecord('k1', Buffer.alloc(10)), makeRecord('k2', Buffer.alloc(10))])];
    packed.pack('s', small);
    for (const array of Object.values(packed.arrays()) as Uint8Array[]) {
      expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    const first = packed.version;
    packed.pack('s', small);
    expect(packed.version).toBe(first);
    const many = Array.from({ length: 300 }, (_, i) => makeRecord(`key-${i}`, Buffer.alloc(200)));
    packed.pack('s', [aggregateOf(many)]);
    expect(packed.version).toBeGreaterThan(first);
    const grown = packed.version;
    packed.pack('s', small);
    expect(packed.version).toBe(grown);
  });

  it('copies data and key blocks of every size byte for byte, at any alignment', () => {
    // Sizes around the loop and Buffer#fill thresholds, cut from one pool at odd offsets, so that
    // source and column offsets take every alignment.
    const pool = randomBytes(80_000);
    let from = 0;
    // Every other one a plain Uint8Array, which put() accepts as well as a Buffer.
    const slice = (length: number): Uint8Array => {
      const start = from % 8;
      from += 3;
      return from % 2 === 0
        ? pool.subarray(start, start + length)
        : new Uint8Array(pool.buffer, pool.byteOffset + start, length);
    };
    const sizes = [0, 1, 63, 64, 65, 191, 192, 193, 1000, 1023, 1024, 4097, 20_000];
    const builder = new AggregateBuilder();
    for (const [i, size] of sizes.entries()) builder.add(makeRecord(`key-${'x'.repeat(i * 31)}`, slice(size)));
    const staged = builder.staged();
    const size = builder.size;
    const aggregate = new KinesisRecord(builder.take(), undefined, size, staged);
    const lones = sizes.map((size, i) => lone(makeRecord(`lone-${'y'.repeat(i * 29)}`, slice(size))));
    const packed = new PackedRequest();
    packed.pack('s', [aggregate, ...lones]);
    const members = [...aggregate.records, ...lones.map((record) => record.records[0] as UserRecord)];
    for (const [m, record] of members.entries()) {
      const data = packed.data.subarray(packed.dataOffsets[m], packed.dataOffsets[m + 1]);
      expect(Buffer.compare(data, record.data)).toBe(0);
      expect(text(packed.pkBytes, packed.pkOffsets, m)).toBe(record.partitionKey);
    }
  });

  it('grows the key column past the request size when an aggregate repeats a long key', () => {
    // The aggregate stores the key once, so its size bound (what the columns are sized by) is below
    // the key bytes of its members.
    const key = 'k'.repeat(256);
    const members = Array.from({ length: 8 }, () => makeRecord(key, new Uint8Array(0)));
    const packed = new PackedRequest();
    packed.pack('s', [new KinesisRecord(members, undefined, 300)]);
    expect(packed.pkOffsets[8]).toBe(8 * 256);
    for (let m = 0; m < 8; m++) expect(text(packed.pkBytes, packed.pkOffsets, m)).toBe(key);
  });

  it('grows the explicit-hash-key column while packing, keeping what is already written', () => {
    const ehk = '340282366920938463463374607431768211455';
    const members = Array.from({ length: 200 }, (_, i) => makeRecord(`k${i}`, Buffer.from('x'), ehk));
    const packed = new PackedRequest();
    packed.pack('s', [aggregateOf(members)]);
    expect(packed.ehkTotal).toBe(200 * ehk.length);
    for (let m = 0; m < 200; m++) expect(text(packed.ehkBytes, packed.ehkOffsets, m)).toBe(ehk);
  });

  it('another thread that adopts the header and the shared columns writes the same body', () => {
    const members = Array.from({ length: 50 }, (_, i) => makeRecord(`key-${i % 7}`, Buffer.alloc(i, i)));
    const records = [aggregateOf(members), lone(makeRecord('solo', Buffer.from('raw'), '12345'))];
    const packed = new PackedRequest();
    packed.pack('stream', records);
    const original = Buffer.from(new PutRecordsBodyWriter(getCodec(), 4).write(packed).body);
    const exact = packed.sizes[0];
    packed.sizes[0] = records[0]?.dataSize ?? 0;

    // structuredClone shares SharedArrayBuffers as postMessage does.
    const copy = new PackedRequest();
    copy.adoptArrays(structuredClone(packed.arrays()) as PackedArrays);
    copy.adoptHeader(structuredClone(packed.header()));
    const written = new PutRecordsBodyWriter(getCodec(), 4).write(copy).body;
    expect(Buffer.from(written).equals(original)).toBe(true);
    // The exact size the other side's encoder stored is visible to the packing side.
    expect(exact).toBeLessThan(records[0]?.dataSize ?? 0);
    expect(packed.sizes[0]).toBe(exact);
  });
});
