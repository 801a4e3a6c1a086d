import { readdirSync, readFileSync } from 'node:fs';
import { deaggregate, encodeAggregatedRecord } from '@shardline/core';
import { describe, expect, it } from 'vitest';
import { awsDeaggregate, referenceDecode } from './support/reference.js';

interface Expected {
  description: string;
  records: { partitionKey: string; explicitHashKey?: string; data: string }[];
}

// Golden aggregated records written by fixtures/generate-fixtures.ts with the protobufjs reference.
const folder = new URL('./fixtures/', import.meta.url);
const names = readdirSync(folder)
  .filter((file) => file.endsWith('.bin'))
  .map((file) => file.slice(0, -4))
  .sort();

function load(name: string): { bytes: Buffer; expected: Expected } {
  return {
    bytes: readFileSync(new URL(`${name}.bin`, folder)),
    expected: JSON.parse(readFileSync(new URL(`${name}.json`, folder), 'utf8')) as Expected,
  };
}

describe('golden aggregated records', () => {
  it('has the fixtures the format needs', () => {
    expect(names).toEqual([
      'empty-data',
      'explicit-hash-keys',
      'mixed-partition-keys',
      'multi-byte-varints',
      'multibyte-keys',
      'single-record',
    ]);
  });

  describe.each(names)('%s', (name) => {
    const { bytes, expected } = load(name);
    const records = expected.records.map((r) => ({ ...r, data: Buffer.from(r.data, 'base64') }));

    it('is re-created byte for byte by encodeAggregatedRecord', () => {
      expect(encodeAggregatedRecord(records).equals(bytes)).toBe(true);
    });

    it('decodes with deaggregate to the expected records', () => {
      const result = deaggregate({ data: bytes, partitionKey: 'outer', sequenceNumber: '100' });
      expect(result.aggregated).toBe(true);
      expect(
        result.records.map((r) => ({
          partitionKey: r.partitionKey,
          ...(r.explicitHashKey === undefined ? {} : { explicitHashKey: r.explicitHashKey }),
          data: Buffer.from(r.data).toString('base64'),
          subSequenceNumber: r.subSequenceNumber,
        })),
      ).toEqual(expected.records.map((r, i) => ({ ...r, subSequenceNumber: i })));
    });

    it('decodes with protobufjs from proto/aggregation.proto', () => {
      const decoded = referenceDecode(bytes);
      expect(
        decoded.records.map((r) => ({
          partitionKey: decoded.partitionKeyTable[r.partitionKeyIndex],
          ...(r.explicitHashKeyIndex === undefined
            ? {}
            : { explicitHashKey: decoded.explicitHashKeyTable[r.explicitHashKeyIndex] }),
          data: Buffer.from(r.data).toString('base64'),
        })),
      ).toEqual(expected.records);
    });

    it('decodes with aws-kinesis-agg deaggregateSync (checksums on)', () => {
      const decoded = awsDeaggregate(bytes, 'outer', '100');
      expect(decoded.map((r) => [r.partitionKey, r.data, r.subSequenceNumber])).toEqual(
        expected.records.map((r, i) => [r.partitionKey, r.data, i]),
      );
      // Its EHK is only right where field 2 is present: without it, it reports table[0] (kpl.md §7).
      decoded.forEach((r, i) => {
        const key = expected.records[i]?.explicitHashKey;
        if (key !== undefined) expect(r.explicitPartitionKey).toBe(key);
      });
    });
  });
});
