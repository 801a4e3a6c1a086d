import { isUtf8 } from 'node:buffer';
import { AwsServiceError } from '@shardline/core';
import { Decoder } from 'cbor-x';
import type { GetRecordsAnswer, GetRecordsChildShard, GetRecordsRecord } from './get-records-answer.js';

/**
 * Thrown inside the purpose-built decoder when the answer uses an encoding it does not handle (chunked
 * strings, other tags, 64-bit integers above 2^53, deep nesting, trailing bytes…): the whole answer is
 * then decoded again by the generic decoder. One preallocated object: building a stack trace per
 * fallback would be wasted work.
 */
const FALLBACK = new Error('CBOR encoding outside the fast path');

/** Arrival timestamps below this are read as epoch seconds (some servers send seconds, AWS sends ms). */
const SECONDS_LIMIT = 1e11;
/** Largest epoch-ms value a Date holds. */
const MAX_DATE_MS = 8.64e15;
const MAX_DEPTH = 32;

const KEY_NAMES = [
  'Records',
  'NextShardIterator',
  'MillisBehindLatest',
  'ChildShards',
  'Data',
  'PartitionKey',
  'SequenceNumber',
  'ApproximateArrivalTimestamp',
  'EncryptionType',
  'ShardId',
  'ParentShards',
  'HashKeyRange',
  'StartingHashKey',
  'EndingHashKey',
] as const;
const K_RECORDS = 0;
const K_NEXT = 1;
const K_MILLIS = 2;
const K_CHILDREN = 3;
const K_DATA = 4;
const K_PARTITION_KEY = 5;
const K_SEQUENCE = 6;
const K_ARRIVAL = 7;
const K_ENCRYPTION = 8;
const K_SHARD_ID = 9;
const K_PARENTS = 10;
const K_RANGE = 11;
const K_START = 12;
const K_END = 13;
const KEY_BYTES = KEY_NAMES.map((name) => Buffer.from(name, 'latin1'));

// The answer being decoded: decoding is synchronous, so plain module state is enough and cheapest.
let body: Buffer = Buffer.alloc(0);
let pos = 0;
let end = 0;
/** Major type and additional information of the last head read. */
let major = 0;
let info = 0;

function readHead(): number {
  if (pos >= end) throw FALLBACK;
  const b = body[pos++] as number;
  major = b >>> 5;
  info = b & 31;
  if (info < 24) return info;
  let value: number;
  switch (info) {
    case 24:
      if (pos + 1 > end) throw FALLBACK;
      value = body[pos] as number;
      pos += 1;
      return value;
    case 25:
      if (pos + 2 > end) throw FALLBACK;
      value = body.readUInt16BE(pos);
      pos += 2;
      return value;
    case 26:
      if (pos + 4 > end) throw FALLBACK;
      value = body.readUInt32BE(pos);
      pos += 4;
      return value;
    case 27: {
      if (pos + 8 > end) throw FALLBACK;
      const high = body.readUInt32BE(pos);
      if (high >= 0x20_0000) throw FALLBACK;
      value = high * 0x1_0000_0000 + body.readUInt32BE(pos + 4);
      pos += 8;
      return value;
    }
    case 31:
      // Indefinite length (containers) or break; callers decide which they accept.
      return -1;
    default:
      throw FALLBACK;
  }
}

/** Consumes a null or undefined simple value if one is next. */
function nullish(): boolean {
  if (pos >= end) throw FALLBACK;
  const b = body[pos];
  if (b === 0xf6 || b === 0xf7) {
    pos++;
    return true;
  }
  return false;
}

/** Consumes a break if one is next (end of an indefinite-length container). */
function atBreak(): boolean {
  if (pos >= end) throw FALLBACK;
  if (body[pos] === 0xff) {
    pos++;
    return true;
  }
  return false;
}

/** Entry count of the map (major 5) or array (major 4) that must come next; -1 when indefinite. */
function container(expected: number): number {
  const count = readHead();
  if (major !== expected) throw FALLBACK;
  return count;
}

function more(count: number, index: number): boolean {
  return count < 0 ? !atBreak() : index < count;
}

function isAsciiRange(start: number, stop: number): boolean {
  for (let p = start; p < stop; p++) if ((body[p] as number) >= 0x80) return false;
  return true;
}

function text(): string {
  const length = readHead();
  if (major !== 3 || length < 0 || length > end - pos) throw FALLBACK;
  const start = pos;
  pos += length;
  // latin1 maps ASCII byte for byte and is cheaper than UTF-8 decoding.
  if (isAsciiRange(start, pos)) return body.toString('latin1', start, pos);
  // Invalid UTF-8 decodes differently in different decoders: the generic one decides.
  if (!isUtf8(body.subarray(start, pos))) throw FALLBACK;
  return body.toString('utf8', start, pos);
}

function optionalText(): string | undefined {
  return nullish() ? undefined : text();
}

/** Index of a known map key in KEY_NAMES, -1 for any other text key. */
function key(): number {
  const length = readHead();
  if (major !== 3 || length < 0 || length > end - pos) throw FALLBACK;
  const start = pos;
  pos += length;
  for (let k = 0; k < KEY_BYTES.length; k++) {
    const name = KEY_BYTES[k] as Buffer;
    if (name.length !== length) continue;
    let same = true;
    for (let i = 0; i < length; i++) {
      if (name[i] !== body[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return k;
  }
  // Keys that are not ASCII cannot be ours, but must still be valid for the generic decoder to agree.
  if (!isAsciiRange(start, pos)) throw FALLBACK;
  return -1;
}

function half(bits: number): number {
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

function number(): number {
  if (pos >= end) throw FALLBACK;
  const b = body[pos] as number;
  if (b === 0xf9 || b === 0xfa || b === 0xfb) {
    pos++;
    const size = b === 0xf9 ? 2 : b === 0xfa ? 4 : 8;
    if (pos + size > end) throw FALLBACK;
    const value =
      size === 2 ? half(body.readUInt16BE(pos)) : size === 4 ? body.readFloatBE(pos) : body.readDoubleBE(pos);
    pos += size;
    return value;
  }
  const value = readHead();
  if (value < 0) throw FALLBACK;
  if (major === 0) return value;
  if (major === 1) return -1 - value;
  throw FALLBACK;
}

function optionalNumber(): number | undefined {
  return nullish() ? undefined : number();
}

/** Epoch ms as Kinesis sends it (tag 1 over an integer), or an untagged number. */
function timestamp(): Date | undefined {
  if (nullish()) return undefined;
  if (pos >= end) throw FALLBACK;
  if ((body[pos] as number) >>> 5 === 6) {
    const tag = readHead();
    // A float under tag 1 means seconds to a generic decoder, rounded differently: leave it to that one.
    if (tag !== 1 || pos >= end || (body[pos] as number) >>> 5 > 1) throw FALLBACK;
    const value = number();
    // The generic decoder first builds a Date of value * 1000: beyond Date's range it has nothing to give.
    if (Math.abs(value) > MAX_DATE_MS / 1000) throw FALLBACK;
    return arrivalDate(value);
  }
  return arrivalDate(number());
}

/** The Date of an arrival timestamp in ms (or seconds, below SECONDS_LIMIT); undefined when impossible. */
function arrivalDateOrUndefined(value: number): Date | undefined {
  const ms = Math.abs(value) < SECONDS_LIMIT ? value * 1000 : value;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function arrivalDate(value: number): Date {
  const date = arrivalDateOrUndefined(value);
  if (date === undefined) throw FALLBACK;
  return date;
}

function data(): Buffer | undefined {
  if (nullish()) return undefined;
  if (pos >= end) throw FALLBACK;
  if ((body[pos] as number) >>> 5 === 3) return Buffer.from(text(), 'base64');
  const length = readHead();
  if (major !== 2 || length < 0 || length > end - pos) throw FALLBACK;
  const start = pos;
  pos += length;
  return body.subarray(start, pos);
}

function skip(depth: number): void {
  if (depth > MAX_DEPTH) throw FALLBACK;
  if (pos >= end) throw FALLBACK;
  const b = body[pos] as number;
  if (b >>> 5 === 7) {
    // false, true, null, undefined and floats; other simple values and a stray break go to the generic decoder.
    if (b < 0xf4 || b === 0xf8 || b > 0xfb) throw FALLBACK;
    skipSimple(b);
    return;
  }
  const value = readHead();
  switch (major) {
    case 0:
    case 1:
      if (value < 0) throw FALLBACK;
      return;
    case 2:
    case 3:
      if (value < 0 || value > end - pos) throw FALLBACK;
      if (major === 3 && !isAsciiRange(pos, pos + value)) {
        // Invalid UTF-8 would decode differently in different decoders: only plain ASCII is skipped here.
        throw FALLBACK;
      }
      pos += value;
      return;
    case 4:
      for (let i = 0; more(value, i); i++) skip(depth + 1);
      return;
    case 5:
      for (let i = 0; more(value, i); i++) {
        skipKey(depth + 1);
        skip(depth + 1);
      }
      return;
    default:
      // Tags: their meaning (and so what the generic decoder makes of them) is not ours to guess.
      throw FALLBACK;
  }
}

/**
 * Skips a map key. The generic decoder turns keys into property names and refuses the ones that are
 * objects (byte strings, arrays, maps, tagged values, null), which CBOR allows: only text and integer
 * keys are skipped here, and the generic decoder decides about the others.
 */
function skipKey(depth: number): void {
  if (pos >= end) throw FALLBACK;
  const keyMajor = (body[pos] as number) >>> 5;
  if (keyMajor !== 0 && keyMajor !== 1 && keyMajor !== 3) throw FALLBACK;
  skip(depth);
}

/** Skips a simple value or float whose first byte `b` is at `pos`. */
function skipSimple(b: number): void {
  pos++;
  const size = b === 0xf9 ? 2 : b === 0xfa ? 4 : b === 0xfb ? 8 : 0;
  if (pos + size > end) throw FALLBACK;
  pos += size;
}

function record(): GetRecordsRecord {
  let recordData: Buffer | undefined;
  let partitionKey: string | undefined;
  let sequenceNumber: string | undefined;
  let arrival: Date | undefined;
  let encryption: string | undefined;
  const count = container(5);
  for (let i = 0; more(count, i); i++) {
    switch (key()) {
      case K_DATA:
        recordData = data();
        break;
      case K_PARTITION_KEY:
        partitionKey = optionalText();
        break;
      case K_SEQUENCE:
        sequenceNumber = optionalText();
        break;
      case K_ARRIVAL:
        arrival = timestamp();
        break;
      case K_ENCRYPTION:
        encryption = optionalText();
        break;
      default:
        skip(1);
    }
  }
  return {
    Data: recordData,
    PartitionKey: partitionKey,
    SequenceNumber: sequenceNumber,
    ApproximateArrivalTimestamp: arrival,
    EncryptionType: encryption,
  };
}

function textList(): string[] | undefined {
  if (nullish()) return undefined;
  const list: string[] = [];
  const count = container(4);
  for (let i = 0; more(count, i); i++) list.push(text());
  return list;
}

function hashKeyRange(): GetRecordsChildShard['HashKeyRange'] {
  if (nullish()) return undefined;
  let start: string | undefined;
  let stop: string | undefined;
  const count = container(5);
  for (let i = 0; more(count, i); i++) {
    const k = key();
    if (k === K_START) start = optionalText();
    else if (k === K_END) stop = optionalText();
    else skip(2);
  }
  return { StartingHashKey: start, EndingHashKey: stop };
}

function childShards(): GetRecordsChildShard[] | undefined {
  if (nullish()) return undefined;
  const children: GetRecordsChildShard[] = [];
  const count = container(4);
  for (let i = 0; more(count, i); i++) {
    let shardId: string | undefined;
    let parents: string[] | undefined;
    let range: GetRecordsChildShard['HashKeyRange'];
    const fields = container(5);
    for (let f = 0; more(fields, f); f++) {
      const k = key();
      if (k === K_SHARD_ID) shardId = optionalText();
      else if (k === K_PARENTS) parents = textList();
      else if (k === K_RANGE) range = hashKeyRange();
      else skip(1);
    }
    children.push(childShard(shardId, parents, range));
  }
  return children;
}

function childShard(
  shardId: string | undefined,
  parents: string[] | undefined,
  range: GetRecordsChildShard['HashKeyRange'],
): GetRecordsChildShard {
  return range === undefined
    ? { ShardId: shardId, ParentShards: parents }
    : { ShardId: shardId, ParentShards: parents, HashKeyRange: range };
}

function answer(): GetRecordsAnswer {
  let records: GetRecordsRecord[] = [];
  let next: string | undefined;
  let millis: number | undefined;
  let children: GetRecordsChildShard[] | undefined;
  const count = container(5);
  for (let i = 0; more(count, i); i++) {
    switch (key()) {
      case K_RECORDS: {
        records = [];
        if (nullish()) break;
        const n = container(4);
        for (let r = 0; more(n, r); r++) records.push(record());
        break;
      }
      case K_NEXT:
        next = optionalText();
        break;
      case K_MILLIS:
        millis = optionalNumber();
        break;
      case K_CHILDREN:
        children = childShards();
        break;
      default:
        skip(1);
    }
  }
  if (pos !== end) throw FALLBACK;
  return { Records: records, NextShardIterator: next, MillisBehindLatest: millis, ChildShards: children };
}

// ---------------------------------------------------------------- generic fallback

let generic: Decoder | undefined;

function malformed(detail: string): AwsServiceError {
  return new AwsServiceError('InternalFailure', `GetRecords answer is not a valid CBOR answer: ${detail}`, {
    statusCode: 200,
    retriable: true,
  });
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function genericText(value: unknown, what: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') throw malformed(`${what} is not a string`);
  return value;
}

function genericList(value: unknown, what: string): unknown[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value)) throw malformed(`${what} is not an array`);
  return value;
}

function genericRecord(value: unknown): GetRecordsRecord {
  if (!isMap(value)) throw malformed('a record is not a map');
  const raw = value.Data;
  let recordData: Buffer | undefined;
  if (raw instanceof Uint8Array) recordData = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  else if (typeof raw === 'string') recordData = Buffer.from(raw, 'base64');
  else if (raw !== null && raw !== undefined) throw malformed('Data is neither bytes nor text');
  const time = value.ApproximateArrivalTimestamp;
  let arrival: Date | undefined;
  if (time instanceof Date) {
    // The generic decoder reads tag 1 as epoch seconds and multiplied by 1000; Kinesis meant ms.
    arrival = arrivalDateOrUndefined(time.getTime() / 1000);
    if (arrival === undefined) throw malformed('ApproximateArrivalTimestamp is out of range');
  } else if (typeof time === 'number') {
    arrival = arrivalDateOrUndefined(time);
    if (arrival === undefined) throw malformed('ApproximateArrivalTimestamp is out of range');
  } else if (time !== null && time !== undefined) {
    throw malformed('ApproximateArrivalTimestamp is not a timestamp');
  }
  return {
    Data: recordData,
    PartitionKey: genericText(value.PartitionKey, 'PartitionKey'),
    SequenceNumber: genericText(value.SequenceNumber, 'SequenceNumber'),
    ApproximateArrivalTimestamp: arrival,
    EncryptionType: genericText(value.EncryptionType, 'EncryptionType'),
  };
}

function genericChild(value: unknown): GetRecordsChildShard {
  if (!isMap(value)) throw malformed('a child shard is not a map');
  const parents = genericList(value.ParentShards, 'ParentShards')?.map((p) => genericText(p, 'a parent shard') ?? '');
  if (parents?.includes('')) throw malformed('a parent shard is null');
  const range = value.HashKeyRange;
  if (range !== null && range !== undefined && !isMap(range)) throw malformed('HashKeyRange is not a map');
  return childShard(
    genericText(value.ShardId, 'ShardId'),
    parents,
    range === null || range === undefined
      ? undefined
      : {
          StartingHashKey: genericText(range.StartingHashKey, 'StartingHashKey'),
          EndingHashKey: genericText(range.EndingHashKey, 'EndingHashKey'),
        },
  );
}

/** Decodes with cbor-x and checks every field the fast path would have read. */
export function decodeGetRecordsCborGeneric(answerBody: Uint8Array): GetRecordsAnswer {
  generic ??= new Decoder({ useRecords: false, mapsAsObjects: true, int64AsNumber: true } as ConstructorParameters<
    typeof Decoder
  >[0]);
  let value: unknown;
  try {
    value = generic.decode(answerBody);
  } catch (cause) {
    throw malformed((cause as Error).message);
  }
  if (!isMap(value)) throw malformed('the answer is not a map');
  const millis = value.MillisBehindLatest;
  if (millis !== null && millis !== undefined && typeof millis !== 'number') {
    throw malformed('MillisBehindLatest is not a number');
  }
  const children = genericList(value.ChildShards, 'ChildShards');
  return {
    Records: (genericList(value.Records, 'Records') ?? []).map(genericRecord),
    NextShardIterator: genericText(value.NextShardIterator, 'NextShardIterator'),
    MillisBehindLatest: millis ?? undefined,
    ChildShards: children === undefined ? undefined : children.map(genericChild),
  };
}

/**
 * The purpose-built decoder alone: undefined when the answer uses an encoding it leaves to the generic
 * decoder (then nothing of it was kept).
 */
export function decodeGetRecordsCborFast(answerBody: Buffer): GetRecordsAnswer | undefined {
  body = answerBody;
  pos = 0;
  end = answerBody.length;
  try {
    return answer();
  } catch (error) {
    if (error !== FALLBACK) throw error;
    return undefined;
  } finally {
    body = EMPTY;
  }
}

/**
 * Decodes a GetRecords answer in CBOR 1.1 (what the Java SDKs speak to Kinesis). Data comes back as views
 * of `answerBody`, not copies: the answer stays in memory while any of its records is referenced.
 * Encodings the purpose-built path does not handle go through the generic decoder, so an answer is either
 * decoded exactly or rejected (AwsServiceError InternalFailure, retriable).
 */
export function decodeGetRecordsCbor(answerBody: Buffer): GetRecordsAnswer {
  return decodeGetRecordsCborFast(answerBody) ?? decodeGetRecordsCborGeneric(answerBody);
}

const EMPTY = Buffer.alloc(0);
