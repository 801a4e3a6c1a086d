import { deaggregate, normalizeHashKey, packStrings } from '@shardline/core';
import { getCodec } from '@shardline/native';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AggregateBuilder } from '../src/pipeline/aggregate-builder.js';
import { KinesisRecord } from '../src/pipeline/kinesis-record.js';
import { PutRecordsBodyWriter } from '../src/transport/put-records-body.js';
import { makeRecord } from './make-record.js';
import { writeBody } from './write-body.js';

const keyArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.constantFrom('a', 'b', 'same', 'é€😀', 'x'.repeat(256)),
);
const recordArb = fc.record({
  key: keyArb,
  data: fc.uint8Array({ maxLength: 300 }),
  ehk: fc.option(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), { nil: undefined }),
});

function dataOffsets(lengths: readonly number[]): Uint32Array {
  const offsets = new Uint32Array(lengths.length + 1);
  lengths.forEach((length, i) => {
    offsets[i + 1] = (offsets[i] as number) + length;
  });
  return offsets;
}

/** True when some value appears again after a different one came in between. */
function repeatsOutOfSequence(values: readonly string[]): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string;
    if (i > 0 && value === values[i - 1]) continue;
    if (seen.has(value)) return true;
    seen.add(value);
  }
  return false;
}

describe('AggregateBuilder', () => {
  it('keeps a bound of the encoded size: never below it, exact when keys repeat only in sequence', () => {
    const codec = getCodec();
    const writer = new PutRecordsBodyWriter(codec, 4);
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 2, maxLength: 40 }), (inputs) => {
        const builder = new AggregateBuilder();
        const records = inputs.map((r) => makeRecord(r.key, r.data, r.ehk?.toString()));
        for (const record of records) {
          const predicted = builder.sizeWith(record);
          builder.add(record);
          expect(builder.aggregatedSize).toBe(predicted);
        }
        const size = builder.size;
        const staged = builder.staged();
        const taken = builder.take();
        // The keys staged as records were added, and the minimums kept meanwhile, match the records.
        expect(Buffer.from(staged.keys).toString('utf8')).toBe(inputs.map((r) => r.key).join(''));
        expect(staged.deadline).toBe(Math.min(...records.map((r) => r.deadline)));
        expect(staged.minExpiration).toBe(Math.min(...records.map((r) => r.expiration)));
        const stagedBody = Buffer.from(
          writeBody(writer, 's', [new KinesisRecord(taken, undefined, size, staged)]).body,
        );
        const container = new KinesisRecord(taken, undefined, size);
        const { body } = writeBody(writer, 's', [container]);
        // Packing from the staged keys writes the same bytes as packing from every key string.
        expect(stagedBody.equals(body)).toBe(true);
        const exact = codec.aggregateSize({
          count: records.length,
          partitionKeys: packStrings(inputs.map((r) => r.key)),
          ...(inputs.some((r) => r.ehk !== undefined)
            ? { explicitHashKeys: packStrings(inputs.map((r) => r.ehk?.toString() ?? '')) }
            : {}),
          data: Buffer.concat(inputs.map((r) => r.data)),
          dataOffsets: dataOffsets(inputs.map((r) => r.data.length)),
        });
        expect(size).toBeGreaterThanOrEqual(exact);
        expect(container.dataSize).toBe(exact);
        if (
          !repeatsOutOfSequence(inputs.map((r) => r.key)) &&
          !repeatsOutOfSequence(inputs.flatMap((r) => (r.ehk === undefined ? [] : [r.ehk.toString()])))
        ) {
          expect(size).toBe(exact);
        }
        const parsed = JSON.parse(body.toString()) as { Records: { Data: string; PartitionKey: string }[] };
        const entry = parsed.Records[0] as { Data: string; PartitionKey: string; ExplicitHashKey: string };
        const bytes = Buffer.from(entry.Data, 'base64');
        expect(bytes.length).toBe(exact);
        expect(entry.PartitionKey).toBe('a');
        const out = deaggregate({ data: bytes, partitionKey: 'a', sequenceNumber: '1' });
        expect(out.aggregated).toBe(true);
        expect(out.records.map((r) => r.partitionKey)).toEqual(inputs.map((r) => r.key));
        expect(out.records.map((r) => r.explicitHashKey)).toEqual(inputs.map((r) => r.ehk?.toString()));
        expect(out.records.map((r) => Buffer.from(r.data).toString('hex'))).toEqual(
          inputs.map((r) => Buffer.from(r.data).toString('hex')),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('take() returns exactly the records added, in order, whether fewer or more than the last take', () => {
    const builder = new AggregateBuilder();
    let serial = 0;
    for (const count of [5, 2, 40, 1, 0, 3, 9000, 7]) {
      const added = Array.from({ length: count }, () => makeRecord(`k${serial++}`, new Uint8Array(1)));
      for (const record of added) builder.add(record);
      expect(builder.count).toBe(count);
      expect(builder.records).toEqual(added);
      const taken = builder.take();
      expect(taken).toHaveLength(count);
      for (let i = 0; i < count; i++) expect(taken[i]).toBe(added[i]);
      expect(builder.count).toBe(0);
      expect(builder.size).toBe(20);
    }
  });

  it('reports a lone record as its own data size', () => {
    const builder = new AggregateBuilder();
    builder.add(makeRecord('k', new Uint8Array(10)));
    expect(builder.size).toBe(10);
    expect(builder.aggregatedSize).toBeGreaterThan(10);
  });

  it('writes a lone record raw with its own key and its hash key as decimal EHK', () => {
    const writer = new PutRecordsBodyWriter(getCodec(), 4);
    const record = makeRecord('quote"key\\', Buffer.from('hello'));
    const explicit = makeRecord('k2', Buffer.from('x'), normalizeHashKey('0042'));
    const { body } = writeBody(writer, 'stream', [
      new KinesisRecord([record], undefined, 5),
      new KinesisRecord([explicit], undefined, 1),
    ]);
    const parsed = JSON.parse(body.toString());
    expect(parsed.StreamName).toBe('stream');
    expect(parsed.Records[0].PartitionKey).toBe('quote"key\\');
    expect(Buffer.from(parsed.Records[0].Data, 'base64').toString()).toBe('hello');
    expect(parsed.Records[0].ExplicitHashKey).toBe(
      BigInt(`0x${Buffer.from(record.hashes.subarray(0, 16)).toString('hex')}`).toString(),
    );
    expect(parsed.Records[1].ExplicitHashKey).toBe('42');
  });
});
