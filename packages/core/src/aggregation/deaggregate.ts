import { isAscii as isAsciiRun } from 'node:buffer';
import { hash } from 'node:crypto';
import { AGGREGATE_CHECKSUM_LENGTH, AGGREGATE_MAGIC } from '../codec/aggregate-format.js';
import type { Codec } from '../codec/codec.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { hashKeyToBytes, MAX_HASH_KEY, parseHashKey } from '../hash-key/hash-key.js';
import type { HashKeyRange } from '../hash-key/hash-key-range.js';
import type { DeaggregationResult, KinesisRecordInput, UserRecord } from './user-record.js';

export interface DeaggregateOptions {
  /**
   * The hash-key range of the shard the record was read from. When given, an aggregate holding any
   * sub-record whose hash key (explicit, else MD5 of the partition key) lies outside it is dropped
   * whole and reported through `droppedOutOfRange`, as the KCL does.
   */
  readonly hashKeyRange?: HashKeyRange | undefined;
  /**
   * A batched MD5 (e.g. the native codec of @shardline/native). When given, the range check hashes
   * every partition key an aggregate needs in one call instead of one hash call per key; the result
   * is the same either way.
   */
  readonly codec?: RangeCheckCodec | undefined;
}

/** What the range check needs of a codec; hashRanges (when present) spares copying the keys first. */
export type RangeCheckCodec = Pick<Codec, 'hashPackedKeys'> & Partial<Pick<Codec, 'hashRanges'>>;

/**
 * Builds one user record from its parts (`data` is a view of the input bytes). Lets a caller create its
 * own record type directly, one object per user record instead of a UserRecord plus its own.
 */
export type UserRecordFactory<T> = (
  data: Uint8Array,
  partitionKey: string,
  explicitHashKey: string | undefined,
  subSequenceNumber: number,
  aggregated: boolean,
) => T;

/** What deaggregate returns when given a record factory. */
export interface FactoryDeaggregationResult<T> {
  readonly records: T[];
  readonly aggregated: boolean;
  readonly droppedOutOfRange: boolean;
}

const MAGIC_LENGTH = AGGREGATE_MAGIC.length;
const MAGIC0 = AGGREGATE_MAGIC[0] as number;
const MAGIC1 = AGGREGATE_MAGIC[1] as number;
const MAGIC2 = AGGREGATE_MAGIC[2] as number;
const MAGIC3 = AGGREGATE_MAGIC[3] as number;

// Wire types.
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/**
 * Scratch space reused across calls (decoding is synchronous): table entry and record bounds found by
 * the first pass, and the fields of every record found by the second.
 */
let capacity = 0;
// Uint32: the range check hands them to Codec.hashRanges as they are.
let pkStarts = new Uint32Array(0);
let pkEnds = new Uint32Array(0);
let ehkStarts = new Int32Array(0);
let ehkEnds = new Int32Array(0);
let recordStarts = new Int32Array(0);
let recordEnds = new Int32Array(0);
let recordPk = new Int32Array(0);
let recordEhk = new Int32Array(0);
let recordDataStart = new Int32Array(0);
let recordDataEnd = new Int32Array(0);

function ensureCapacity(needed: number): void {
  if (needed <= capacity) return;
  capacity = Math.max(needed, capacity * 2, 1024);
  pkStarts = growUnsigned(pkStarts);
  pkEnds = growUnsigned(pkEnds);
  ehkStarts = grow(ehkStarts);
  ehkEnds = grow(ehkEnds);
  recordStarts = grow(recordStarts);
  recordEnds = grow(recordEnds);
  recordPk = grow(recordPk);
  recordEhk = grow(recordEhk);
  recordDataStart = grow(recordDataStart);
  recordDataEnd = grow(recordDataEnd);
}

/**
 * Above this many entries the scratch arrays are dropped after the call instead of kept: a rare
 * aggregate of tiny records should not pin megabytes for the life of the process.
 */
const RETAINED_CAPACITY = 65_536;

function releaseLargeScratch(): void {
  if (packedBytes.length > RETAINED_CAPACITY * 16) packedBytes = new Uint8Array(0);
  if (capacity <= RETAINED_CAPACITY) return;
  packedOffsets = new Uint32Array(0);
  digests = new Uint8Array(0);
  pkMark = new Uint8Array(0);
  capacity = 0;
  pkStarts = pkEnds = new Uint32Array(0);
  ehkStarts = ehkEnds = new Int32Array(0);
  recordStarts = recordEnds = recordPk = recordEhk = recordDataStart = recordDataEnd = new Int32Array(0);
}

/** A larger copy: the first pass grows the arrays while it is filling them. */
function grow(array: Int32Array): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(capacity);
  larger.set(array);
  return larger;
}

function growUnsigned(array: Uint32Array): Uint32Array<ArrayBuffer> {
  const larger = new Uint32Array(capacity);
  larger.set(array);
  return larger;
}

/** Position after the last readVarint; -1 once a varint ran past its end or past 10 bytes. */
let cursor = 0;

/**
 * Reads an unsigned varint at `cursor`. Values above 2^53 lose precision, which never matters here:
 * they are either skipped (unknown fields) or far out of range (indexes, lengths).
 */
function readVarint(bytes: Uint8Array, end: number): number {
  let pos = cursor;
  let result = 0;
  let multiplier = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) break;
    const b = bytes[pos++] as number;
    result += (b & 0x7f) * multiplier;
    if (b < 0x80) {
      cursor = pos;
      return result;
    }
    multiplier *= 128;
  }
  cursor = -1;
  return 0;
}

/** Skips one field's value of wire type `wireType` at `cursor`; false when malformed. */
function skipField(bytes: Uint8Array, wireType: number, end: number): boolean {
  switch (wireType) {
    case VARINT:
      readVarint(bytes, end);
      return cursor >= 0;
    case FIXED64:
      cursor += 8;
      return cursor <= end;
    case LENGTH_DELIMITED: {
      const length = readVarint(bytes, end);
      if (cursor < 0 || length > end - cursor) return false;
      cursor += length;
      return true;
    }
    case FIXED32:
      cursor += 4;
      return cursor <= end;
    default:
      // Groups (3, 4) never appear in this schema and 6, 7 are not wire types.
      return false;
  }
}

/** Reads a field tag; returns 0 (an invalid tag) when malformed. */
function readTag(bytes: Uint8Array, end: number): number {
  const tag = readVarint(bytes, end);
  if (cursor < 0 || tag > 0xffff_ffff || tag < 8) return 0;
  return tag;
}

/** Entry counts found by the last scanBody. Module variables, not an object: cheaper in the hot loop. */
let pkCount = 0;
let ehkCount = 0;
let recordCount = 0;

/**
 * First pass over the AggregatedRecord body: bounds of table entries and record messages. Fields may
 * come in any order and unknown fields are skipped, as any protobuf parser does; a field with a known
 * number but another wire type counts as unknown, as in the Java runtime the KCL uses.
 */
function scanBody(bytes: Uint8Array, start: number, end: number): boolean {
  pkCount = 0;
  ehkCount = 0;
  recordCount = 0;
  cursor = start;
  while (cursor < end) {
    const tag = readTag(bytes, end);
    if (tag === 0) return false;
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType === LENGTH_DELIMITED && field >= 1 && field <= 3) {
      const length = readVarint(bytes, end);
      if (cursor < 0 || length > end - cursor) return false;
      const valueStart = cursor;
      cursor += length;
      ensureCapacity(pkCount + ehkCount + recordCount + 1);
      if (field === 1) {
        pkStarts[pkCount] = valueStart;
        pkEnds[pkCount++] = cursor;
      } else if (field === 2) {
        ehkStarts[ehkCount] = valueStart;
        ehkEnds[ehkCount++] = cursor;
      } else {
        recordStarts[recordCount] = valueStart;
        recordEnds[recordCount++] = cursor;
      }
    } else if (!skipField(bytes, wireType, end)) {
      return false;
    }
  }
  return true;
}

/** Checks a Tag message: its required key (field 1) must be present. */
function validTag(bytes: Uint8Array, start: number, end: number): boolean {
  const saved = cursor;
  cursor = start;
  let hasKey = false;
  while (cursor < end) {
    const tag = readTag(bytes, end);
    if (tag === 0) return false;
    if (tag === ((1 << 3) | LENGTH_DELIMITED)) hasKey = true;
    if (!skipField(bytes, tag & 7, end)) return false;
  }
  cursor = saved;
  return hasKey;
}

/** Second pass: the fields of record message `r`. False when malformed or an index is out of range. */
function parseRecord(bytes: Uint8Array, r: number): boolean {
  const end = recordEnds[r] as number;
  cursor = recordStarts[r] as number;
  let pk = -1;
  let ehk = -1;
  let dataStart = -1;
  let dataEnd = -1;
  while (cursor < end) {
    const tag = readTag(bytes, end);
    if (tag === 0) return false;
    switch (tag) {
      case (1 << 3) | VARINT:
        pk = readVarint(bytes, end);
        if (cursor < 0) return false;
        break;
      case (2 << 3) | VARINT:
        ehk = readVarint(bytes, end);
        if (cursor < 0) return false;
        break;
      case (3 << 3) | LENGTH_DELIMITED: {
        const length = readVarint(bytes, end);
        if (cursor < 0 || length > end - cursor) return false;
        dataStart = cursor;
        cursor += length;
        dataEnd = cursor;
        break;
      }
      case (4 << 3) | LENGTH_DELIMITED: {
        const length = readVarint(bytes, end);
        if (cursor < 0 || length > end - cursor) return false;
        const tagStart = cursor;
        cursor += length;
        if (!validTag(bytes, tagStart, cursor)) return false;
        break;
      }
      default:
        if (!skipField(bytes, tag & 7, end)) return false;
    }
  }
  // Required fields present, and indexes pointing into their tables.
  if (pk < 0 || dataStart < 0 || pk >= pkCount || ehk >= ehkCount) return false;
  recordPk[r] = pk;
  recordEhk[r] = ehk;
  recordDataStart[r] = dataStart;
  recordDataEnd[r] = dataEnd;
  return true;
}

function passThrough<T>(
  record: KinesisRecordInput,
  make: UserRecordFactory<T> | undefined,
): FactoryDeaggregationResult<T> | DeaggregationResult {
  if (make !== undefined) {
    return {
      records: [make(record.data, record.partitionKey, record.explicitHashKey, 0, false)],
      aggregated: false,
      droppedOutOfRange: false,
    };
  }
  return {
    records: [
      {
        data: record.data,
        partitionKey: record.partitionKey,
        explicitHashKey: record.explicitHashKey,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber: 0,
        approximateArrivalTimestamp: record.approximateArrivalTimestamp,
        aggregated: false,
      },
    ],
    aggregated: false,
    droppedOutOfRange: false,
  };
}

function isAggregate(data: Uint8Array, given: Uint8Array | undefined): boolean {
  const length = data.length;
  if (length <= MAGIC_LENGTH + AGGREGATE_CHECKSUM_LENGTH) return false;
  if (data[0] !== MAGIC0 || data[1] !== MAGIC1 || data[2] !== MAGIC2 || data[3] !== MAGIC3) return false;
  const bodyEnd = length - AGGREGATE_CHECKSUM_LENGTH;
  // checkInput made sure a given digest has 16 bytes.
  const digest = given ?? (hash('md5', data.subarray(MAGIC_LENGTH, bodyEnd), 'buffer') as unknown as Buffer);
  for (let i = 0; i < AGGREGATE_CHECKSUM_LENGTH; i++) {
    if (digest[i] !== data[bodyEnd + i]) return false;
  }
  return true;
}

/** 16-byte forms of the last range seen, so a consumer reading one shard converts its range once. */
let cachedStart = -1n;
let cachedEnd = -1n;
const rangeStart = new Uint8Array(16);
const rangeEnd = new Uint8Array(16);

function compare128(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

function partitionKeyInRange(partitionKey: string): boolean {
  const digest = hash('md5', partitionKey, 'buffer') as unknown as Buffer;
  return compare128(digest, rangeStart) >= 0 && compare128(digest, rangeEnd) <= 0;
}

function explicitHashKeyInRange(explicitHashKey: string, range: HashKeyRange): boolean {
  let value: bigint;
  try {
    value = parseHashKey(explicitHashKey);
  } catch {
    // Not a hash key at all, so it belongs to no shard: the KCL cannot place it either.
    return false;
  }
  return value >= range.startingHashKey && value <= range.endingHashKey;
}

function checkInput(record: KinesisRecordInput, options: DeaggregateOptions | undefined): HashKeyRange | undefined {
  if (record === null || typeof record !== 'object') throw new InvalidArgumentError('record must be an object');
  if (!(record.data instanceof Uint8Array)) throw new InvalidArgumentError('record.data must be a Uint8Array');
  if (typeof record.partitionKey !== 'string') throw new InvalidArgumentError('record.partitionKey must be a string');
  if (typeof record.sequenceNumber !== 'string') {
    throw new InvalidArgumentError('record.sequenceNumber must be a string');
  }
  if (record.explicitHashKey !== undefined && typeof record.explicitHashKey !== 'string') {
    throw new InvalidArgumentError('record.explicitHashKey must be a string when set');
  }
  if (record.bodyMd5 !== undefined && !(record.bodyMd5 instanceof Uint8Array && record.bodyMd5.length === 16)) {
    throw new InvalidArgumentError('record.bodyMd5 must be a 16-byte Uint8Array when set');
  }
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options must be an object');
  const codec = options.codec;
  if (codec !== undefined && (codec === null || typeof codec.hashPackedKeys !== 'function')) {
    throw new InvalidArgumentError('codec must have a hashPackedKeys method when set');
  }
  if (codec !== undefined && codec.hashRanges !== undefined && typeof codec.hashRanges !== 'function') {
    throw new InvalidArgumentError('codec.hashRanges must be a method when set');
  }
  const range = options.hashKeyRange;
  if (range === undefined) return undefined;
  if (
    range === null ||
    typeof range !== 'object' ||
    typeof range.startingHashKey !== 'bigint' ||
    typeof range.endingHashKey !== 'bigint' ||
    range.startingHashKey < 0n ||
    range.endingHashKey > MAX_HASH_KEY ||
    range.startingHashKey > range.endingHashKey
  ) {
    throw new InvalidArgumentError('hashKeyRange must hold bigint startingHashKey <= endingHashKey in 0..2^128-1');
  }
  if (range.startingHashKey !== cachedStart || range.endingHashKey !== cachedEnd) {
    hashKeyToBytes(range.startingHashKey, rangeStart);
    hashKeyToBytes(range.endingHashKey, rangeEnd);
    cachedStart = range.startingHashKey;
    cachedEnd = range.endingHashKey;
  }
  return range;
}

/**
 * Splits a Kinesis record into its user records with the KCL's semantics. The record counts as a KPL
 * aggregate only when it starts with the magic bytes, more than 16 bytes follow, the trailing MD5
 * matches the body and the body parses (required fields present, indexes inside the key tables);
 * otherwise it comes back unchanged as a single user record with subSequenceNumber 0.
 */
export function deaggregate(record: KinesisRecordInput, options?: DeaggregateOptions): DeaggregationResult;
/** The same, with each user record built by `makeRecord` (same order, same values). */
export function deaggregate<T>(
  record: KinesisRecordInput,
  options: DeaggregateOptions | undefined,
  makeRecord: UserRecordFactory<T>,
): FactoryDeaggregationResult<T>;
export function deaggregate<T>(
  record: KinesisRecordInput,
  options?: DeaggregateOptions,
  makeRecord?: UserRecordFactory<T>,
): FactoryDeaggregationResult<T> | DeaggregationResult {
  const range = checkInput(record, options);
  if (makeRecord !== undefined && typeof makeRecord !== 'function') {
    throw new InvalidArgumentError('makeRecord must be a function when set');
  }
  try {
    return split(record, range, options?.codec, makeRecord);
  } finally {
    releaseLargeScratch();
  }
}

function split<T>(
  record: KinesisRecordInput,
  range: HashKeyRange | undefined,
  codec: RangeCheckCodec | undefined,
  make: UserRecordFactory<T> | undefined,
): FactoryDeaggregationResult<T> | DeaggregationResult {
  const data = record.data;
  if (!isAggregate(data, record.bodyMd5)) return passThrough(record, make);
  const bodyEnd = data.length - AGGREGATE_CHECKSUM_LENGTH;
  if (!scanBody(data, MAGIC_LENGTH, bodyEnd)) return passThrough(record, make);
  for (let r = 0; r < recordCount; r++) {
    if (!parseRecord(data, r)) return passThrough(record, make);
  }

  const text = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const partitionKeys = decodeKeys(text, pkStarts, pkEnds, pkCount);
  const explicitHashKeys = decodeKeys(text, ehkStarts, ehkEnds, ehkCount);

  if (range !== undefined && !allInRange(data, partitionKeys, explicitHashKeys, range, codec)) {
    return { records: [], aggregated: true, droppedOutOfRange: true };
  }

  if (make !== undefined) {
    const made: T[] = new Array(recordCount);
    for (let r = 0; r < recordCount; r++) {
      const ehk = recordEhk[r] as number;
      made[r] = make(
        data.subarray(recordDataStart[r], recordDataEnd[r]),
        partitionKeys[recordPk[r] as number] as string,
        ehk < 0 ? undefined : explicitHashKeys[ehk],
        r,
        true,
      );
    }
    return { records: made, aggregated: true, droppedOutOfRange: false };
  }
  const sequenceNumber = record.sequenceNumber;
  const arrival = record.approximateArrivalTimestamp;
  const records: UserRecord[] = new Array(recordCount);
  for (let r = 0; r < recordCount; r++) {
    const ehk = recordEhk[r] as number;
    records[r] = {
      data: data.subarray(recordDataStart[r], recordDataEnd[r]),
      partitionKey: partitionKeys[recordPk[r] as number] as string,
      explicitHashKey: ehk < 0 ? undefined : explicitHashKeys[ehk],
      sequenceNumber,
      subSequenceNumber: r,
      approximateArrivalTimestamp: arrival,
      aggregated: true,
    };
  }
  return { records, aggregated: true, droppedOutOfRange: false };
}

/**
 * Decodes a key table. Decoding each short key on its own costs ~200 ns, mostly call overhead, so
 * when the table is one compact run of bytes it is read once as latin1 (one char per byte) and each
 * pure-ASCII key becomes a slice of that string; keys with other bytes are decoded as UTF-8 alone.
 * Entries were found walking forward, so `starts` ascends and the run is starts[0]..ends[count - 1].
 */
function decodeKeys(
  text: Buffer,
  starts: Int32Array | Uint32Array,
  ends: Int32Array | Uint32Array,
  count: number,
): string[] {
  const keys: string[] = new Array(count);
  if (count === 0) return keys;
  const first = starts[0] as number;
  const last = ends[count - 1] as number;
  // A run much longer than its keys means other fields sit in between: decode keys one by one.
  const run = count > 1 && last - first <= count * MAX_COMPACT_ENTRY ? text.toString('latin1', first, last) : undefined;
  // One native check of the whole run (tags and short lengths are ASCII too) spares a check per key.
  if (run !== undefined && isAsciiRun(text.subarray(first, last))) {
    for (let k = 0; k < count; k++) keys[k] = run.slice((starts[k] as number) - first, (ends[k] as number) - first);
    return keys;
  }
  for (let k = 0; k < count; k++) {
    const start = starts[k] as number;
    const end = ends[k] as number;
    keys[k] =
      run !== undefined && isAscii(text, start, end)
        ? run.slice(start - first, end - first)
        : text.toString('utf8', start, end);
  }
  return keys;
}

/** Bytes a table entry may take, tag and length included, for the table to count as compact. */
const MAX_COMPACT_ENTRY = 800;

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let p = start; p < end; p++) {
    if ((bytes[p] as number) >= 0x80) return false;
  }
  return true;
}

/** Scratch of the batched range check: packed partition keys, their offsets and their digests. */
let packedBytes = new Uint8Array(0);
let packedOffsets = new Uint32Array(0);
let digests = new Uint8Array(0);
/** Per partition-key table entry: 0 = not needed, 1 = needed (some sub-record without explicit hash key). */
let pkMark = new Uint8Array(0);

/**
 * Whether every sub-record's effective hash key lies in `range`. Each distinct table entry is checked
 * once: explicit hash keys first, then the partition keys of records without one.
 */
function allInRange(
  data: Uint8Array,
  partitionKeys: string[],
  explicitHashKeys: string[],
  range: HashKeyRange,
  codec: RangeCheckCodec | undefined,
): boolean {
  // 0 = not checked yet, 1 = inside, 2 = outside.
  const ehkState = new Uint8Array(explicitHashKeys.length);
  if (pkMark.length < pkCount) pkMark = new Uint8Array(Math.max(pkCount, pkMark.length * 2));
  pkMark.fill(0, 0, pkCount);
  let needed = 0;
  for (let r = 0; r < recordCount; r++) {
    const ehk = recordEhk[r] as number;
    if (ehk >= 0) {
      if (ehkState[ehk] === 0) ehkState[ehk] = explicitHashKeyInRange(explicitHashKeys[ehk] as string, range) ? 1 : 2;
      if (ehkState[ehk] === 2) return false;
    } else {
      const pk = recordPk[r] as number;
      if (pkMark[pk] === 0) {
        pkMark[pk] = 1;
        needed++;
      }
    }
  }
  // An MD5 is always inside the full key space.
  if (needed === 0 || (range.startingHashKey === 0n && range.endingHashKey === MAX_HASH_KEY)) return true;
  if (codec === undefined) {
    for (let k = 0; k < pkCount; k++) {
      if (pkMark[k] === 1 && !partitionKeyInRange(partitionKeys[k] as string)) return false;
    }
    return true;
  }
  return packedKeysInRange(data, needed, codec);
}

/**
 * The batched check. With every entry needed and a codec that has hashRanges, the keys are hashed in
 * place; otherwise the needed entries are copied back to back (PackedStrings wants them contiguous, and
 * in the aggregate each entry is preceded by its tag and length) and hashed in one call.
 */
function packedKeysInRange(data: Uint8Array, needed: number, codec: RangeCheckCodec): boolean {
  if (needed === pkCount && codec.hashRanges !== undefined) {
    // Every table entry is needed (the usual case): hash the keys where they lie, no copy.
    if (digests.length < needed * 16) digests = new Uint8Array(Math.max(needed * 16, digests.length * 2));
    codec.hashRanges(data, pkStarts, pkEnds, needed, digests);
    for (let i = 0; i < needed; i++) {
      if (!digestInRange(digests, i * 16)) return false;
    }
    return true;
  }
  let total = 0;
  for (let k = 0; k < pkCount; k++) if (pkMark[k] === 1) total += (pkEnds[k] as number) - (pkStarts[k] as number);
  if (packedBytes.length < total) packedBytes = new Uint8Array(Math.max(total, packedBytes.length * 2, 4096));
  if (packedOffsets.length < needed + 1)
    packedOffsets = new Uint32Array(Math.max(needed + 1, packedOffsets.length * 2));
  if (digests.length < needed * 16) digests = new Uint8Array(Math.max(needed * 16, digests.length * 2));
  const bytes = packedBytes;
  const offsets = packedOffsets;
  let n = 0;
  let at = 0;
  for (let k = 0; k < pkCount; k++) {
    if (pkMark[k] !== 1) continue;
    offsets[n++] = at;
    const end = pkEnds[k] as number;
    for (let p = pkStarts[k] as number; p < end; p++) bytes[at++] = data[p] as number;
  }
  offsets[n] = at;
  codec.hashPackedKeys({ count: n, bytes, offsets }, digests);
  for (let i = 0; i < n; i++) {
    if (!digestInRange(digests, i * 16)) return false;
  }
  return true;
}

function digestInRange(digest: Uint8Array, at: number): boolean {
  let low = 0;
  let high = 0;
  for (let i = 0; i < 16; i++) {
    const d = digest[at + i] as number;
    if (low === 0) low = d - (rangeStart[i] as number);
    if (high === 0) high = d - (rangeEnd[i] as number);
    if (low !== 0 && high !== 0) break;
  }
  return low >= 0 && high <= 0;
}
