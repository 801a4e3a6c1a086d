import {
  CBOR_MAJOR_ARRAY,
  CBOR_MAJOR_MAP,
  CBOR_MAJOR_TEXT,
  cborHeadSize,
  InvalidHashKeyError,
  parseHashKey,
  writeCborHead,
} from '@shardline/core';
import { ApiError, invalidArgument, serializationError } from '../errors/api-error.js';
import type { BrokerState } from '../model/broker-state.js';
import {
  parseSequenceNumber,
  SEQUENCE_NUMBER_LENGTH,
  streamTokenOf,
  writeSequenceDigits,
} from '../model/sequence-number.js';
import type { Shard } from '../model/shard.js';
import type { LogMark, LogSpan, ShardLog } from '../model/shard-log.js';
import type { Stream } from '../model/stream.js';
import { Base64Slice } from '../protocol/base64-slice.js';
import { asciiText, putBytes, textSize, uintSize, writeAscii, writeText, writeUint } from '../protocol/cbor-out.js';
import { encodeCbor } from '../protocol/cbor-wire.js';
import { RawBody } from '../protocol/raw-body.js';
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
  data: string | Uint8Array | Base64Slice;
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
  } else if (data instanceof Base64Slice) {
    dataLength = data.decodedLength;
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
  return { key, data: data as string | Uint8Array | Base64Slice, dataLength, size, shard };
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
  if (typeof record.data === 'string' || record.data instanceof Base64Slice) {
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
  // Per record its counter and shard, or -1 and the throttling message; encoded once all are known.
  const counters: number[] = new Array(prepared.length);
  const owners: (Shard | string)[] = new Array(prepared.length);
  let failed = 0;
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i] as PreparedRecord;
    const shard = p.shard as Shard;
    if (limits && !shard.admitWrite(p.size, now)) {
      failed++;
      counters[i] = -1;
      owners[i] = throughputError(state, stream, shard).wireMessage;
      continue;
    }
    if (!marks.has(shard)) marks.set(shard, shard.log.mark());
    const counter = state.nextCounter();
    if (!append(shard, counter, Math.max(now, shard.lastArrival), p)) {
      for (const [s, mark] of marks) s.log.truncate(mark);
      throw serializationError(`Value for 'records.${i + 1}.member.Data' is not valid base64.`);
    }
    counters[i] = counter;
    owners[i] = shard;
  }
  persist(state, stream, marks);
  state.enforceRetainedBound();
  const encryption = stream.encryptionType;
  if (context.protocol === 'json') return putRecordsJson(failed, counters, owners, encryption);
  return putRecordsCbor(failed, counters, owners, encryption);
}

const JSON_SEQUENCE = Buffer.from('{"SequenceNumber":"', 'latin1');
const JSON_SHARD = Buffer.from('","ShardId":"', 'latin1');
const JSON_THROTTLED = Buffer.from('{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":', 'latin1');

/** The PutRecords answer as JSON.stringify writes it, in one buffer of exactly its size (see putRecordsCbor). */
function putRecordsJson(
  failed: number,
  counters: readonly number[],
  owners: readonly (Shard | string)[],
  encryption: string,
): RawBody {
  const count = counters.length;
  const head = `{"FailedRecordCount":${failed},"Records":[`;
  const tail = `],"EncryptionType":${JSON.stringify(encryption)}}`;
  const suffixes = new Map<Shard, Buffer>();
  const shardIds = new Map<Shard, Buffer>();
  let size = head.length + Buffer.byteLength(tail) + Math.max(0, count - 1);
  for (let i = 0; i < count; i++) {
    const owner = owners[i] as Shard | string;
    if (typeof owner === 'string') {
      size += JSON_THROTTLED.length + Buffer.byteLength(JSON.stringify(owner)) + 1;
      continue;
    }
    let id = shardIds.get(owner);
    if (id === undefined) {
      id = Buffer.from(`${owner.shardId}"}`, 'latin1');
      shardIds.set(owner, id);
      suffixes.set(owner, Buffer.from(owner.suffix, 'latin1'));
    }
    size += JSON_SEQUENCE.length + SEQUENCE_NUMBER_LENGTH + JSON_SHARD.length + id.length;
  }
  const out = Buffer.allocUnsafe(size);
  let o = out.write(head, 0, 'latin1');
  for (let i = 0; i < count; i++) {
    const owner = owners[i] as Shard | string;
    if (i > 0) out[o++] = 0x2c;
    if (typeof owner === 'string') {
      putBytes(out, o, JSON_THROTTLED);
      o += JSON_THROTTLED.length;
      o += out.write(JSON.stringify(owner), o, 'utf8');
      out[o++] = 0x7d;
      continue;
    }
    putBytes(out, o, JSON_SEQUENCE);
    o = writeSequenceDigits(out, o + JSON_SEQUENCE.length, counters[i] as number, suffixes.get(owner) as Buffer);
    putBytes(out, o, JSON_SHARD);
    o += JSON_SHARD.length;
    const id = shardIds.get(owner) as Buffer;
    putBytes(out, o, id);
    o += id.length;
  }
  o += out.write(tail, o, 'utf8');
  if (o !== size) throw new Error(`PutRecords JSON size ${size} but wrote ${o}`);
  return new RawBody(out);
}

const THROTTLED = asciiText('ProvisionedThroughputExceededException');
const CBOR_FAILED = asciiText('FailedRecordCount');
const CBOR_ENCRYPTION = asciiText('EncryptionType');
const CBOR_SEQUENCE = Buffer.concat([
  asciiText('SequenceNumber'),
  Buffer.from([CBOR_MAJOR_TEXT | 24, SEQUENCE_NUMBER_LENGTH]),
]);
const CBOR_SHARD = asciiText('ShardId');
const CBOR_ERROR_CODE = asciiText('ErrorCode');
const CBOR_ERROR_MESSAGE = asciiText('ErrorMessage');

/**
 * The PutRecords answer as the generic encoder writes it, in one buffer of exactly its size: record i
 * has `counters[i]` in shard `owners[i]`, or was throttled (counter -1) with message `owners[i]`.
 */
function putRecordsCbor(
  failed: number,
  counters: readonly number[],
  owners: readonly (Shard | string)[],
  encryption: string,
): RawBody {
  const count = counters.length;
  // Encoded ShardId values and sequence-number suffixes, once per shard.
  const shardIds = new Map<Shard, Buffer>();
  const suffixes = new Map<Shard, Buffer>();
  let size = 1 + CBOR_FAILED.length + uintSize(failed) + CBOR_RECORDS.length + cborHeadSize(count);
  size += CBOR_ENCRYPTION.length + textSize(Buffer.byteLength(encryption));
  for (let i = 0; i < count; i++) {
    const owner = owners[i] as Shard | string;
    if (typeof owner === 'string') {
      size += 1 + CBOR_ERROR_CODE.length + THROTTLED.length + CBOR_ERROR_MESSAGE.length;
      size += textSize(Buffer.byteLength(owner));
      continue;
    }
    let id = shardIds.get(owner);
    if (id === undefined) {
      id = asciiText(owner.shardId);
      shardIds.set(owner, id);
      suffixes.set(owner, Buffer.from(owner.suffix, 'latin1'));
    }
    size += 1 + CBOR_SEQUENCE.length + SEQUENCE_NUMBER_LENGTH + CBOR_SHARD.length + id.length;
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = CBOR_MAJOR_MAP | 3;
  putBytes(out, 1, CBOR_FAILED);
  let o = writeUint(out, 1 + CBOR_FAILED.length, failed);
  putBytes(out, o, CBOR_RECORDS);
  o = writeCborHead(out, o + CBOR_RECORDS.length, CBOR_MAJOR_ARRAY, count);
  for (let i = 0; i < count; i++) {
    const owner = owners[i] as Shard | string;
    out[o++] = CBOR_MAJOR_MAP | 2;
    if (typeof owner === 'string') {
      putBytes(out, o, CBOR_ERROR_CODE);
      o += CBOR_ERROR_CODE.length;
      putBytes(out, o, THROTTLED);
      o += THROTTLED.length;
      putBytes(out, o, CBOR_ERROR_MESSAGE);
      o = writeText(out, o + CBOR_ERROR_MESSAGE.length, owner);
      continue;
    }
    putBytes(out, o, CBOR_SEQUENCE);
    o = writeSequenceDigits(out, o + CBOR_SEQUENCE.length, counters[i] as number, suffixes.get(owner) as Buffer);
    putBytes(out, o, CBOR_SHARD);
    const id = shardIds.get(owner) as Buffer;
    putBytes(out, o + CBOR_SHARD.length, id);
    o += CBOR_SHARD.length + id.length;
  }
  putBytes(out, o, CBOR_ENCRYPTION);
  o = writeText(out, o + CBOR_ENCRYPTION.length, encryption);
  if (o !== size) throw new Error(`PutRecords CBOR size ${size} but wrote ${o}`);
  return new RawBody(out);
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
  state.enforceRetainedBound();
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
  const span = log.span(from, limit, MAX_GET_RECORDS_BYTES);
  const next = span.next;
  if (state.limitsOn) shard.chargeRead(span.bytes, now);
  const returned = next > from;
  const nextPosition = returned ? log.counterAt(next - 1) + 1 : position;
  const ended = shard.endingCounter !== undefined && next >= log.end;
  const behind = next < log.end ? Math.max(0, now - log.arrivalAt(next)) : 0;
  const nextIterator = ended ? undefined : sealIterator(state, stream, shard, Math.max(nextPosition, position), now);
  const children = ended ? childShardsOf(stream, shard) : undefined;
  const suffix = Buffer.from(shard.suffix, 'latin1');
  return context.protocol === 'json'
    ? getRecordsJson(log, span, suffix, encrypted, behind, nextIterator, children)
    : getRecordsCbor(log, span, suffix, encrypted, behind, nextIterator, children);
}

const CBOR_RECORDS = asciiText('Records');
const CBOR_BEHIND = asciiText('MillisBehindLatest');
const CBOR_NEXT = asciiText('NextShardIterator');
const CBOR_CHILDREN = asciiText('ChildShards');

/** The whole CBOR answer in one buffer of exactly its size; the rare ChildShards go through the generic encoder. */
function getRecordsCbor(
  log: ShardLog,
  span: LogSpan,
  suffix: Uint8Array,
  encrypted: boolean,
  behind: number,
  nextIterator: string | undefined,
  children: unknown[] | undefined,
): RawBody {
  const count = span.next - span.first;
  const tail = children === undefined ? undefined : encodeCbor(children);
  let size = 1 + CBOR_RECORDS.length + cborHeadSize(count) + log.cborSize(span, encrypted);
  size += CBOR_BEHIND.length + uintSize(behind);
  if (nextIterator !== undefined) size += CBOR_NEXT.length + textSize(nextIterator.length);
  if (tail !== undefined) size += CBOR_CHILDREN.length + tail.length;
  const out = Buffer.allocUnsafe(size);
  out[0] = CBOR_MAJOR_MAP | (2 + (nextIterator === undefined ? 0 : 1) + (tail === undefined ? 0 : 1));
  out.set(CBOR_RECORDS, 1);
  let o = writeCborHead(out, 1 + CBOR_RECORDS.length, CBOR_MAJOR_ARRAY, count);
  o = log.writeCbor(span, suffix, encrypted, out, o);
  out.set(CBOR_BEHIND, o);
  o = writeUint(out, o + CBOR_BEHIND.length, behind);
  if (nextIterator !== undefined) {
    out.set(CBOR_NEXT, o);
    o = writeAscii(out, o + CBOR_NEXT.length, nextIterator);
  }
  if (tail !== undefined) {
    out.set(CBOR_CHILDREN, o);
    out.set(tail, o + CBOR_CHILDREN.length);
    o += CBOR_CHILDREN.length + tail.length;
  }
  if (o !== size) throw new Error(`GetRecords CBOR size ${size} but wrote ${o}`);
  return new RawBody(out);
}

/** The whole JSON answer in one buffer of exactly its size, never one big string. */
function getRecordsJson(
  log: ShardLog,
  span: LogSpan,
  suffix: Uint8Array,
  encrypted: boolean,
  behind: number,
  nextIterator: string | undefined,
  children: unknown[] | undefined,
): RawBody {
  const head = '{"Records":[';
  let tail = `],"MillisBehindLatest":${behind}`;
  if (nextIterator !== undefined) tail += `,"NextShardIterator":"${nextIterator}"`;
  if (children !== undefined) tail += `,"ChildShards":${JSON.stringify(children)}`;
  tail += '}';
  const size = head.length + log.jsonSize(span, encrypted) + Buffer.byteLength(tail);
  const out = Buffer.allocUnsafe(size);
  let o = out.write(head, 0, 'latin1');
  o = log.writeJson(span, suffix, encrypted, out, o);
  o += out.write(tail, o, 'utf8');
  if (o !== size) throw new Error(`GetRecords JSON size ${size} but wrote ${o}`);
  return new RawBody(out);
}
