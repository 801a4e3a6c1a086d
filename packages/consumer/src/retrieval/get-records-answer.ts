/** One Kinesis record of a GetRecords answer, field for field as the SDK names them. */
export interface GetRecordsRecord {
  /** A view of the answer's bytes where the wire format allows it (CBOR), else its own buffer. */
  readonly Data?: Uint8Array | undefined;
  readonly PartitionKey?: string | undefined;
  readonly SequenceNumber?: string | undefined;
  readonly ApproximateArrivalTimestamp?: Date | undefined;
  readonly EncryptionType?: string | undefined;
}

export interface GetRecordsChildShard {
  readonly ShardId?: string | undefined;
  readonly ParentShards?: string[] | undefined;
  readonly HashKeyRange?:
    | { readonly StartingHashKey?: string | undefined; readonly EndingHashKey?: string | undefined }
    | undefined;
}

/** A successful GetRecords answer, whichever wire protocol carried it. */
export interface GetRecordsAnswer {
  readonly Records: GetRecordsRecord[];
  readonly NextShardIterator?: string | undefined;
  readonly MillisBehindLatest?: number | undefined;
  readonly ChildShards?: GetRecordsChildShard[] | undefined;
}
