import { encodeAggregatedRecord, splitHashKeyRange } from '@shardline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnswerConverter, type KinesisSdkRecord } from '../src/retrieval/answer-converter.js';
import type { ExtendedSequenceNumber } from '../src/types.js';

const FULL = { startingHashKey: 0n, endingHashKey: (1n << 128n) - 1n };
const SHARD = 'shardId-000000000000';

/** A whole answer in one piece. */
function toConsumerRecords(
  input: KinesisSdkRecord[],
  shardId: string,
  range: typeof FULL | undefined,
  skipThrough: ExtendedSequenceNumber | undefined,
) {
  const converter = new AnswerConverter(input, shardId, range, skipThrough);
  const result = converter.take(Number.POSITIVE_INFINITY);
  expect(converter.done).toBe(true);
  return result;
}

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

describe('AnswerConverter: the aggregates of an answer are digested together', () => {
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

type Shape = { kind: 'agg' | 'plain' | 'damaged'; count: number };

function answerOf(shape: readonly Shape[]): KinesisSdkRecord[] {
  return shape.map(({ kind, count }, n) => {
    if (kind === 'plain') return kinesisRecord(Buffer.from(`plain ${n}`), n);
    const data = aggregate(`k${n}`, count);
    if (kind === 'damaged') data[5] = (data[5] as number) ^ 1;
    return kinesisRecord(data, n);
  });
}

const view = (records: { sequenceNumber: string; subSequenceNumber: number; partitionKey: string; data: Buffer }[]) =>
  records.map((r) => `${r.sequenceNumber}/${r.subSequenceNumber} ${r.partitionKey} ${r.data.toString('hex')}`);

describe('AnswerConverter: bounded pieces', () => {
  it('hands an answer out in pieces of at most max records that add up to the whole, in order', () => {
    const ranges = splitHashKeyRange(2);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom<Shape['kind']>('agg', 'plain', 'damaged'),
            count: fc.integer({ min: 1, max: 9 }),
          }),
          { maxLength: 10 },
        ),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(FULL, ...ranges),
        fc.option(fc.record({ at: fc.nat(), sub: fc.integer({ min: -1, max: 9 }) }), { nil: undefined }),
        (shape, max, range, skip) => {
          const input = answerOf(shape);
          const skipThrough =
            skip === undefined || input.length === 0
              ? undefined
              : {
                  sequenceNumber: input[skip.at % input.length]?.SequenceNumber ?? '',
                  subSequenceNumber: skip.sub,
                };
          const whole = toConsumerRecords(input, SHARD, range, skipThrough);
          const converter = new AnswerConverter(input, SHARD, range, skipThrough);
          const pieces = [];
          while (!converter.done) {
            const piece = converter.take(max);
            expect(piece.records.length).toBeLessThanOrEqual(max);
            // Only the last piece may be empty (the rest of the answer dropped or skipped).
            if (piece.records.length === 0) expect(converter.done).toBe(true);
            pieces.push(piece);
            expect(pieces.length).toBeLessThanOrEqual(input.length + whole.records.length + 1);
          }
          expect(view(pieces.flatMap((p) => p.records))).toEqual(view(whole.records));
          expect(pieces.reduce((n, p) => n + p.bytes, 0)).toBe(whole.bytes);
          expect(pieces.reduce((n, p) => n + p.droppedAggregates, 0)).toBe(whole.droppedAggregates);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('carries the rest of an aggregate larger than a piece into the next pieces without converting again', () => {
    const input = [kinesisRecord(aggregate('big', 10), 1), kinesisRecord(aggregate('next', 2), 2)];
    const converter = new AnswerConverter(input, SHARD, FULL, undefined);
    const first = converter.take(4);
    expect(first.records.map((r) => r.partitionKey)).toEqual(['big-0', 'big-1', 'big-2', 'big-3']);
    // The aggregate's bytes count once, with the piece that converted it.
    expect(first.bytes).toBe(input[0]?.Data?.byteLength);
    const second = converter.take(4);
    expect(second.records.map((r) => r.partitionKey)).toEqual(['big-4', 'big-5', 'big-6', 'big-7']);
    expect(second.bytes).toBe(0);
    const third = converter.take(4);
    expect(third.records.map((r) => r.partitionKey)).toEqual(['big-8', 'big-9', 'next-0', 'next-1']);
    expect(third.bytes).toBe(input[1]?.Data?.byteLength);
    expect(converter.done).toBe(true);
  });

  it('resumes inside an aggregate across pieces: only sub-records after the checkpointed one', () => {
    const input = [kinesisRecord(aggregate('a', 6), 1), kinesisRecord(Buffer.from('after'), 2)];
    const converter = new AnswerConverter(input, SHARD, undefined, { sequenceNumber: '1001', subSequenceNumber: 2 });
    const got: string[] = [];
    while (!converter.done)
      got.push(...converter.take(2).records.map((r) => `${r.partitionKey}:${r.subSequenceNumber}`));
    expect(got).toEqual(['a-3:3', 'a-4:4', 'a-5:5', 'outer-2:0']);
  });
});
