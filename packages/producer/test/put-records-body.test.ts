import { createHash } from 'node:crypto';
import { deaggregate } from '@shardline/core';
import { getCodec } from '@shardline/native';
import { describe, expect, it } from 'vitest';
import { KinesisRecord } from '../src/pipeline/kinesis-record.js';
import type { UserRecord } from '../src/pipeline/user-record.js';
import { PutRecordsBodyWriter } from '../src/transport/put-records-body.js';
import { makeRecord } from './make-record.js';
import { writeBody } from './write-body.js';

interface Entry {
  Data: string;
  PartitionKey: string;
  ExplicitHashKey: string;
}

function md5Decimal(key: string): string {
  return BigInt(`0x${createHash('md5').update(key, 'utf8').digest('hex')}`).toString();
}

function aggregateOf(records: UserRecord[]): KinesisRecord {
  // A generous bound: the writer stores the exact encoded size back.
  const bound = records.reduce((sum, r) => sum + r.pkBytes + r.data.length + 64, 64);
  return new KinesisRecord(records, undefined, bound);
}

describe('PutRecordsBodyWriter', () => {
  it('writes valid JSON: aggregates with partition key "a" and their first hash key, lone records as given', () => {
    const writer = new PutRecordsBodyWriter(getCodec(), 4);
    const members = [
      makeRecord('alpha', Buffer.from('one')),
      makeRecord('beta', Buffer.from('two'), '170141183460469231731687303715884105728'),
      makeRecord('alpha', new Uint8Array(300).fill(7)),
    ];
    const lone = [
      makeRecord('plain-key', Buffer.from('x')),
      makeRecord('clé ünïcode', Buffer.from('y')),
      makeRecord('quote"back\\slash\ttab', new Uint8Array(0)),
      makeRecord('ehk', Buffer.from('z'), '0'),
    ];
    const records = [aggregateOf(members), ...lone.map((r) => new KinesisRecord([r], undefined, r.data.length))];
    const { body, buffer } = writeBody(writer, 'my-stream', records);
    const parsed = JSON.parse(body.toString('utf8')) as { StreamName: string; Records: Entry[] };
    expect(parsed.StreamName).toBe('my-stream');
    expect(parsed.Records).toHaveLength(5);

    const [aggregate, ...rest] = parsed.Records as [Entry, ...Entry[]];
    expect(aggregate.PartitionKey).toBe('a');
    expect(aggregate.ExplicitHashKey).toBe(md5Decimal('alpha'));
    const data = Buffer.from(aggregate.Data, 'base64');
    expect(data.length).toBe(records[0]?.dataSize);
    const result = deaggregate({ data, partitionKey: 'a', sequenceNumber: '1' });
    expect(result.aggregated).toBe(true);
    expect(result.records.map((r) => [r.partitionKey, Buffer.from(r.data).toString('hex'), r.explicitHashKey])).toEqual(
      members.map((r) => [r.partitionKey, Buffer.from(r.data).toString('hex'), r.explicitHashKey]),
    );

    expect(
      rest.map((e) => [e.PartitionKey, Buffer.from(e.Data, 'base64').toString('latin1'), e.ExplicitHashKey]),
    ).toEqual([
      ['plain-key', 'x', md5Decimal('plain-key')],
      ['clé ünïcode', 'y', md5Decimal('clé ünïcode')],
      ['quote"back\\slash\ttab', '', md5Decimal('quote"back\\slash\ttab')],
      ['ehk', 'z', '0'],
    ]);
    writer.release(buffer);
  });

  it('reuses a released body buffer', () => {
    const writer = new PutRecordsBodyWriter(getCodec(), 4);
    const record = makeRecord('k', Buffer.from('v'));
    const first = writeBody(writer, 's', [new KinesisRecord([record], undefined, 1)]);
    writer.release(first.buffer);
    const second = writeBody(writer, 's', [new KinesisRecord([record], undefined, 1)]);
    expect(second.buffer).toBe(first.buffer);
    expect(JSON.parse(second.body.toString()).Records[0].PartitionKey).toBe('k');
  });
});
