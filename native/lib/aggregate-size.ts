import type { AggregateInput } from '@shardline/core';
import type { AggregateRecord } from './aggregate-record.js';
import { getCodec } from './get-codec.js';
import { prepareAggregate } from './prepare-aggregate.js';

/**
 * Exact byte size of the aggregated record encodeAggregate() would produce for `records`, after the same
 * validation. No size limit applies here: use it to decide where to split.
 */
export function aggregateSize(records: readonly AggregateRecord[] | AggregateInput): number {
  return getCodec().aggregateSize(prepareAggregate(records).input);
}
