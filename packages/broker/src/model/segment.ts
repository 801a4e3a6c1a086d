/**
 * One arena of a shard log: each record's partition key (UTF-8) followed by its data in `bytes`, and
 * parallel index arrays. A segment dropped from a log may be reset and reused by another log (see
 * SegmentPool), so its index arrays and arena may hold more room than the log asked for.
 */
export class Segment {
  /** Absolute index (in its log) of the segment's first record. */
  firstIndex: number;
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

  /** Memory the segment holds: its arena and its index arrays (26 bytes per entry). */
  get footprint(): number {
    return this.bytes.length + 26 * this.capacity;
  }

  /** Empties the segment for a new owner; the old records' bytes stay until overwritten. */
  reset(firstIndex: number): void {
    this.firstIndex = firstIndex;
    this.count = 0;
    this.used = 0;
  }
}
