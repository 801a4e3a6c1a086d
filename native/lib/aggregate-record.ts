/** One user record to aggregate, as the public encodeAggregate()/aggregateSize() accept it. */
export interface AggregateRecord {
  /** 1 to 256 UTF-16 code units. */
  readonly partitionKey: string;
  /** Decimal string or bigint in 0..2^128-1; written canonically ("007" becomes "7"). Omit for none. */
  readonly explicitHashKey?: string | bigint | undefined;
  /** The payload; a string is encoded as UTF-8. */
  readonly data: Uint8Array | string;
}
