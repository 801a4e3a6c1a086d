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

/** One piece of an answer, as handed to the handler. */
export interface ConversionResult {
  readonly records: ConsumerRecord[];
  /** Data bytes of the Kinesis records converted for this piece. */
  readonly bytes: number;
  readonly droppedAggregates: number;
}

const EPOCH = new Date(0);
const EMPTY = Buffer.alloc(0);

/** The process codec, looked up on first use (never at import): batched MD5 for the range filter. */
let codec: Codec | undefined;

/** Options for one shard's range; cached because a fetcher converts answer after answer of one shard. */
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

/**
 * The MD5 of every aggregate body of an answer (the KCL checks each one), computed in one codec call so
 * the native codec digests up to eight at once. Returns, per input record, the offset of its digest in
 * `digests` (-1 when it does not look like an aggregate), or undefined when the answer has fewer than
 * two. The digests are the answer's own: converters of several shards take turns.
 */
function digestAggregates(
  input: readonly KinesisSdkRecord[],
): { readonly at: Int32Array; readonly digests: Uint8Array } | undefined {
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
  const digests = new Uint8Array(bodies.length * 16);
  processCodec().hashMessages(bodies, digests);
  return { at, digests };
}

const NONE: ConsumerRecord[] = [];

/**
 * Turns one GetRecords answer into consumer records, a piece at a time. De-aggregation is always on
 * (the KCL's checks decide per record), with the shard's hash range; user records at or before
 * `skipThrough` are dropped so a restart inside an aggregate resumes after the checkpointed sub-record.
 *
 * Pieces are bounded because one answer of aggregates can hold hundreds of thousands of user records:
 * built all at once they outlive several young-generation collections, each copying them, while a
 * bounded piece dies young. Kinesis records are converted only when a piece needs them.
 */
export class AnswerConverter {
  readonly #input: readonly KinesisSdkRecord[];
  readonly #shardId: string;
  readonly #options: DeaggregateOptions | undefined;
  readonly #skipThrough: ExtendedSequenceNumber | undefined;
  readonly #digests: { readonly at: Int32Array; readonly digests: Uint8Array } | undefined;
  #next = 0;
  /** User records converted but not handed out yet (the rest of an aggregate larger than a piece). */
  #carry = NONE;
  #carryAt = 0;

  constructor(
    input: readonly KinesisSdkRecord[],
    shardId: string,
    range: HashKeyRange | undefined,
    skipThrough: ExtendedSequenceNumber | undefined,
  ) {
    this.#input = input;
    this.#shardId = shardId;
    this.#options = optionsFor(range);
    this.#skipThrough = skipThrough;
    this.#digests = digestAggregates(input);
  }

  /** True once every user record of the answer was handed out. */
  get done(): boolean {
    return this.#next >= this.#input.length && this.#carryAt >= this.#carry.length;
  }

  /**
   * The next piece: at most `max` user records, in order. Empty only when the answer holds no more
   * (every remaining Kinesis record dropped or skipped).
   */
  take(max: number): ConversionResult {
    let records: ConsumerRecord[];
    const carried = this.#carry.length - this.#carryAt;
    if (carried >= max) {
      records = this.#carry.slice(this.#carryAt, this.#carryAt + max);
      this.#carryAt += max;
      return { records, bytes: 0, droppedAggregates: 0 };
    }
    records = carried === 0 ? [] : this.#carry.slice(this.#carryAt);
    this.#carry = NONE;
    this.#carryAt = 0;
    let bytes = 0;
    let droppedAggregates = 0;
    while (records.length < max && this.#next < this.#input.length) {
      const i = this.#next++;
      const raw = this.#input[i] as KinesisSdkRecord;
      bytes += raw.Data?.byteLength ?? 0;
      const at = this.#digests === undefined ? -1 : (this.#digests.at[i] as number);
      const made = this.#convert(raw, at);
      if (made === undefined) {
        droppedAggregates++;
        continue;
      }
      // Most pieces start with one aggregate of thousands of records: take its array as it is.
      if (records.length === 0) records = made;
      else for (const record of made) records.push(record);
    }
    if (records.length > max) {
      // Copy the rest, not the piece: the piece handed out must not stay reachable from here.
      this.#carry = records.slice(max);
      records.length = max;
    }
    return { records, bytes, droppedAggregates };
  }

  /** The user records of one Kinesis record, or undefined when its aggregate was dropped (out of range). */
  #convert(raw: KinesisSdkRecord, digestAt: number): ConsumerRecord[] | undefined {
    const shardId = this.#shardId;
    const given = raw.Data ?? EMPTY;
    // A Buffer outer record makes every sub-record's data view a Buffer already: no second view each.
    const data = Buffer.isBuffer(given) ? given : Buffer.from(given.buffer, given.byteOffset, given.byteLength);
    const sequenceNumber = raw.SequenceNumber ?? '';
    // One Date per Kinesis record, shared by its user records.
    const arrival = raw.ApproximateArrivalTimestamp ?? EPOCH;
    const result = deaggregate(
      {
        data,
        partitionKey: raw.PartitionKey ?? '',
        sequenceNumber,
        approximateArrivalTimestamp: arrival,
        bodyMd5: digestAt < 0 ? undefined : this.#digests?.digests.subarray(digestAt, digestAt + 16),
      },
      this.#options,
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
    if (result.droppedOutOfRange) return undefined;
    const skip = this.#skipThrough;
    if (skip !== undefined && skip.sequenceNumber === sequenceNumber) {
      const through = skip.subSequenceNumber;
      return result.records.filter((record) => record.subSequenceNumber > through);
    }
    return result.records;
  }
}
