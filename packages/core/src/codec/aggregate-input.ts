import type { PackedStrings } from './packed-strings.js';

/**
 * The user records of one KPL aggregated record, packed for one encode call.
 *
 * - `partitionKeys`: one UTF-8 partition key per record.
 * - `explicitHashKeys`: optional; one entry per record, canonical decimal ASCII (no leading zeros),
 *   or an empty entry for a record without an explicit hash key (field 2 is then omitted).
 * - `data`/`dataOffsets`: record i's payload is `data.subarray(dataOffsets[i], dataOffsets[i + 1])`.
 */
export interface AggregateInput {
  readonly count: number;
  readonly partitionKeys: PackedStrings;
  readonly explicitHashKeys?: PackedStrings | undefined;
  readonly data: Uint8Array;
  readonly dataOffsets: Uint32Array;
}
