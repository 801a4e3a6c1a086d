import { formatSequenceNumber } from './sequence-number.js';

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

class Segment {
  readonly firstIndex: number;
  readonly capacity: number;
  readonly counters: Float64Array;
  readonly arrivals: Float64Array;
  /** Start of the record's partition key in `bytes`. */
  readonly starts: Uint32Array;
  readonly keyLengths: Uint16Array;
  /** End of the record's data in `bytes`. */
  readonly ends: Uint32Array;
  readonly bytes: Buffer;
  count = 0;
  used = 0;

  constructor(firstIndex: number, entries: number, bytes: number) {
    this.firstIndex = firstIndex;
    this.capacity = entries;
    this.counters = new Float64Array(entries);
    this.arrivals = new Float64Array(entries);
    this.starts = new Uint32Array(entries);
    this.keyLengths = new Uint16Array(entries);
    this.ends = new Uint32Array(entries);
    this.bytes = Buffer.allocUnsafeSlow(bytes);
  }
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
  #segments: Segment[] = [];
  /** Absolute index of the first retained record. */
  #start = 0;
  /** Absolute index one past the last record. */
  #end = 0;
  #bytes = 0;
  #nextBytes = FIRST_BYTES;
  /** Records and bytes ever appended: their ratio sizes new segments to the stream's records. */
  #appended = 0;
  #appendedBytes = 0;

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
    if (this.#appended > 0) {
      const average = Math.max(1, this.#appendedBytes / this.#appended);
      entries = Math.min(MAX_ENTRIES, Math.max(1, Math.floor(target / average)));
      bytes = Math.ceil(entries * average * SLACK);
    }
    const segment = new Segment(this.#end, entries, Math.max(bytes, maxBytes));
    this.#segments.push(segment);
    return segment;
  }

  /**
   * Appends a record whose data is base64 text. Returns false (and writes nothing visible) when the text
   * does not decode to exactly `dataLength` bytes, i.e. is not valid base64.
   */
  appendBase64(counter: number, arrival: number, key: string, base64: string, dataLength: number): boolean {
    const segment = this.#tail(key.length * 3 + dataLength);
    const at = segment.used;
    const keyLength = segment.bytes.write(key, at, 'utf8');
    const written = dataLength === 0 ? 0 : segment.bytes.write(base64, at + keyLength, 'base64');
    if (written !== dataLength) return false;
    this.#commit(segment, counter, arrival, at, keyLength, at + keyLength + written);
    return true;
  }

  appendBytes(counter: number, arrival: number, key: string, data: Uint8Array): void {
    const segment = this.#tail(key.length * 3 + data.length);
    const at = segment.used;
    const keyLength = segment.bytes.write(key, at, 'utf8');
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
    this.#appendedBytes += end - at;
    this.#appended++;
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
    if (drop > 0) this.#segments.splice(0, drop);
  }

  /**
   * Appends the JSON of records [from, …) to `out` as GetRecords elements: at most `limit` records and,
   * past the first, at most `maxBytes` of data. The first record is always taken, whatever its size.
   */
  readJson(
    from: number,
    limit: number,
    maxBytes: number,
    suffix: string,
    encrypted: boolean,
  ): { json: string; next: number; bytes: number } {
    let json = '';
    let index = Math.max(from, this.#start);
    let bytes = 0;
    let taken = 0;
    const tail = encrypted ? ',"EncryptionType":"KMS"}' : '}';
    // Records of one PutRecords share their arrival time: format each distinct time once.
    let arrival = -1;
    let arrivalText = '';
    while (index < this.#end && taken < limit) {
      const s = this.#segmentOf(index);
      const last = s.count;
      for (let i = index - s.firstIndex; i < last && taken < limit; i++) {
        const start = s.starts[i] as number;
        const end = s.ends[i] as number;
        const size = end - start;
        if (taken > 0 && bytes + size > maxBytes) return { json, next: index, bytes };
        const keyEnd = start + (s.keyLengths[i] as number);
        if (s.arrivals[i] !== arrival) {
          arrival = s.arrivals[i] as number;
          arrivalText = String(arrival / 1000);
        }
        json += `${taken === 0 ? '' : ','}{"SequenceNumber":"${formatSequenceNumber(s.counters[i] as number, suffix)}","ApproximateArrivalTimestamp":${arrivalText},"Data":"${s.bytes.toString('base64', keyEnd, end)}","PartitionKey":${JSON.stringify(s.bytes.toString('utf8', start, keyEnd))}${tail}`;
        bytes += size;
        taken++;
        index++;
      }
    }
    return { json, next: index, bytes };
  }

  /** Like readJson, as entries (for CBOR responses). */
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
