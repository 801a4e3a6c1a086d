import type { ShardState } from './shard-state.js';
import type { UserRecord } from './user-record.js';

/** What an aggregate builder hands its Kinesis record besides the user records. */
export interface StagedAggregate {
  /** The records' partition keys as UTF-8, back to back in record order. */
  readonly keys: Uint8Array;
  /** Per record, where its key ends in `keys`. */
  readonly keyEnds: readonly number[];
  /** Per record, its data. */
  readonly data: readonly Uint8Array[];
  /** Per record, its explicit hash key; undefined when none has one. */
  readonly explicitHashKeys: readonly (string | undefined)[] | undefined;
  readonly deadline: number;
  readonly minExpiration: number;
}

/** One Kinesis record in the making: a lone user record sent raw, or an aggregate of several. */
export class KinesisRecord {
  readonly records: UserRecord[];
  /**
   * What an aggregate builder staged of the records (keys, key ends, data, explicit hash keys), so that
   * packing copies the keys in one block and never reads the records themselves.
   */
  readonly staged: StagedAggregate | undefined;
  /** The shard this record is predicted to land on; undefined while no shard map is known. */
  readonly shard: ShardState | undefined;
  /**
   * Byte size of the Kinesis record's data: exact for a lone record; for an aggregate an upper bound
   * until the body writer encodes it and stores the exact size here.
   */
  dataSize: number;
  /** Outer partition key plus data (bound), as Kinesis and CollectionMaxSize count it. */
  readonly size: number;
  readonly deadline: number;
  readonly minExpiration: number;
  attempts = 0;

  constructor(records: UserRecord[], shard: ShardState | undefined, dataSize: number, staged?: StagedAggregate) {
    this.records = records;
    this.shard = shard;
    this.dataSize = dataSize;
    const first = records[0] as UserRecord;
    this.size = records.length === 1 ? first.pkBytes + dataSize : 1 + dataSize;
    this.staged = staged;
    if (staged !== undefined) {
      // The builder kept both minimums as records arrived, sparing a pass over records long out of cache.
      this.deadline = staged.deadline;
      this.minExpiration = staged.minExpiration;
      return;
    }
    let deadline = first.deadline;
    let expiration = first.expiration;
    for (let i = 1; i < records.length; i++) {
      const r = records[i] as UserRecord;
      if (r.deadline < deadline) deadline = r.deadline;
      if (r.expiration < expiration) expiration = r.expiration;
    }
    this.deadline = deadline;
    this.minExpiration = expiration;
  }

  get aggregated(): boolean {
    return this.records.length > 1;
  }
}
