/** A record as read from a Kinesis shard, before de-aggregation. */
export interface KinesisRecordInput {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  readonly explicitHashKey?: string | undefined;
  readonly approximateArrivalTimestamp?: Date | number | undefined;
  /**
   * MD5 of data[4 .. length - 16] (between the magic and the trailer) when the caller already has it,
   * e.g. from Codec.hashMessages over a whole batch; the trailer is then compared with it instead of
   * hashing again. Only consulted when data starts with the magic bytes.
   */
  readonly bodyMd5?: Uint8Array | undefined;
}

/**
 * One user record: either a whole Kinesis record that was not aggregated (subSequenceNumber 0,
 * `aggregated` false, same data object) or one entry of a KPL aggregate (subSequenceNumber = its
 * index, data a zero-copy view into the aggregate's bytes).
 */
export interface UserRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  /** For a sub-record, set only when the producer gave one (field 2 present); never a fallback. */
  readonly explicitHashKey: string | undefined;
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number;
  readonly approximateArrivalTimestamp: Date | number | undefined;
  readonly aggregated: boolean;
}

/** What deaggregate produced for one Kinesis record. */
export interface DeaggregationResult {
  /** The user records, in order; empty when the aggregate was dropped or held no records. */
  readonly records: UserRecord[];
  /** True when the input was a valid KPL aggregated record. */
  readonly aggregated: boolean;
  /**
   * True when a sub-record's hash key fell outside `hashKeyRange`, so the whole aggregate was dropped
   * (the KCL's behaviour after a reshard: the producer re-put it to the right shard).
   */
  readonly droppedOutOfRange: boolean;
}
