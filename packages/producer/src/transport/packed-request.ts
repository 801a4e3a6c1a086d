import type { KinesisRecord, StagedAggregate } from '../pipeline/kinesis-record.js';
import type { UserRecord } from '../pipeline/user-record.js';
import { PK_ASCII } from '../pipeline/user-record.js';
import { writeKey } from '../pipeline/write-key.js';
import { copyShared } from './copy-shared.js';

/** Flag bit: the Kinesis record is an aggregate (several user records). */
export const PACKED_AGGREGATED = 1;
/** Flag bit: the record's first user record carries an explicit hash key. */
export const PACKED_EHK = 2;
/** The lone record's PK_ASCII / PK_UNICODE / PK_ESCAPE sits in the flag bits above this shift. */
export const PACKED_KIND_SHIFT = 2;

/** Longest decimal hash key (2^128 - 1). */
const MAX_EHK_DIGITS = 39;

/** The counts of one packed request: what changes from request to request. */
export interface PackedHeader {
  readonly streamName: string;
  readonly records: number;
  readonly aggregates: number;
  readonly aggregatedMembers: number;
  readonly ehkTotal: number;
}

/** The columns, on SharedArrayBuffers: sent to the worker thread once, and again only after they grow. */
export interface PackedArrays {
  readonly flags: Uint8Array;
  readonly firstMember: Uint32Array;
  readonly sizes: Uint32Array;
  readonly hashKeys: Uint8Array;
  readonly bounds: Uint32Array;
  readonly pkBytes: Uint8Array;
  readonly pkOffsets: Uint32Array;
  readonly data: Uint8Array;
  readonly dataOffsets: Uint32Array;
  readonly ehkBytes: Uint8Array;
  readonly ehkOffsets: Uint32Array;
}

/**
 * One PutRecords request as columns of bytes, free of the UserRecord objects it came from, so that its
 * body can be encoded, signed and sent on another thread. Members (user records) of aggregates come
 * first, contiguous per aggregate as the codec wants them; lone records' members follow. The columns
 * live on SharedArrayBuffers reused from request to request: a worker thread sees them without a
 * copy, and neither thread allocates (and garbage-collects) megabytes per request. Whoever holds the
 * request owns the columns until its answer.
 */
export class PackedRequest {
  /** Bumped whenever a column is replaced, so a worker knows when to take the new arrays. */
  version = 0;
  streamName = '';
  /** Kinesis records in the request. */
  records = 0;
  /** How many of them are aggregates. */
  aggregates = 0;
  /** Members of aggregates: columns [0, aggregatedMembers) belong to them. */
  aggregatedMembers = 0;
  /** Bytes in the explicit-hash-key column; 0 when no member has one. */
  ehkTotal = 0;
  /** The request's size as collectionMaxSize counts it: Σ partition key + data (aggregates at their bound). */
  bytes = 0;
  /** Per Kinesis record: PACKED_* bits. */
  flags: Uint8Array = new Uint8Array(0);
  /** Per Kinesis record: column index of its first member. */
  firstMember: Uint32Array = new Uint32Array(0);
  /** Per Kinesis record: data size (an aggregate's bound when packed, exact once encoded). */
  sizes: Uint32Array = new Uint32Array(0);
  /** Per Kinesis record: its first member's 16-byte hash key, where it is routed. */
  hashKeys: Uint8Array = new Uint8Array(0);
  /** Per aggregate j: its members are columns [bounds[j], bounds[j + 1]). */
  bounds: Uint32Array = new Uint32Array(0);
  pkBytes: Buffer = Buffer.alloc(0);
  pkOffsets: Uint32Array = new Uint32Array(0);
  data: Buffer = Buffer.alloc(0);
  dataOffsets: Uint32Array = new Uint32Array(0);
  ehkBytes: Buffer = Buffer.alloc(0);
  ehkOffsets: Uint32Array = new Uint32Array(0);

  /** Packs `records` of `streamName`, replacing what was packed before. */
  pack(streamName: string, records: readonly KinesisRecord[]): void {
    let members = 0;
    let aggregatedMembers = 0;
    let aggregates = 0;
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as KinesisRecord;
      const count = record.records.length;
      members += count;
      if (count > 1) {
        aggregates++;
        aggregatedMembers += count;
      }
      bytes += record.size;
    }
    this.#reserve(records.length, aggregates, members, bytes);
    this.streamName = streamName;
    this.records = records.length;
    this.aggregates = aggregates;
    this.aggregatedMembers = aggregatedMembers;
    this.bytes = bytes;
    const flags = this.flags;
    const firstMember = this.firstMember;
    const sizes = this.sizes;
    const bounds = this.bounds;
    // Aggregates' members first, then lone records, each record keeping its place in the request.
    let m = 0;
    let j = 0;
    this.#pkAt = 0;
    this.#dataAt = 0;
    this.#ehkAt = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as KinesisRecord;
      const members = record.records;
      if (members.length === 1) continue;
      bounds[j++] = m;
      firstMember[i] = m;
      sizes[i] = record.dataSize;
      const first = members[0] as UserRecord;
      flags[i] = PACKED_AGGREGATED | (first.explicitHashKey === undefined ? 0 : PACKED_EHK);
      this.#hashKey(i, first);
      const staged = record.staged;
      if (staged === undefined) {
        for (let k = 0; k < members.length; k++) this.#member(m++, members[k] as UserRecord);
      } else {
        m = this.#stagedMembers(m, members.length, staged);
      }
    }
    bounds[j] = m;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as KinesisRecord;
      if (record.records.length !== 1) continue;
      const only = record.records[0] as UserRecord;
      firstMember[i] = m;
      sizes[i] = record.dataSize;
      flags[i] = (only.pkKind << PACKED_KIND_SHIFT) | (only.explicitHashKey === undefined ? 0 : PACKED_EHK);
      this.#hashKey(i, only);
      this.#member(m++, only);
    }
    this.pkOffsets[m] = this.#pkAt;
    this.dataOffsets[m] = this.#dataAt;
    this.ehkOffsets[m] = this.#ehkAt;
    this.ehkTotal = this.#ehkAt;
  }

  /** Stores the exact aggregate sizes the encoder reports (per aggregate, in request order). */
  setAggregateSizes(exact: Uint32Array): void {
    let j = 0;
    for (let i = 0; i < this.records; i++) {
      if (((this.flags[i] as number) & PACKED_AGGREGATED) !== 0) this.sizes[i] = exact[j++] as number;
    }
  }

  header(): PackedHeader {
    return {
      streamName: this.streamName,
      records: this.records,
      aggregates: this.aggregates,
      aggregatedMembers: this.aggregatedMembers,
      ehkTotal: this.ehkTotal,
    };
  }

  adoptHeader(header: PackedHeader): void {
    this.streamName = header.streamName;
    this.records = header.records;
    this.aggregates = header.aggregates;
    this.aggregatedMembers = header.aggregatedMembers;
    this.ehkTotal = header.ehkTotal;
  }

  arrays(): PackedArrays {
    return {
      flags: this.flags,
      firstMember: this.firstMember,
      sizes: this.sizes,
      hashKeys: this.hashKeys,
      bounds: this.bounds,
      pkBytes: this.pkBytes,
      pkOffsets: this.pkOffsets,
      data: this.data,
      dataOffsets: this.dataOffsets,
      ehkBytes: this.ehkBytes,
      ehkOffsets: this.ehkOffsets,
    };
  }

  /** Takes over columns posted by the thread that packed them (posting keeps the memory shared). */
  adoptArrays(arrays: PackedArrays): void {
    this.flags = arrays.flags;
    this.firstMember = arrays.firstMember;
    this.sizes = arrays.sizes;
    this.hashKeys = arrays.hashKeys;
    this.bounds = arrays.bounds;
    this.pkBytes = asBuffer(arrays.pkBytes);
    this.pkOffsets = arrays.pkOffsets;
    this.data = asBuffer(arrays.data);
    this.dataOffsets = arrays.dataOffsets;
    this.ehkBytes = asBuffer(arrays.ehkBytes);
    this.ehkOffsets = arrays.ehkOffsets;
  }

  /** Write positions in the byte columns while packing. */
  #pkAt = 0;
  #dataAt = 0;
  #ehkAt = 0;

  #hashKey(i: number, first: UserRecord): void {
    if (first.explicitHashKey !== undefined) return;
    const from = first.hashOffset;
    const hashes = first.hashes;
    const to = this.hashKeys;
    const at = 16 * i;
    for (let k = 0; k < 16; k++) to[at + k] = hashes[from + k] as number;
  }

  #member(m: number, r: UserRecord): void {
    const pk = this.#pkAt;
    this.pkOffsets[m] = pk;
    if (pk + r.pkBytes > this.pkBytes.length) this.pkBytes = this.#grown(this.pkBytes, pk, pk + r.pkBytes);
    this.#pkAt = pk + writeKey(r.partitionKey, r.pkKind === PK_ASCII, this.pkBytes, pk);
    this.#payload(m, r.data, r.explicitHashKey);
  }

  /**
   * Packs an aggregate's `count` members from column index `m` on out of what its builder staged: the
   * keys in one block, data and explicit hash keys from dense arrays, no member record read. Returns the
   * index after the last member.
   */
  #stagedMembers(m: number, count: number, staged: StagedAggregate): number {
    const { keys, keyEnds, data, explicitHashKeys } = staged;
    // A mismatch would pack every later member misaligned: refuse it, so its records fail with this error
    // instead of going out corrupted.
    if (keyEnds.length !== count || data.length !== count || keyEnds[count - 1] !== keys.length) {
      throw new Error(`staged aggregate of ${keyEnds.length} keys (${keys.length} bytes) packed for ${count} records`);
    }
    const pk = this.#pkAt;
    const end = pk + keys.length;
    if (end > this.pkBytes.length) this.pkBytes = this.#grown(this.pkBytes, pk, end);
    copyShared(keys, this.pkBytes, pk);
    let at = pk;
    for (let k = 0; k < count; k++) {
      this.pkOffsets[m] = at;
      at = pk + (keyEnds[k] as number);
      this.#payload(m++, data[k] as Uint8Array, explicitHashKeys?.[k]);
    }
    this.#pkAt = end;
    return m;
  }

  /** Copies member m's data and explicit hash key into their columns. */
  #payload(m: number, bytes: Uint8Array, ehk: string | undefined): void {
    const d = this.#dataAt;
    this.dataOffsets[m] = d;
    this.#dataAt = copyShared(bytes, this.data, d);
    const e = this.#ehkAt;
    this.ehkOffsets[m] = e;
    if (ehk !== undefined) {
      if (this.ehkBytes.length < e + MAX_EHK_DIGITS) this.ehkBytes = this.#grown(this.ehkBytes, e, e + MAX_EHK_DIGITS);
      this.#ehkAt = e + writeKey(ehk, true, this.ehkBytes, e);
    }
  }

  /** A larger copy of a byte column holding `used` bytes, with room for `needed`. */
  #grown(column: Uint8Array, used: number, needed: number): Buffer {
    const larger = bytesOf(grow(2 * needed));
    copyShared(column.subarray(0, used), larger, 0);
    this.version++;
    return larger;
  }

  /**
   * Makes the columns large enough. A record's size (outer key plus data, or its aggregate's bound)
   * covers its members' data, but not always their keys: an aggregate stores a repeated key once, the
   * key column once per member, so that column also grows while packing. Capacities grow to powers of
   * two so requests rarely regrow them.
   */
  #reserve(records: number, aggregates: number, members: number, bytes: number): void {
    if (this.flags.length < Math.max(1, records)) {
      const capacity = grow(records);
      this.flags = new Uint8Array(shared(capacity));
      this.firstMember = new Uint32Array(shared(4 * capacity));
      this.sizes = new Uint32Array(shared(4 * capacity));
      this.hashKeys = new Uint8Array(shared(16 * capacity));
      this.version++;
    }
    if (this.bounds.length < aggregates + 1) {
      this.bounds = new Uint32Array(shared(4 * grow(aggregates + 1)));
      this.version++;
    }
    if (this.pkOffsets.length < members + 1) {
      const capacity = grow(members + 1);
      this.pkOffsets = new Uint32Array(shared(4 * capacity));
      this.dataOffsets = new Uint32Array(shared(4 * capacity));
      this.ehkOffsets = new Uint32Array(shared(4 * capacity));
      this.version++;
    }
    if (this.pkBytes.length < bytes) {
      this.pkBytes = bytesOf(grow(bytes));
      this.version++;
    }
    if (this.data.length < bytes) {
      this.data = bytesOf(grow(bytes));
      this.version++;
    }
    if (this.ehkBytes.length === 0) {
      this.ehkBytes = bytesOf(4096);
      this.version++;
    }
  }
}

function grow(size: number): number {
  return Math.max(64, 2 ** Math.ceil(Math.log2(size)));
}

function shared(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes);
}

function bytesOf(size: number): Buffer {
  return Buffer.from(shared(size));
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
