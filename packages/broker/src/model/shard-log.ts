import {
  CBOR_MAJOR_BYTES,
  CBOR_MAJOR_MAP,
  CBOR_MAJOR_TEXT,
  cborHeadSize,
  writeCborHead,
  writeU64BigEndian,
} from '@shardline/core';
import { writeBase64 } from '../protocol/base64-out.js';
import type { Base64Slice } from '../protocol/base64-slice.js';
import { asciiText, copyBytes, putBytes } from '../protocol/cbor-out.js';
import { Segment } from './segment.js';
import type { SegmentPool } from './segment-pool.js';
import { SEQUENCE_NUMBER_LENGTH, writeSequenceDigits } from './sequence-number.js';

/**
 * The records of one shard, in memory, append-only. Records live in segments: a byte arena holding each
 * record's partition key (UTF-8) followed by its data, and parallel typed arrays with counter, arrival
 * time and offsets. No per-record JS object exists, so the garbage collector never walks retained
 * records and a retained record costs its bytes plus 26 bytes of index. Retention drops whole segments.
 */
const FIRST_ENTRIES = 64;
const MAX_ENTRIES = 65_536;
const FIRST_BYTES = 16 * 1024;
const MAX_BYTES = 8 * 1024 * 1024;
/** Slack so that a segment sized for the average record still fits its share of larger ones. */
const SLACK = 1.05;
// The fixed parts of one GetRecords element, around the sequence number, arrival time, data and key.
const CBOR_SEQUENCE = Buffer.concat([
  asciiText('SequenceNumber'),
  Buffer.from([CBOR_MAJOR_TEXT | 24, SEQUENCE_NUMBER_LENGTH]),
]);
const CBOR_ARRIVAL = Buffer.concat([asciiText('ApproximateArrivalTimestamp'), Buffer.from([0xc1, 0x1b])]);
const CBOR_DATA = asciiText('Data');
const CBOR_KEY = asciiText('PartitionKey');
const CBOR_KMS = Buffer.concat([asciiText('EncryptionType'), asciiText('KMS')]);
/** Map head, keys, sequence number and timestamp: all but the data and key heads and bytes. */
const CBOR_FIXED =
  1 + CBOR_SEQUENCE.length + SEQUENCE_NUMBER_LENGTH + CBOR_ARRIVAL.length + 8 + CBOR_DATA.length + CBOR_KEY.length;
const JSON_SEQUENCE = Buffer.from('{"SequenceNumber":"', 'latin1');
const JSON_ARRIVAL = Buffer.from('","ApproximateArrivalTimestamp":', 'latin1');
const JSON_DATA = Buffer.from(',"Data":"', 'latin1');
const JSON_KEY = Buffer.from('","PartitionKey":', 'latin1');
const JSON_KMS = Buffer.from(',"EncryptionType":"KMS"', 'latin1');
/** All but the arrival time, base64 data and key (with its quotes); includes the closing brace. */
const JSON_FIXED =
  JSON_SEQUENCE.length + SEQUENCE_NUMBER_LENGTH + JSON_ARRIVAL.length + JSON_DATA.length + JSON_KEY.length + 1;
const base64Size = (n: number): number => Math.ceil(n / 3) * 4;
/** Whether JSON.stringify leaves these UTF-8 key bytes as they are (no quote, backslash or control). */
function plainJsonKey(bytes: Buffer, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = bytes[k] as number;
    if (c < 0x20 || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}
function jsonKeySize(bytes: Buffer, start: number, end: number): number {
  if (plainJsonKey(bytes, start, end)) return end - start + 2;
  return Buffer.byteLength(JSON.stringify(bytes.toString('utf8', start, end)));
}
function writeJsonKey(bytes: Buffer, start: number, end: number, out: Buffer, at: number): number {
  if (!plainJsonKey(bytes, start, end)) {
    return at + out.write(JSON.stringify(bytes.toString('utf8', start, end)), at, 'utf8');
  }
  out[at] = 0x22;
  const o = copyBytes(bytes, start, end, out, at + 1);
  out[o] = 0x22;
  return o + 1;
}
/** Writes a partition key as UTF-8; short ASCII keys (nearly all) without a native call. */
function writeKey(bytes: Buffer, at: number, key: string): number {
  const n = key.length;
  if (n <= 64) {
    let k = 0;
    for (; k < n; k++) {
      const c = key.charCodeAt(k);
      if (c > 0x7f) break;
      bytes[at + k] = c;
    }
    if (k === n) return n;
  }
  return bytes.write(key, at, 'utf8');
}
/** Absolute indexes [first, next) of records to answer, and their key + data bytes. */
export interface LogSpan {
  readonly first: number;
  readonly next: number;
  readonly bytes: number;
}

/** A position to roll back to when a batch turns out to be invalid half-way through. */
export interface LogMark {
  readonly segments: number;
  readonly count: number;
  readonly used: number;
  readonly end: number;
}

/** One record as handed to readers that need objects (CBOR responses, persistence). */
export interface LogEntry {
  readonly counter: number;
  readonly arrival: number;
  readonly partitionKey: string;
  readonly data: Buffer;
}

export class ShardLog {
  /** Where segments come from and go to when the broker bounds retained memory; absent = plain allocation. */
  readonly #pool: SegmentPool | undefined;
  #segments: Segment[] = [];
  /** Absolute index of the first retained record. */
  #start = 0;
  /** Absolute index one past the last record. */
  #end = 0;
  #bytes = 0;
  #nextBytes = FIRST_BYTES;
  /**
   * Moving average of recent record sizes (0 before the first): it shapes new segments. A lifetime
   * average would, after millions of small records, give a stream switching to 1 MiB records segments
   * with index arrays for 65,536 records and room for 8 (megabytes of zeroed, unused memory each).
   */
  #recentSize = 0;
  constructor(pool?: SegmentPool) {
    this.#pool = pool;
  }
  get start(): number {
    return this.#start;
  }
  get end(): number {
    return this.#end;
  }
  /** Bytes of key + data retained. */
  get retainedBytes(): number {
    return this.#bytes;
  }
  mark(): LogMark {
    const tail = this.#segments[this.#segments.length - 1];
    return { segments: this.#segments.length, count: tail?.count ?? 0, used: tail?.used ?? 0, end: this.#end };
  }
  truncate(mark: LogMark): void {
    for (let i = mark.segments; i < this.#segments.length; i++) {
      const s = this.#segments[i] as Segment;
      if (s.count > 0) this.#bytes -= s.used - (s.starts[0] as number);
      this.#pool?.give(s);
    }
    this.#segments.length = mark.segments;
    const tail = this.#segments[mark.segments - 1];
    if (tail !== undefined && tail.count > mark.count) {
      this.#bytes -= tail.used - mark.used;
      tail.count = mark.count;
      tail.used = mark.used;
    }
    this.#end = mark.end;
  }
  #tail(maxBytes: number): Segment {
    const tail = this.#segments[this.#segments.length - 1];
    if (tail !== undefined && tail.count < tail.capacity && tail.bytes.length - tail.used >= maxBytes) return tail;
    // Segments grow geometrically to MAX_BYTES and are shaped by the average record, so neither the
    // byte arena nor the index arrays are mostly empty (both count against memory).
    const target = this.#nextBytes;
    this.#nextBytes = Math.min(MAX_BYTES, this.#nextBytes * 2);
    let entries = FIRST_ENTRIES;
    let bytes = target;
    if (this.#recentSize > 0) {
      const average = Math.max(1, this.#recentSize);
      entries = Math.min(MAX_ENTRIES, Math.max(1, Math.floor(target / average)));
      bytes = Math.ceil(entries * average * SLACK);
    }
    const size = Math.max(bytes, maxBytes);
    const segment = this.#pool?.take(this.#end, entries, size) ?? new Segment(this.#end, entries, size);
    this.#segments.push(segment);
    return segment;
  }
  /**
   * Appends a record whose data is base64 text. Returns false (and writes nothing visible) when the text
   * does not decode to exactly `dataLength` bytes, i.e. is not valid base64.
   */
  appendBase64(
    counter: number,
    arrival: number,
    key: string,
    base64: string | Base64Slice,
    dataLength: number,
  ): boolean {
    const segment = this.#tail(key.length * 3 + dataLength);
    const at = segment.used;
    const keyLength = writeKey(segment.bytes, at, key);
    const to = at + keyLength;
    const written =
      dataLength === 0
        ? 0
        : typeof base64 === 'string'
          ? segment.bytes.write(base64, to, dataLength, 'base64')
          : base64.decodeInto(segment.bytes, to, dataLength);
    if (written !== dataLength) return false;
    this.#commit(segment, counter, arrival, at, keyLength, at + keyLength + written);
    return true;
  }
  appendBytes(counter: number, arrival: number, key: string, data: Uint8Array): void {
    const segment = this.#tail(key.length * 3 + data.length);
    const at = segment.used;
    const keyLength = writeKey(segment.bytes, at, key);
    segment.bytes.set(data, at + keyLength);
    this.#commit(segment, counter, arrival, at, keyLength, at + keyLength + data.length);
  }
  /** Appends a record given as UTF-8 key bytes followed by data (the on-disk layout). */
  appendRaw(counter: number, arrival: number, source: Uint8Array, keyLength: number): void {
    const segment = this.#tail(source.length);
    const at = segment.used;
    segment.bytes.set(source, at);
    this.#commit(segment, counter, arrival, at, keyLength, at + source.length);
  }
  #commit(segment: Segment, counter: number, arrival: number, at: number, keyLength: number, end: number): void {
    const i = segment.count;
    segment.counters[i] = counter;
    segment.arrivals[i] = arrival;
    segment.starts[i] = at;
    segment.keyLengths[i] = keyLength;
    segment.ends[i] = end;
    segment.count = i + 1;
    segment.used = end;
    this.#bytes += end - at;
    const size = end - at;
    // About the last 16 records weigh most.
    this.#recentSize = this.#recentSize === 0 ? size : this.#recentSize + (size - this.#recentSize) / 16;
    this.#end++;
  }
  #segmentOf(index: number): Segment {
    const segments = this.#segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((segments[mid] as Segment).firstIndex <= index) lo = mid;
      else hi = mid - 1;
    }
    return segments[lo] as Segment;
  }
  counterAt(index: number): number {
    const s = this.#segmentOf(index);
    return s.counters[index - s.firstIndex] as number;
  }
  arrivalAt(index: number): number {
    const s = this.#segmentOf(index);
    return s.arrivals[index - s.firstIndex] as number;
  }
  /** Bytes (key + data) of record `index`. */
  sizeAt(index: number): number {
    const s = this.#segmentOf(index);
    const i = index - s.firstIndex;
    return (s.ends[i] as number) - (s.starts[i] as number);
  }
  entryAt(index: number): LogEntry {
    const s = this.#segmentOf(index);
    const i = index - s.firstIndex;
    const start = s.starts[i] as number;
    const keyEnd = start + (s.keyLengths[i] as number);
    return {
      counter: s.counters[i] as number,
      arrival: s.arrivals[i] as number,
      partitionKey: s.bytes.toString('utf8', start, keyEnd),
      data: Buffer.from(s.bytes.subarray(keyEnd, s.ends[i] as number)),
    };
  }
  /** The key+data bytes of record `index`, as a view (valid until retention drops its segment). */
  rawAt(index: number): { readonly bytes: Buffer; readonly keyLength: number } {
    const s = this.#segmentOf(index);
    const i = index - s.firstIndex;
    return {
      bytes: s.bytes.subarray(s.starts[i] as number, s.ends[i] as number),
      keyLength: s.keyLengths[i] as number,
    };
  }
  /** Absolute index of the first retained record whose counter is >= `counter` (`end` if none). */
  indexOfCounter(counter: number): number {
    return this.#search(counter, 'counters');
  }
  /** Absolute index of the first retained record that arrived at or after `ms` (`end` if none). */
  indexOfArrival(ms: number): number {
    return this.#search(ms, 'arrivals');
  }
  #search(value: number, field: 'counters' | 'arrivals'): number {
    let lo = this.#start;
    let hi = this.#end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const s = this.#segmentOf(mid);
      if ((s[field][mid - s.firstIndex] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** Forgets records that arrived before `cutoffMs`; frees whole segments. */
  trimBefore(cutoffMs: number): void {
    const first = this.indexOfArrival(cutoffMs);
    if (first <= this.#start) return;
    for (let i = this.#start; i < first; i++) this.#bytes -= this.sizeAt(i);
    this.#start = first;
    let drop = 0;
    while (drop < this.#segments.length - 1) {
      const s = this.#segments[drop] as Segment;
      if (s.firstIndex + s.count > first) break;
      drop++;
    }
    if (drop > 0) this.#release(this.#segments.splice(0, drop));
  }
  /**
   * Arrival time of the first retained record when the log could drop its oldest segment, else +Infinity.
   * The newest segment is never dropped: records are still being appended to it.
   */
  get oldestDroppableArrival(): number {
    if (this.#segments.length < 2) return Number.POSITIVE_INFINITY;
    return this.arrivalAt(this.#start);
  }
  /** Forgets the records of the oldest segment (as retention would), if there is more than one. */
  dropOldestSegment(): void {
    if (this.#segments.length < 2) return;
    const s = this.#segments[0] as Segment;
    const next = s.firstIndex + s.count;
    if (next > this.#start) this.#bytes -= s.used - (s.starts[this.#start - s.firstIndex] as number);
    this.#start = Math.max(this.#start, next);
    this.#release(this.#segments.splice(0, 1));
  }
  /** Forgets every record: the log's stream is gone. */
  clear(): void {
    this.#release(this.#segments);
    this.#segments = [];
    this.#start = this.#end;
    this.#bytes = 0;
  }
  #release(dropped: readonly Segment[]): void {
    const pool = this.#pool;
    if (pool !== undefined) for (const s of dropped) pool.give(s);
  }
  /**
   * The records a GetRecords answer starting at `from` returns: [first, next), at most `limit` records
   * and, past the first, at most `maxBytes` of key + data. The first record is taken whatever its size.
   */
  span(from: number, limit: number, maxBytes: number): LogSpan {
    const first = Math.max(from, this.#start);
    let index = first;
    let bytes = 0;
    let taken = 0;
    while (index < this.#end && taken < limit) {
      const s = this.#segmentOf(index);
      const last = s.count;
      for (let i = index - s.firstIndex; i < last && taken < limit; i++) {
        const size = (s.ends[i] as number) - (s.starts[i] as number);
        if (taken > 0 && bytes + size > maxBytes) return { first, next: index, bytes };
        bytes += size;
        taken++;
        index++;
      }
    }
    return { first, next: index, bytes };
  }
  /** Bytes `writeCbor` writes for `span`. */
  cborSize(span: LogSpan, encrypted: boolean): number {
    let size = (CBOR_FIXED + (encrypted ? CBOR_KMS.length : 0)) * (span.next - span.first);
    let index = span.first;
    while (index < span.next) {
      const s = this.#segmentOf(index);
      const stop = Math.min(span.next, s.firstIndex + s.count) - s.firstIndex;
      for (let i = index - s.firstIndex; i < stop; i++) {
        const start = s.starts[i] as number;
        const keyLength = s.keyLengths[i] as number;
        const end = s.ends[i] as number;
        size += cborHeadSize(keyLength) + cborHeadSize(end - start - keyLength) + end - start;
      }
      index = stop + s.firstIndex;
    }
    return size;
  }
  /**
   * Writes the records of `span` as CBOR GetRecords elements (the map the generic encoder makes for
   * SequenceNumber, ApproximateArrivalTimestamp, Data, PartitionKey[, EncryptionType]) into `out` at
   * `at`; returns the offset after them. Data and keys are copied straight from the arenas.
   */
  writeCbor(span: LogSpan, suffix: Uint8Array, encrypted: boolean, out: Buffer, at: number): number {
    let o = at;
    let index = span.first;
    while (index < span.next) {
      const s = this.#segmentOf(index);
      const stop = Math.min(span.next, s.firstIndex + s.count) - s.firstIndex;
      const bytes = s.bytes;
      for (let i = index - s.firstIndex; i < stop; i++) {
        const start = s.starts[i] as number;
        const keyEnd = start + (s.keyLengths[i] as number);
        const end = s.ends[i] as number;
        out[o++] = encrypted ? CBOR_MAJOR_MAP | 5 : CBOR_MAJOR_MAP | 4;
        putBytes(out, o, CBOR_SEQUENCE);
        o = writeSequenceDigits(out, o + CBOR_SEQUENCE.length, s.counters[i] as number, suffix);
        putBytes(out, o, CBOR_ARRIVAL);
        o += CBOR_ARRIVAL.length;
        writeU64BigEndian(out, o, s.arrivals[i] as number);
        o += 8;
        putBytes(out, o, CBOR_DATA);
        o = writeCborHead(out, o + CBOR_DATA.length, CBOR_MAJOR_BYTES, end - keyEnd);
        o = copyBytes(bytes, keyEnd, end, out, o);
        putBytes(out, o, CBOR_KEY);
        o = writeCborHead(out, o + CBOR_KEY.length, CBOR_MAJOR_TEXT, keyEnd - start);
        o = copyBytes(bytes, start, keyEnd, out, o);
        if (encrypted) {
          putBytes(out, o, CBOR_KMS);
          o += CBOR_KMS.length;
        }
      }
      index = stop + s.firstIndex;
    }
    return o;
  }
  /** Bytes `writeJson` writes for `span`. */
  jsonSize(span: LogSpan, encrypted: boolean): number {
    const count = span.next - span.first;
    let size = (JSON_FIXED + (encrypted ? JSON_KMS.length : 0)) * count + Math.max(0, count - 1);
    let index = span.first;
    let arrival = -1;
    let arrivalLength = 0;
    while (index < span.next) {
      const s = this.#segmentOf(index);
      const stop = Math.min(span.next, s.firstIndex + s.count) - s.firstIndex;
      for (let i = index - s.firstIndex; i < stop; i++) {
        const start = s.starts[i] as number;
        const keyEnd = start + (s.keyLengths[i] as number);
        if (s.arrivals[i] !== arrival) {
          arrival = s.arrivals[i] as number;
          arrivalLength = String(arrival / 1000).length;
        }
        size += arrivalLength + base64Size((s.ends[i] as number) - keyEnd) + jsonKeySize(s.bytes, start, keyEnd);
      }
      index = stop + s.firstIndex;
    }
    return size;
  }
  /**
   * Writes the records of `span` as comma-separated JSON GetRecords elements into `out` at `at`, exactly
   * as JSON.stringify would write them; returns the offset after them.
   */
  writeJson(span: LogSpan, suffix: Uint8Array, encrypted: boolean, out: Buffer, at: number): number {
    let o = at;
    let index = span.first;
    // Records of one PutRecords share their arrival time: format each distinct time once.
    let arrival = -1;
    let arrivalText = '';
    while (index < span.next) {
      const s = this.#segmentOf(index);
      const stop = Math.min(span.next, s.firstIndex + s.count) - s.firstIndex;
      const bytes = s.bytes;
      for (let i = index - s.firstIndex; i < stop; i++) {
        const start = s.starts[i] as number;
        const keyEnd = start + (s.keyLengths[i] as number);
        const end = s.ends[i] as number;
        if (o !== at) out[o++] = 0x2c;
        putBytes(out, o, JSON_SEQUENCE);
        o = writeSequenceDigits(out, o + JSON_SEQUENCE.length, s.counters[i] as number, suffix);
        putBytes(out, o, JSON_ARRIVAL);
        o += JSON_ARRIVAL.length;
        if (s.arrivals[i] !== arrival) {
          arrival = s.arrivals[i] as number;
          arrivalText = String(arrival / 1000);
        }
        o += out.write(arrivalText, o, 'latin1');
        putBytes(out, o, JSON_DATA);
        o += JSON_DATA.length;
        o = writeBase64(bytes, keyEnd, end, out, o);
        putBytes(out, o, JSON_KEY);
        o = writeJsonKey(bytes, start, keyEnd, out, o + JSON_KEY.length);
        if (encrypted) {
          putBytes(out, o, JSON_KMS);
          o += JSON_KMS.length;
        }
        out[o++] = 0x7d;
      }
      index = stop + s.firstIndex;
    }
    return o;
  }
  /** Records as objects: the generic (and slower) form of `writeCbor`'s output. */
  readEntries(from: number, limit: number, maxBytes: number): { entries: LogEntry[]; next: number; bytes: number } {
    const entries: LogEntry[] = [];
    let index = Math.max(from, this.#start);
    let bytes = 0;
    while (index < this.#end && entries.length < limit) {
      const size = this.sizeAt(index);
      if (entries.length > 0 && bytes + size > maxBytes) break;
      entries.push(this.entryAt(index));
      bytes += size;
      index++;
    }
    return { entries, next: index, bytes };
  }
}
