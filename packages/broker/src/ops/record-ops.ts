import { InvalidHashKeyError, parseHashKey } from '@shardline/core';
import { ApiError, invalidArgument, serializationError } from '../errors/api-error.js';
import type { BrokerState } from '../model/broker-state.js';
import { parseSequenceNumber, streamTokenOf } from '../model/sequence-number.js';
import type { Shard } from '../model/shard.js';
import type { LogMark } from '../model/shard-log.js';
import type { Stream } from '../model/stream.js';
import { EpochMs } from '../protocol/epoch-ms.js';
import { RawJson } from '../protocol/raw-json.js';
import {
  constraintError,
  type Input,
  optInt,
  optString,
  optTimestampMs,
  reqEnum,
  reqList,
  reqString,
} from './input.js';
import type { RequestContext } from './operation.js';
import {
  accountOf,
  childShardsOf,
  findShard,
  liveStream,
  SHARD_ID,
  shardVisible,
  streamNotFound,
} from './stream-lookup.js';

const MIB = 1024 * 1024;
const MAX_PUT_RECORDS_BYTES = 10 * MIB;
const MAX_GET_RECORDS_BYTES = 10 * MIB;
const ITERATOR_TTL_MS = 300_000;
const PARTITION_KEY = { min: 1, max: 256 } as const;
const HASH_KEY_PATTERN = /^(0|[1-9]\d{0,38})$/;
const SEQUENCE_PATTERN = /^(0|[1-9]\d{0,128})$/;
const ITERATOR_TYPES = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
] as const;

/** Bytes a base64 string decodes to, or -1 when its length cannot be base64. */
function base64Length(s: string): number {
  const n = s.length;
  if (n % 4 === 1) return -1;
  let pad = 0;
  if (n > 0 && s.charCodeAt(n - 1) === 61) {
    pad = 1;
    if (n > 1 && s.charCodeAt(n - 2) === 61) pad = 2;
  }
  return ((n * 3) >> 2) - pad;
}

function keyBytes(key: string): number {
  // Non-ASCII keys are rare; length is exact for ASCII.
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 127) return Buffer.byteLength(key, 'utf8');
  return key.length;
}

function throughputError(state: BrokerState, stream: Stream, shard: Shard): ApiError {
  return new ApiError(
    'ProvisionedThroughputExceededException',
    `Rate exceeded for shard ${shard.shardId} in stream ${stream.name} under account ${accountOf(state)}.`,
  );
}

interface PreparedRecord {
  key: string;
  data: string | Uint8Array;
  dataLength: number;
  size: number;
  /** Set by explicit hash key here, or by the batch MD5 routing after every record was validated. */
  shard: Shard | undefined;
}

function explicitHashKey(value: unknown, field: string): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw serializationError(`Unexpected value type for field '${field}': expected a string`);
  if (!HASH_KEY_PATTERN.test(value))
    throw constraintError(field, value, `satisfy regular expression pattern: 0|([1-9]\\d{0,38})`);
  try {
    return parseHashKey(value);
  } catch (error) {
    if (error instanceof InvalidHashKeyError) {
      throw invalidArgument(
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${value}`,
      );
    }
    throw error;
  }
}

/** Validates one record and routes it to its shard; throws for what AWS rejects the whole request for. */
function prepare(stream: Stream, raw: unknown, field: string, context: RequestContext): PreparedRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw serializationError(`Unexpected value type for field '${field}': expected an object`);
  }
  const record = raw as Input;
  const key = reqString(record, 'PartitionKey', PARTITION_KEY);
  const data = record.Data;
  let dataLength: number;
  if (typeof data === 'string' && context.protocol === 'json') {
    dataLength = base64Length(data);
    if (dataLength < 0) throw serializationError(`Value for '${field}.Data' is not valid base64.`);
  } else if (data instanceof Uint8Array) {
    dataLength = data.length;
  } else if (data === undefined || data === null) {
    throw constraintError(`${field}.data`, undefined, 'not be null');
  } else {
    throw serializationError(`Unexpected value type for field '${field}.Data': expected a blob`);
  }
  const size = dataLength + keyBytes(key);
  const max = stream.maxRecordSizeKiB * 1024;
  if (size > max) {
    throw constraintError(`${field}.data`, `${dataLength} bytes`, `have length less than or equal to ${max}`);
  }
  const hashKey = explicitHashKey(record.ExplicitHashKey, `${field}.ExplicitHashKey`);
  const shard = hashKey === undefined ? undefined : stream.routeKey(hashKey);
  return { key, data: data as string | Uint8Array, dataLength, size, shard };
}

const routed: Shard[] = [];
const pendingKeys: (string | undefined)[] = [];

/** Routes the records without an explicit hash key by the MD5 of their partition keys, in one batch. */
function routeByKey(state: BrokerState, stream: Stream, prepared: PreparedRecord[]): void {
  pendingKeys.length = prepared.length;
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i] as PreparedRecord;
    pendingKeys[i] = p.shard === undefined ? p.key : undefined;
  }
  state.keyHasher.route(stream, pendingKeys, routed);
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i] as PreparedRecord;
    if (p.shard === undefined) p.shard = routed[i];
  }
  routed.length = 0;
  pendingKeys.length = 0;
}

/** Appends one prepared record; false when its base64 text turned out to be invalid. */
function append(shard: Shard, counter: number, arrival: number, record: PreparedRecord): boolean {
  if (typeof record.data === 'string') {
    if (!shard.log.appendBase64(counter, arrival, record.key, record.data, record.dataLength)) return false;
  } else {
    shard.log.appendBytes(counter, arrival, record.key, record.data);
  }
  shard.lastArrival = arrival;
  return true;
}

function persist(state: BrokerState, stream: Stream, marks: Map<Shard, LogMark>): void {
  const storage = state.storage;
  if (storage === undefined) return;
  for (const [shard, mark] of marks)
    if (shard.log.end > mark.end) storage.appended(stream, shard, mark.end, shard.log.end);
}

export function putRecords(state: BrokerState, input: Input, context: RequestContext): unknown {
  const records = reqList(input, 'Records', 1, 500);
  const stream = liveStream(state, input);
  const prepared: PreparedRecord[] = new Array(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const p = prepare(stream, records[i], `records.${i + 1}.member`, context);
    total += p.size;
    prepared[i] = p;
  }
  if (total > MAX_PUT_RECORDS_BYTES) {
    throw invalidArgument(`Records size exceeds ${MAX_PUT_RECORDS_BYTES / MIB} MB limit`);
  }
  routeByKey(state, stream, prepared);
  const now = state.now();
  const limits = state.limitsOn;
  const marks = new Map<Shard, LogMark>();
  const json = context.protocol === 'json';
  let body = '';
  const results: Record<string, string>[] = [];
  let failed = 0;
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i] as PreparedRecord;
    const shard = p.shard as Shard;
    if (limits && !shard.admitWrite(p.size, now)) {
      failed++;
      const message = throughputError(state, stream, shard).wireMessage;
      if (json) {
        body += `${i === 0 ? '' : ','}{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":${JSON.stringify(message)}}`;
      } else results.push({ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: message });
      continue;
    }
    if (!marks.has(shard)) marks.set(shard, shard.log.mark());
    const counter = state.nextCounter();
    if (!append(shard, counter, Math.max(now, shard.lastArrival), p)) {
      for (const [s, mark] of marks) s.log.truncate(mark);
      throw serializationError(`Value for 'records.${i + 1}.member.Data' is not valid base64.`);
    }
    if (json) {
      body += `${i === 0 ? '' : ','}{"SequenceNumber":"${shard.sequenceNumber(counter)}","ShardId":"${shard.shardId}"}`;
    } else results.push({ SequenceNumber: shard.sequenceNumber(counter), ShardId: shard.shardId });
  }
  persist(state, stream, marks);
  const encryption = stream.encryptionType;
  if (json) {
    return new RawJson(`{"FailedRecordCount":${failed},"Records":[${body}],"EncryptionType":"${encryption}"}`);
  }
  return { FailedRecordCount: failed, Records: results, EncryptionType: encryption };
}

export function putRecord(state: BrokerState, input: Input, context: RequestContext): unknown {
  const stream = liveStream(state, input);
  const p = prepare(stream, input, 'data', context);
  const ordering = optString(input, 'SequenceNumberForOrdering');
  if (ordering !== undefined && !SEQUENCE_PATTERN.test(ordering)) {
    throw constraintError(
      'sequenceNumberForOrdering',
      ordering,
      'satisfy regular expression pattern: 0|([1-9]\\d{0,128})',
    );
  }
  routeByKey(state, stream, [p]);
  const now = state.now();
  const shard = p.shard as Shard;
  if (state.limitsOn && !shard.admitWrite(p.size, now)) throw throughputError(state, stream, shard);
  const mark = shard.log.mark();
  const counter = state.nextCounter();
  if (!append(shard, counter, Math.max(now, shard.lastArrival), p)) {
    throw serializationError(`Value for 'Data' is not valid base64.`);
  }
  persist(state, stream, new Map([[shard, mark]]));
  return {
    ShardId: shard.shardId,
    SequenceNumber: shard.sequenceNumber(counter),
    EncryptionType: stream.encryptionType,
  };
}

/** Iterator fields: stream name, stream creation ms, shard index, next counter to read, issue time. */
function sealIterator(state: BrokerState, stream: Stream, shard: Shard, position: number, now: number): string {
  return state.tokens.seal('it', [stream.name, stream.createdMs, shard.index, position, now]);
}

export function getShardIterator(state: BrokerState, input: Input, context: RequestContext): unknown {
  const shardId = reqString(input, 'ShardId', SHARD_ID);
  const type = reqEnum(input, 'ShardIteratorType', ITERATOR_TYPES);
  const startingSequence = optString(input, 'StartingSequenceNumber', { pattern: SEQUENCE_PATTERN });
  const timestamp = optTimestampMs(input, 'Timestamp', context.protocol);
  const stream = liveStream(state, input);
  const shard = findShard(state, stream, shardId);
  const now = state.now();
  if (state.limitsOn && !shard.admitIterator(now)) throw throughputError(state, stream, shard);
  const log = shard.log;
  log.trimBefore(now - stream.retentionHours * 3_600_000);
  let position: number;
  switch (type) {
    case 'TRIM_HORIZON':
      position = 0;
      break;
    case 'LATEST':
      position = shard.endingCounter !== undefined ? shard.endingCounter + 1 : state.nextCounter();
      break;
    case 'AT_TIMESTAMP': {
      if (timestamp === undefined) {
        throw invalidArgument(
          'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
        );
      }
      if (timestamp > now) {
        throw invalidArgument(
          `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${Math.floor(timestamp)}, currentTimestampInMillis: ${now}`,
        );
      }
      const index = log.indexOfArrival(timestamp);
      position =
        index < log.end
          ? log.counterAt(index)
          : shard.endingCounter !== undefined
            ? shard.endingCounter + 1
            : state.nextCounter();
      break;
    }
    default: {
      if (startingSequence === undefined) {
        throw invalidArgument(`Must specify StartingSequenceNumber for iterator of type ${type}.`);
      }
      const parsed = parseSequenceNumber(startingSequence);
      if (parsed === undefined || parsed.streamToken !== streamTokenOf(stream.createdMs)) {
        throw invalidArgument(
          `StartingSequenceNumber ${startingSequence} used in GetShardIterator on shard ${shard.shardId} in stream ${stream.name} under account ${accountOf(state)} is invalid because it did not come from this stream.`,
        );
      }
      if (parsed.shardIndex !== shard.index) {
        throw invalidArgument(
          `StartingSequenceNumber ${startingSequence} used in GetShardIterator on shard ${shard.shardId} in stream ${stream.name} under account ${accountOf(state)} is invalid.`,
        );
      }
      position = type === 'AT_SEQUENCE_NUMBER' ? parsed.counter : parsed.counter + 1;
    }
  }
  return { ShardIterator: sealIterator(state, stream, shard, position, now) };
}

export function getRecords(state: BrokerState, input: Input, context: RequestContext): unknown {
  const token = reqString(input, 'ShardIterator', { min: 1, max: 512 });
  const limitValue = input.Limit;
  if (typeof limitValue === 'number' && Number.isInteger(limitValue) && limitValue > 10_000) {
    throw invalidArgument(`Limit ${limitValue} is greater than the maximum of 10000.`);
  }
  const limit = optInt(input, 'Limit', 1, 10_000) ?? 10_000;
  const fields = state.tokens.open('it', token);
  if (
    fields === undefined ||
    fields.length !== 5 ||
    typeof fields[0] !== 'string' ||
    typeof fields[1] !== 'number' ||
    typeof fields[2] !== 'number' ||
    typeof fields[3] !== 'number' ||
    typeof fields[4] !== 'number'
  ) {
    throw invalidArgument('Invalid ShardIterator.');
  }
  const [name, createdMs, shardIndex, position, issued] = fields as [string, number, number, number, number];
  const now = state.now();
  if (now - issued > ITERATOR_TTL_MS) {
    throw new ApiError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${new Date(issued).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`,
    );
  }
  const stream = state.streams.get(name);
  if (stream === undefined || stream.createdMs !== createdMs || !stream.writable) throw streamNotFound(state, name);
  const shard = stream.shards[shardIndex];
  if (shard === undefined || !shardVisible(stream, shard, now)) {
    throw new ApiError(
      'ResourceNotFoundException',
      `Shard ${shardIndex} in stream ${name} under account ${accountOf(state)} does not exist`,
    );
  }
  if (state.limitsOn && !shard.admitRead(now)) throw throughputError(state, stream, shard);
  const log = shard.log;
  log.trimBefore(now - stream.retentionHours * 3_600_000);
  const from = log.indexOfCounter(position);
  const encrypted = stream.encryptionType === 'KMS';
  let next: number;
  let bytes: number;
  let json = '';
  let entries: unknown[] | undefined;
  if (context.protocol === 'json') {
    const read = log.readJson(from, limit, MAX_GET_RECORDS_BYTES, shard.suffix, encrypted);
    ({ next, bytes, json } = read);
  } else {
    const read = log.readEntries(from, limit, MAX_GET_RECORDS_BYTES);
    next = read.next;
    bytes = read.bytes;
    entries = read.entries.map((e) => {
      const r: Record<string, unknown> = {
        SequenceNumber: shard.sequenceNumber(e.counter),
        ApproximateArrivalTimestamp: new EpochMs(e.arrival),
        Data: e.data,
        PartitionKey: e.partitionKey,
      };
      if (encrypted) r.EncryptionType = 'KMS';
      return r;
    });
  }
  if (state.limitsOn) shard.chargeRead(bytes, now);
  const returned = next > from;
  const nextPosition = returned ? log.counterAt(next - 1) + 1 : position;
  const ended = shard.endingCounter !== undefined && next >= log.end;
  const behind = next < log.end ? Math.max(0, now - log.arrivalAt(next)) : 0;
  const nextIterator = ended ? undefined : sealIterator(state, stream, shard, Math.max(nextPosition, position), now);
  const children = ended ? childShardsOf(stream, shard) : undefined;
  if (context.protocol === 'json') {
    let out = `{"Records":[${json}],"MillisBehindLatest":${behind}`;
    if (nextIterator !== undefined) out += `,"NextShardIterator":"${nextIterator}"`;
    if (children !== undefined) out += `,"ChildShards":${JSON.stringify(children)}`;
    return new RawJson(`${out}}`);
  }
  const out: Record<string, unknown> = { Records: entries, MillisBehindLatest: behind };
  if (nextIterator !== undefined) out.NextShardIterator = nextIterator;
  if (children !== undefined) out.ChildShards = children;
  return out;
}
