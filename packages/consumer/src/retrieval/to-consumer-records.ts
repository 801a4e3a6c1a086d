import { aggregateBody, type Codec, type DeaggregateOptions, deaggregate, type HashKeyRange } from '@shardline/core';
import { getCodec } from '@shardline/native';
import type { ConsumerRecord, ExtendedSequenceNumber } from '../types.js';

/** The fields of a Kinesis record as the SDK returns them from GetRecords. */
export interface KinesisSdkRecord {
  readonly Data?: Uint8Array | undefined;
  readonly PartitionKey?: string | undefined;
  readonly SequenceNumber?: string | undefined;
  readonly ApproximateArrivalTimestamp?: Date | undefined;
}

export interface ConversionResult {
  readonly records: ConsumerRecord[];
  readonly bytes: number;
  readonly droppedAggregates: number;
}

const EPOCH = new Date(0);
const EMPTY = Buffer.alloc(0);

/** The process codec, looked up on first use (never at import): batched MD5 for the range filter. */
let codec: Codec | undefined;

/** Options for one shard's range; cached because a fetcher converts batch after batch of one shard. */
let lastRange: HashKeyRange | undefined;
let lastOptions: DeaggregateOptions | undefined;

function optionsFor(range: HashKeyRange | undefined): DeaggregateOptions | undefined {
  if (range === undefined) return undefined;
  if (range !== lastRange || lastOptions === undefined) {
    lastOptions = { hashKeyRange: range, codec: processCodec() };
    lastRange = range;
  }
  return lastOptions;
}

function processCodec(): Codec {
  codec ??= getCodec();
  return codec;
}

/** Digests of the current batch's aggregate bodies, 16 bytes each; grown as needed and reused. */
let digests = new Uint8Array(16 * 64);

/**
 * The MD5 of every aggregate body in the batch (the KCL checks each one), computed in one codec call so
 * the native codec digests up to eight at once. Returns, per input record, the offset of its digest in
 * `digests` (-1 when it does not look like an aggregate), or undefined when the batch has fewer than two.
 */
function digestAggregates(input: readonly KinesisSdkRecord[]): Int32Array | undefined {
  const bodies: Uint8Array[] = [];
  const at = new Int32Array(input.length).fill(-1);
  for (let i = 0; i < input.length; i++) {
    const data = input[i]?.Data;
    const body = data === undefined ? undefined : aggregateBody(data);
    if (body === undefined) continue;
    at[i] = bodies.length * 16;
    bodies.push(body);
  }
  if (bodies.length < 2) return undefined;
  if (digests.length < bodies.length * 16) digests = new Uint8Array(bodies.length * 32);
  processCodec().hashMessages(bodies, digests);
  return at;
}

/**
 * De-aggregates (always: the KCL's checks decide per record) with the shard's hash range, and drops
 * user records at or before `skipThrough` so a restart inside an aggregate resumes after the
 * checkpointed sub-record.
 */
export function toConsumerRecords(
  input: readonly KinesisSdkRecord[],
  shardId: string,
  range: HashKeyRange | undefined,
  skipThrough: ExtendedSequenceNumber | undefined,
): ConversionResult {
  let records: ConsumerRecord[] = [];
  const options = optionsFor(range);
  let bytes = 0;
  let droppedAggregates = 0;
  const digestAt = digestAggregates(input);
  for (let i = 0; i < input.length; i++) {
    const raw = input[i] as KinesisSdkRecord;
    const at = digestAt === undefined ? -1 : (digestAt[i] as number);
    const given = raw.Data ?? EMPTY;
    // A Buffer outer record makes every sub-record's data view a Buffer already: no second view each.
    const data = Buffer.isBuffer(given) ? given : Buffer.from(given.buffer, given.byteOffset, given.byteLength);
    const sequenceNumber = raw.SequenceNumber ?? '';
    // One Date per Kinesis record, shared by its user records.
    const arrival = raw.ApproximateArrivalTimestamp ?? EPOCH;
    bytes += data.length;
    const result = deaggregate(
      {
        data,
        partitionKey: raw.PartitionKey ?? '',
        sequenceNumber,
        approximateArrivalTimestamp: arrival,
        bodyMd5: at < 0 ? undefined : digests.subarray(at, at + 16),
      },
      options,
      (view, partitionKey, explicitHashKey, subSequenceNumber): ConsumerRecord =>
        explicitHashKey === undefined
          ? {
              partitionKey,
              data: view as Buffer,
              sequenceNumber,
              subSequenceNumber,
              approximateArrivalTimestamp: arrival,
              shardId,
            }
          : {
              partitionKey,
              data: view as Buffer,
              sequenceNumber,
              subSequenceNumber,
              explicitHashKey,
              approximateArrivalTimestamp: arrival,
              shardId,
            },
    );
    if (result.droppedOutOfRange) droppedAggregates++;
    let made = result.records;
    if (skipThrough !== undefined && skipThrough.sequenceNumber === sequenceNumber) {
      const through = skipThrough.subSequenceNumber;
      made = made.filter((record) => record.subSequenceNumber > through);
    }
    // Most batches are one aggregate of thousands of records: take its array as it is.
    if (records.length === 0) records = made;
    else for (const record of made) records.push(record);
  }
  return { records, bytes, droppedAggregates };
}
