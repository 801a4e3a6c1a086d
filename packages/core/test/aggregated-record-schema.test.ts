import { aggregatedRecordSchema } from '@shardline/core';
import { describe, expect, it } from 'vitest';

describe('aggregatedRecordSchema', () => {
  it('loads once and returns the same frozen schema', () => {
    const schema = aggregatedRecordSchema();
    expect(aggregatedRecordSchema()).toBe(schema);
    expect(Object.isFrozen(schema)).toBe(true);
  });

  it('declares the KPL field numbers, types and rules', () => {
    const { AggregatedRecord, Record, Tag } = aggregatedRecordSchema();
    const shape = (type: typeof Record) =>
      Object.fromEntries(type.fieldsArray.map((f) => [f.name, [f.id, f.type, f.rule ?? 'optional']]));
    expect(shape(AggregatedRecord)).toEqual({
      partitionKeyTable: [1, 'string', 'repeated'],
      explicitHashKeyTable: [2, 'string', 'repeated'],
      records: [3, 'Record', 'repeated'],
    });
    expect(shape(Record)).toEqual({
      partitionKeyIndex: [1, 'uint64', 'required'],
      explicitHashKeyIndex: [2, 'uint64', 'optional'],
      data: [3, 'bytes', 'required'],
      tags: [4, 'Tag', 'repeated'],
    });
    expect(shape(Tag)).toEqual({ key: [1, 'string', 'required'], value: [2, 'string', 'optional'] });
  });
});
