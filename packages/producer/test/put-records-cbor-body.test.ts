import { createHash } from 'node:crypto';
import { deaggregate } from '@shardline/core';
import { getCodec } from '@shardline/native';
import { Decoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { KinesisRecord } from '../src/pipeline/kinesis-record.js';
import type { UserRecord } from '../src/pipeline/user-record.js';
import { PutRecordsBodyWriter } from '../src/transport/put-records-body.js';
import { PutRecordsCborWriter } from '../src/transport/put-records-cbor-body.js';
import { makeRecord } from './make-record.js';
import { writeBody } from './write-body.js';

interface Entry {
  Data: Uint8Array;
  PartitionKey: string;
  ExplicitHashKey: string;
}

const decoder = new Decoder({ mapsAsObjects: true, useRecords: false });

function md5Decimal(key: string): string {
  return BigInt(`0x${createHash('md5').update(key, 'utf8').digest('hex')}`).toString();
}

function aggregateOf(records: UserRecord[]): KinesisRecord {
  const bound = records.reduce((sum, r) => sum + r.pkBytes + r.data.length + 64, 64);
  return new KinesisRecord(records, undefined, bound);
}

describe('PutRecordsCborWriter', () => {
  it('writes the golden bytes of a one-record body in shortest form', () => {
    const writer = new PutRecordsCborWriter(getCodec(), 4);
    const record = makeRecord('k', Buffer.from('hi'), '7');
    const { body } = writeBody(writer, 's', [new KinesisRecord([record], undefined, 2)]);
    const expected = Buffer.concat([
      Buffer.from([0xa2, 0x6a]),
      Buffer.from('StreamName'),
      Buffer.from([0x61]),
      Buffer.from('s'),
      Buffer.from([0x67]),
      Buffer.from('Records'),
      Buffer.from([0x81, 0xa3, 0x64]),
      Buffer.from('Data'),
      Buffer.from([0x42]),
      Buffer.from('hi'),
      Buffer.from([0x6c]),
      Buffer.from('PartitionKey'),
      Buffer.from([0x61]),
      Buffer.from('k'),
      Buffer.from([0x6f]),
      Buffer.from('ExplicitHashKey'),
      Buffer.from([0x61]),
      Buffer.from('7'),
    ]);
    expect(body.toString('hex')).toBe(expected.toString('hex'));
  });

  it('decodes with cbor-x to what the JSON writer sends, data as byte strings, aggregates byte-identical', () => {
    const codec = getCodec();
    const members = [
      makeRecord('alpha', Buffer.from('one')),
      makeRecord('beta', Buffer.from('two'), '170141183460469231731687303715884105728'),
      makeRecord('alpha', new Uint8Array(300).fill(7)),
    ];
    const second = Array.from({ length: 40 }, (_, i) => makeRecord(`g${i}`, new Uint8Array(2_000).fill(i)));
    const lone = [
      makeRecord('plain-key', Buffer.from('x')),
      makeRecord('clé ünïcode', Buffer.from('y')),
      makeRecord('quote"back\\slash\ttab', new Uint8Array(0)),
      makeRecord('k'.repeat(256), new Uint8Array(70_000).fill(3)),
      makeRecord('ehk', Buffer.from('z'), '0'),
    ];
    const batch = (): KinesisRecord[] => [
      aggregateOf(members),
      ...lone.map((r) => new KinesisRecord([r], undefined, r.data.length)),
      aggregateOf(second),
    ];
    const cborRecords = batch();
    const { body } = writeBody(new PutRecordsCborWriter(codec, 4), 'my-stream', cborRecords);
    const decoded = decoder.decode(body) as { StreamName: string; Records: Entry[] };
    const jsonRecords = batch();
    const json = JSON.parse(
      writeBody(new PutRecordsBodyWriter(codec, 4), 'my-stream', jsonRecords).body.toString(),
    ) as {
      StreamName: string;
      Records: { Data: string; PartitionKey: string; ExplicitHashKey: string }[];
    };
    expect(decoded.StreamName).toBe('my-stream');
    expect(Object.keys(decoded)).toEqual(['StreamName', 'Records']);
    expect(decoded.Records).toHaveLength(json.Records.length);
    decoded.Records.forEach((entry, i) => {
      const other = json.Records[i] as { Data: string; PartitionKey: string; ExplicitHashKey: string };
      expect(Object.keys(entry)).toEqual(['Data', 'PartitionKey', 'ExplicitHashKey']);
      expect(entry.Data).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(entry.Data).toString('base64')).toBe(other.Data);
      expect(entry.PartitionKey).toBe(other.PartitionKey);
      expect(entry.ExplicitHashKey).toBe(other.ExplicitHashKey);
      expect(cborRecords[i]?.dataSize).toBe(entry.Data.length);
    });
    const first = decoded.Records[0] as Entry;
    expect(first.PartitionKey).toBe('a');
    expect(first.ExplicitHashKey).toBe(md5Decimal('alpha'));
    const out = deaggregate({ data: first.Data, partitionKey: 'a', sequenceNumber: '1' });
    expect(out.records.map((r) => r.partitionKey)).toEqual(['alpha', 'beta', 'alpha']);
    expect(decoded.Records.slice(1, 6).map((e) => e.PartitionKey)).toEqual(lone.map((r) => r.partitionKey));
    expect((decoded.Records[5] as Entry).ExplicitHashKey).toBe('0');
  });

  it('is about a quarter smaller than the JSON body for 100-byte records', () => {
    const codec = getCodec();
    const records = Array.from({ length: 400 }, (_, i) => makeRecord(`key-${i}-abcdefghij`, new Uint8Array(100)));
    const cbor = writeBody(new PutRecordsCborWriter(codec, 4), 's', [aggregateOf(records)]).body.length;
    const json = writeBody(new PutRecordsBodyWriter(codec, 4), 's', [aggregateOf(records)]).body.length;
    expect(cbor / json).toBeLessThan(0.78);
  });

  it('reuses a released body buffer', () => {
    const writer = new PutRecordsCborWriter(getCodec(), 4);
    const record = makeRecord('k', Buffer.from('v'));
    const first = writeBody(writer, 's', [new KinesisRecord([record], undefined, 1)]);
    writer.release(first.buffer);
    const second = writeBody(writer, 's', [new KinesisRecord([record], undefined, 1)]);
    expect(second.buffer).toBe(first.buffer);
  });
});
