import type { AggregateInput } from '@shardline/core';
import type { AggregateRecord } from './aggregate-record.js';
import { packRecords } from './pack-records.js';
import { validateAggregateInput } from './packed-validation.js';

/** Either form the public aggregate functions accept, validated, with an upper bound of its size. */
export function prepareAggregate(records: readonly AggregateRecord[] | AggregateInput): {
  readonly input: AggregateInput;
  readonly sizeBound: number;
} {
  if (Array.isArray(records)) return packRecords(records as readonly AggregateRecord[]);
  const input = records as AggregateInput;
  return { input, sizeBound: validateAggregateInput(input) };
}
