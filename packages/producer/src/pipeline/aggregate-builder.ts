import type { StagedAggregate } from './kinesis-record.js';
import { PK_ASCII, type UserRecord } from './user-record.js';
import { writeKey } from './write-key.js';

/** Magic (4 bytes) plus the trailing MD5 (16 bytes) around the protobuf message. */
export const AGGREGATE_OVERHEAD = 20;

/** Most slots allocated up front for an aggregate's records. */
const MAX_PREALLOCATED = 8192;
/** Least room allocated up front for an aggregate's partition keys. */
const MIN_KEY_BYTES = 256;

const EMPTY_KEYS = Buffer.alloc(0);

export function varintLength(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x20_0000) return 3;
  if (value < 0x1000_0000) return 4;
  if (value < 0x8_0000_0000) return 5;
  return Math.ceil(Math.log2(value + 1) / 7);
}

/**
 * User records gathered for one aggregated Kinesis record, with a tight upper bound of its encoded size
 * kept as records are added, so an aggregate never exceeds its limit. The bound treats every partition
 * key (and explicit hash key) as new unless it repeats the previous record's, which spares a hash-table
 * lookup per record; it is exact when keys do not repeat out of sequence, and the encoder reports the
 * exact size (key tables deduplicated) when the aggregate is written.
 */
export class AggregateBuilder {
  /**
   * Slots [0, count) hold the records. The array is allocated at the last aggregate's count up front
   * and trimmed by take(): growing it push by push would copy it (and leave the copies to the
   * collector) a dozen times per aggregate.
   */
  #records: UserRecord[] = [];
  #count = 0;
  #expected = 16;
  /**
   * The records' partition keys as UTF-8, back to back in record order, written as each record is
   * added: routing has just read its key string (to hash it), while packing the request much later would
   * read it from memory long since evicted. A fresh buffer per aggregate (a quarter larger than the last
   * one's keys), since the Kinesis record keeps it until it is stored: retries pack it again.
   */
  #keys: Buffer = EMPTY_KEYS;
  #keyBytes = 0;
  #expectedKeyBytes = MIN_KEY_BYTES;
  /**
   * Per record, where its key ends in #keys, its data and its explicit hash key (that array only once a
   * record has one): packing reads these dense arrays instead of each record, long out of cache by then.
   */
  #keyEnds: number[] = [];
  #data: Uint8Array[] = [];
  #ehks: (string | undefined)[] | undefined;
  #minExpiration = Number.POSITIVE_INFINITY;
  #messageBytes = 0;
  #pkCount = 0;
  #ehkCount = 0;
  #lastPk: string | undefined;
  #lastEhk: string | undefined;
  /** Whether the record last sized by #growth brings a new partition key / explicit hash key. */
  #newPk = false;
  #newEhk = false;

  /** Earliest deadline among the held records. */
  deadline = Number.POSITIVE_INFINITY;

  get count(): number {
    return this.#count;
  }

  /** The records held, in order of addition. */
  get records(): readonly UserRecord[] {
    return this.#records.slice(0, this.#count);
  }

  /** Bytes of the Kinesis record's data: the aggregate's bound, or the lone record's own data. */
  get size(): number {
    const only = this.#count === 1 ? this.#records[0] : undefined;
    return only === undefined ? AGGREGATE_OVERHEAD + this.#messageBytes : only.data.length;
  }

  /** Size bound as an aggregate, even when only one record is held. */
  get aggregatedSize(): number {
    return AGGREGATE_OVERHEAD + this.#messageBytes;
  }

  /** The aggregated size bound (magic + protobuf + MD5) after adding `record`. */
  sizeWith(record: UserRecord): number {
    return AGGREGATE_OVERHEAD + this.#messageBytes + this.#growth(record);
  }

  add(record: UserRecord): void {
    this.tryAdd(record, Number.POSITIVE_INFINITY);
  }

  /** Adds `record` unless the builder holds records already and the aggregate would then exceed `maxSize`. */
  tryAdd(record: UserRecord, maxSize: number): boolean {
    const growth = this.#growth(record);
    if (this.#count > 0 && AGGREGATE_OVERHEAD + this.#messageBytes + growth > maxSize) return false;
    this.#messageBytes += growth;
    if (this.#newPk) {
      this.#pkCount++;
      this.#lastPk = record.partitionKey;
    }
    if (this.#newEhk) {
      this.#ehkCount++;
      this.#lastEhk = record.explicitHashKey;
    }
    if (record.deadline < this.deadline) this.deadline = record.deadline;
    if (record.expiration < this.#minExpiration) this.#minExpiration = record.expiration;
    const count = this.#count;
    if (count === 0) {
      this.#records = new Array<UserRecord>(this.#expected);
      this.#keyEnds = new Array<number>(this.#expected);
      this.#data = new Array<Uint8Array>(this.#expected);
      this.#keys = Buffer.allocUnsafe(this.#expectedKeyBytes);
    }
    const at = this.#keyBytes;
    if (at + record.pkBytes > this.#keys.length) {
      const larger = Buffer.allocUnsafe(2 * (at + record.pkBytes));
      this.#keys.copy(larger, 0, 0, at);
      this.#keys = larger;
    }
    const end = at + writeKey(record.partitionKey, record.pkKind === PK_ASCII, this.#keys, at);
    this.#keyBytes = end;
    if (count < this.#records.length) {
      this.#records[count] = record;
      this.#keyEnds[count] = end;
      this.#data[count] = record.data;
    } else {
      this.#append(record, end);
    }
    const ehk = record.explicitHashKey;
    if (ehk !== undefined || this.#ehks !== undefined) {
      this.#ehks ??= new Array<string | undefined>(count).fill(undefined);
      this.#ehks[count] = ehk;
    }
    this.#count = count + 1;
    return true;
  }

  /**
   * What the Kinesis record made of the held records carries besides them: their partition keys, key
   * ends, data and explicit hash keys as staged, and the earliest deadline and expiration. Read before
   * take().
   */
  staged(): StagedAggregate {
    const count = this.#count;
    this.#keyEnds.length = count;
    this.#data.length = count;
    if (this.#ehks !== undefined) this.#ehks.length = count;
    return {
      keys: this.#keys.subarray(0, this.#keyBytes),
      keyEnds: this.#keyEnds,
      data: this.#data,
      explicitHashKeys: this.#ehks,
      deadline: this.deadline,
      minExpiration: this.#minExpiration,
    };
  }

  /** Empties the builder and returns what it held. */
  take(): UserRecord[] {
    const records = this.#records;
    const count = this.#count;
    records.length = count;
    this.#records = [];
    this.#count = 0;
    // Capped: V8 makes a very long preallocated array a slow dictionary; beyond the cap it grows by push.
    if (count > 0) {
      this.#expected = Math.min(count, MAX_PREALLOCATED);
      // A quarter more than the last aggregate's: key lengths vary, and growing means a second buffer and a copy.
      this.#expectedKeyBytes = Math.max(MIN_KEY_BYTES, this.#keyBytes + (this.#keyBytes >> 2));
    }
    this.#keys = EMPTY_KEYS;
    this.#keyBytes = 0;
    this.#keyEnds = [];
    this.#data = [];
    this.#ehks = undefined;
    this.#minExpiration = Number.POSITIVE_INFINITY;
    this.#messageBytes = 0;
    this.#pkCount = 0;
    this.#ehkCount = 0;
    this.#lastPk = undefined;
    this.#lastEhk = undefined;
    this.deadline = Number.POSITIVE_INFINITY;
    return records;
  }

  /**
   * Past the preallocated slots. A store beyond an array's length at the in-bounds store sites above
   * would turn V8's store caches there megamorphic (a generic store per record, 2-3 % of the put()
   * thread in profiles); growing stays at these sites of its own.
   */
  #append(record: UserRecord, end: number): void {
    this.#records.push(record);
    this.#keyEnds.push(end);
    this.#data.push(record.data);
  }

  #growth(record: UserRecord): number {
    let growth = 0;
    // Indexes are bounded by the number of entries assumed so far, so their varints bound the real ones.
    let pkIndex = this.#pkCount - 1;
    this.#newPk = record.partitionKey !== this.#lastPk;
    this.#newEhk = false;
    if (this.#newPk) {
      pkIndex = this.#pkCount;
      growth += 1 + varintLength(record.pkBytes) + record.pkBytes;
    }
    const dataLength = record.data.length;
    let inner = 1 + varintLength(pkIndex) + 1 + varintLength(dataLength) + dataLength;
    const ehk = record.explicitHashKey;
    if (ehk !== undefined) {
      let ehkIndex = this.#ehkCount - 1;
      if (ehk !== this.#lastEhk) {
        this.#newEhk = true;
        ehkIndex = this.#ehkCount;
        growth += 1 + varintLength(ehk.length) + ehk.length;
      }
      inner += 1 + varintLength(ehkIndex);
    }
    return growth + 1 + varintLength(inner) + inner;
  }
}
