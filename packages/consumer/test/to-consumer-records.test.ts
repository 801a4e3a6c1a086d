import { encodeAggregatedRecord, splitHashKeyRange } from '@shardline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KinesisSdkRecord, toConsumerRecords } from '../src/retrieval/to-consumer-records.js';

const FULL = { startingHashKey: 0n, endingHashKey: (1n << 128n) - 1n };

function aggregate(tag: string, count: number): Buffer {
  return encodeAggregatedRecord(
    Array.from({ length: count }, (_, i) => ({ partitionKey: `${tag}-${i}`, data: Buffer.from(`${tag} data ${i}`) })),
  );
}

function kinesisRecord(data: Buffer, n: number): KinesisSdkRecord {
  return { Data: data, PartitionKey: `outer-${n}`, SequenceNumber: String(1000 + n) };
}

/** What the batch gives, against converting each Kinesis record on its own (which hashes it alone). */
function expectSameAsOneByOne(input: KinesisSdkRecord[], range = FULL): void {
  const batch = toConsumerRecords(input, 'shardId-000000000000', range, undefined);
  const alone = input.map((r) => toConsumerRecords([r], 'shardId-000000000000', range, undefined));
  const view = (records: typeof batch.records) =>
    records.map((r) => [r.sequenceNumber, r.subSequenceNumber, r.partitionKey, Buffer.from(r.data).toString('hex')]);
  expect(view(batch.records)).toEqual(alone.flatMap((a) => view(a.records)));
  expect(batch.droppedAggregates).toBe(alone.reduce((n, a) => n + a.droppedAggregates, 0));
}

describe('toConsumerRecords: the aggregates of a batch are digested together', () => {
  it('splits good aggregates and passes a corrupted one and a plain record through, as one at a time', () => {
    const corrupted = aggregate('bad', 3);
    corrupted[corrupted.length - 1] = (corrupted[corrupted.length - 1] as number) ^ 0xff;
    const input = [
      kinesisRecord(aggregate('one', 4), 1),
      kinesisRecord(corrupted, 2),
      kinesisRecord(Buffer.from('plain'), 3),
      kinesisRecord(aggregate('three', 2), 4),
    ];
    const { records } = toConsumerRecords(input, 'shardId-000000000000', FULL, undefined);
    expect(records.map((r) => r.partitionKey)).toEqual([
      'one-0',
      'one-1',
      'one-2',
      'one-3',
      'outer-2',
      'outer-3',
      'three-0',
      'three-1',
    ]);
    expect(records[4]?.data).toBe(corrupted);
    expectSameAsOneByOne(input);
  });

  it('agrees with one-at-a-time conversion for any mix of aggregates, damage and ranges', () => {
    const ranges = splitHashKeyRange(2);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ kind: fc.constantFrom('agg', 'plain', 'damaged'), count: fc.integer({ min: 1, max: 6 }) }),
          { maxLength: 12 },
        ),
        fc.constantFrom(FULL, ...ranges),
        (shape, range) => {
          const input = shape.map(({ kind, count }, n) => {
            if (kind === 'plain') return kinesisRecord(Buffer.from(`plain ${n}`), n);
            const data = aggregate(`k${n}`, count);
            if (kind === 'damaged') data[5] = (data[5] as number) ^ 1;
            return kinesisRecord(data, n);
          });
          expectSameAsOneByOne(input, range);
        },
      ),
      { numRuns: 200 },
    );
  });
});
