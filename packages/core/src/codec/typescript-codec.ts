import { createHash, hash } from 'node:crypto';
import { AGGREGATE_MAGIC, AGGREGATE_OVERHEAD } from './aggregate-format.js';
import type { AggregateInput } from './aggregate-input.js';
import type { Codec } from './codec.js';
import { KeyInterner } from './key-interner.js';
import type { PackedStrings } from './packed-strings.js';
import { varintLength, writeVarint } from './varint.js';

// Protobuf tags (field number << 3 | wire type 2 or 0) of the KPL AggregatedRecord schema.
const TAG_PARTITION_KEY_TABLE = 0x0a;
const TAG_EXPLICIT_HASH_KEY_TABLE = 0x12;
const TAG_RECORDS = 0x1a;
const TAG_PARTITION_KEY_INDEX = 0x08;
const TAG_EXPLICIT_HASH_KEY_INDEX = 0x10;
const TAG_DATA = 0x1a;

/**
 * Below this many bytes a plain loop is as fast as a copy through a view. Above it, a fresh
 * Uint8Array view + set() beats both the loop and subarray(), which on a Buffer builds a Buffer.
 */
const SMALL_COPY = 16;

const partitionKeyTable = new KeyInterner();
const explicitHashKeyTable = new KeyInterner();

/** Throws RangeError unless `packed` holds `count` well-formed entries (offsets ascending, in bounds). */
function checkPacked(packed: PackedStrings | undefined, count: number, name: string): void {
  if (packed === undefined || packed === null || typeof packed !== 'object') {
    throw new RangeError(`${name} must be a PackedStrings`);
  }
  checkOffsets(packed.offsets, packed.bytes, count, name);
  if (packed.count !== count) throw new RangeError(`${name}.count is ${packed.count}, expected ${count}`);
}

function checkOffsets(offsets: Uint32Array, bytes: Uint8Array, count: number, name: string): void {
  if (!(offsets instanceof Uint32Array) || !(bytes instanceof Uint8Array)) {
    throw new RangeError(`${name} needs a Uint8Array of bytes and a Uint32Array of offsets`);
  }
  if (offsets.length < count + 1) throw new RangeError(`${name} has ${offsets.length} offsets, needs ${count + 1}`);
  let previous = offsets[0] as number;
  for (let i = 1; i <= count; i++) {
    const next = offsets[i] as number;
    if (next < previous) throw new RangeError(`${name} offsets decrease at entry ${i}`);
    previous = next;
  }
  if (previous > bytes.length) throw new RangeError(`${name} offsets run past the end of its bytes`);
}

function checkCount(input: AggregateInput): number {
  if (input === null || typeof input !== 'object') throw new RangeError('aggregate input must be an object');
  const count = input.count;
  if (!Number.isInteger(count) || count < 1 || count > 0x7fff_ffff) {
    throw new RangeError(`an aggregate needs 1 to 2^31-1 records, got ${String(count)}`);
  }
  return count;
}

interface Layout {
  count: number;
  pkUnique: number;
  ehkUnique: number;
  bodyLength: number;
}

const layout: Layout = { count: 0, pkUnique: 0, ehkUnique: 0, bodyLength: 0 };

/** Validates `input`, interns its keys and measures its protobuf body into the shared `layout`. */
function plan(input: AggregateInput): Layout {
  const count = checkCount(input);
  const pks = input.partitionKeys;
  checkPacked(pks, count, 'partitionKeys');
  const ehks = input.explicitHashKeys;
  if (ehks !== undefined) checkPacked(ehks, count, 'explicitHashKeys');
  checkOffsets(input.dataOffsets, input.data, count, 'data');

  const pkUnique = partitionKeyTable.intern(pks, count, false);
  const ehkUnique = ehks === undefined ? 0 : explicitHashKeyTable.intern(ehks, count, true);

  let body = 0;
  const pkOffsets = pks.offsets;
  const pkFirst = partitionKeyTable.firstOf;
  for (let u = 0; u < pkUnique; u++) {
    const first = pkFirst[u] as number;
    const length = (pkOffsets[first + 1] as number) - (pkOffsets[first] as number);
    body += 1 + varintLength(length) + length;
  }
  if (ehks !== undefined) {
    const ehkOffsets = ehks.offsets;
    const ehkFirst = explicitHashKeyTable.firstOf;
    for (let u = 0; u < ehkUnique; u++) {
      const first = ehkFirst[u] as number;
      const length = (ehkOffsets[first + 1] as number) - (ehkOffsets[first] as number);
      body += 1 + varintLength(length) + length;
    }
  }
  const pkIndex = partitionKeyTable.indexOf;
  const ehkIndex = explicitHashKeyTable.indexOf;
  const dataOffsets = input.dataOffsets;
  for (let i = 0; i < count; i++) {
    const inner = recordLength(
      pkIndex[i] as number,
      ehks === undefined ? -1 : (ehkIndex[i] as number),
      (dataOffsets[i + 1] as number) - (dataOffsets[i] as number),
    );
    body += 1 + varintLength(inner) + inner;
  }
  layout.count = count;
  layout.pkUnique = pkUnique;
  layout.ehkUnique = ehkUnique;
  layout.bodyLength = body;
  return layout;
}

/** Length of one Record message (without its own tag and length prefix). */
function recordLength(pkIndex: number, ehkIndex: number, dataLength: number): number {
  let n = 1 + varintLength(pkIndex) + 1 + varintLength(dataLength) + dataLength;
  if (ehkIndex >= 0) n += 1 + varintLength(ehkIndex);
  return n;
}

function copyBytes(source: Uint8Array, start: number, end: number, out: Uint8Array, pos: number): number {
  const length = end - start;
  if (length < SMALL_COPY) {
    for (let k = 0; k < length; k++) out[pos + k] = source[start + k] as number;
  } else {
    out.set(new Uint8Array(source.buffer, source.byteOffset + start, length), pos);
  }
  return pos + length;
}

function writeKeyTable(
  out: Uint8Array,
  pos: number,
  tag: number,
  keys: PackedStrings,
  table: KeyInterner,
  unique: number,
) {
  const bytes = keys.bytes;
  const offsets = keys.offsets;
  const firstOf = table.firstOf;
  for (let u = 0; u < unique; u++) {
    const first = firstOf[u] as number;
    const start = offsets[first] as number;
    const end = offsets[first + 1] as number;
    out[pos++] = tag;
    pos = writeVarint(out, pos, end - start);
    pos = copyBytes(bytes, start, end, out, pos);
  }
  return pos;
}

function aggregateSize(input: AggregateInput): number {
  try {
    return plan(input).bodyLength + AGGREGATE_OVERHEAD;
  } finally {
    trimTables();
  }
}

function trimTables(): void {
  partitionKeyTable.trim();
  explicitHashKeyTable.trim();
}

function encodeAggregate(input: AggregateInput, out: Uint8Array, offset = 0): number {
  try {
    return writeAggregate(input, out, offset);
  } finally {
    trimTables();
  }
}

function writeAggregate(input: AggregateInput, out: Uint8Array, offset: number): number {
  const { count, pkUnique, ehkUnique, bodyLength } = plan(input);
  if (!(out instanceof Uint8Array)) throw new RangeError('encodeAggregate needs a Uint8Array output');
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`invalid output offset ${String(offset)}`);
  const total = bodyLength + AGGREGATE_OVERHEAD;
  if (offset + total > out.length) {
    throw new RangeError(`aggregate needs ${total} bytes at offset ${offset}; the buffer holds ${out.length}`);
  }
  let pos = offset;
  out.set(AGGREGATE_MAGIC, pos);
  pos += AGGREGATE_MAGIC.length;
  const bodyStart = pos;

  const pks = input.partitionKeys;
  const ehks = input.explicitHashKeys;
  pos = writeKeyTable(out, pos, TAG_PARTITION_KEY_TABLE, pks, partitionKeyTable, pkUnique);
  if (ehks !== undefined)
    pos = writeKeyTable(out, pos, TAG_EXPLICIT_HASH_KEY_TABLE, ehks, explicitHashKeyTable, ehkUnique);

  const pkIndex = partitionKeyTable.indexOf;
  const ehkIndex = explicitHashKeyTable.indexOf;
  const data = input.data;
  const dataBuffer = data.buffer;
  const dataBase = data.byteOffset;
  const dataOffsets = input.dataOffsets;
  for (let i = 0; i < count; i++) {
    const pk = pkIndex[i] as number;
    const ehk = ehks === undefined ? -1 : (ehkIndex[i] as number);
    const start = dataOffsets[i] as number;
    const length = (dataOffsets[i + 1] as number) - start;
    // Single-byte varints (almost every index and record length) are written inline.
    const inner = recordLength(pk, ehk, length);
    out[pos++] = TAG_RECORDS;
    if (inner < 0x80) out[pos++] = inner;
    else pos = writeVarint(out, pos, inner);
    out[pos++] = TAG_PARTITION_KEY_INDEX;
    if (pk < 0x80) out[pos++] = pk;
    else pos = writeVarint(out, pos, pk);
    if (ehk >= 0) {
      out[pos++] = TAG_EXPLICIT_HASH_KEY_INDEX;
      if (ehk < 0x80) out[pos++] = ehk;
      else pos = writeVarint(out, pos, ehk);
    }
    out[pos++] = TAG_DATA;
    if (length < 0x80) out[pos++] = length;
    else pos = writeVarint(out, pos, length);
    if (length < SMALL_COPY) {
      for (let k = 0; k < length; k++) out[pos + k] = data[start + k] as number;
    } else {
      out.set(new Uint8Array(dataBuffer, dataBase + start, length), pos);
    }
    pos += length;
  }
  const digest = createHash('md5').update(out.subarray(bodyStart, pos)).digest();
  out.set(digest, pos);
  pos += digest.length;
  return pos - offset;
}

function encodeAggregates(
  input: AggregateInput,
  bounds: Uint32Array,
  aggregateCount: number,
  out: Uint8Array,
  offset: number,
  sizes: Uint32Array,
): number {
  if (input === null || typeof input !== 'object') throw new RangeError('aggregate input must be an object');
  if (!Number.isInteger(aggregateCount) || aggregateCount < 0 || aggregateCount > 0xffff_ffff) {
    throw new RangeError(`invalid aggregate count ${String(aggregateCount)}`);
  }
  if (!(bounds instanceof Uint32Array) || bounds.length < aggregateCount + 1) {
    throw new RangeError(`bounds need ${aggregateCount + 1} entries in a Uint32Array`);
  }
  if (!(sizes instanceof Uint32Array) || sizes.length < aggregateCount) {
    throw new RangeError(`sizes need ${aggregateCount} entries in a Uint32Array`);
  }
  if (!(out instanceof Uint8Array)) throw new RangeError('encodeAggregates needs a Uint8Array output');
  checkIndex(offset, 'output offset');
  if (offset > out.length) throw new RangeError(`output offset ${offset} is past the end of ${out.length} bytes`);
  const { partitionKeys, explicitHashKeys, data, dataOffsets } = input;
  if (partitionKeys === null || typeof partitionKeys !== 'object') {
    throw new RangeError('partitionKeys must be a PackedStrings');
  }
  if (explicitHashKeys !== undefined && (explicitHashKeys === null || typeof explicitHashKeys !== 'object')) {
    throw new RangeError('explicitHashKeys must be a PackedStrings');
  }
  let pos = offset;
  try {
    for (let j = 0; j < aggregateCount; j++) {
      const from = bounds[j] as number;
      const to = bounds[j + 1] as number;
      if (to < from) throw new RangeError(`bounds decrease at aggregate ${j}`);
      const count = to - from;
      // Views from record `from` on: offsets stay absolute, so the packed bytes are shared unchanged.
      const sub: AggregateInput = {
        count,
        partitionKeys: { count, bytes: partitionKeys.bytes, offsets: sliceOffsets(partitionKeys.offsets, from) },
        ...(explicitHashKeys === undefined
          ? {}
          : {
              explicitHashKeys: {
                count,
                bytes: explicitHashKeys.bytes,
                offsets: sliceOffsets(explicitHashKeys.offsets, from),
              },
            }),
        data,
        dataOffsets: sliceOffsets(dataOffsets, from),
      };
      const size = writeAggregate(sub, out, pos);
      sizes[j] = size;
      pos += size;
    }
  } finally {
    trimTables();
  }
  return pos - offset;
}

/** offsets[from ..] as a view; an empty view when `from` is past the end (checkOffsets then refuses it). */
function sliceOffsets(offsets: Uint32Array, from: number): Uint32Array {
  if (!(offsets instanceof Uint32Array)) return offsets;
  return from <= offsets.length ? offsets.subarray(from) : new Uint32Array(0);
}

function hashMessages(messages: readonly Uint8Array[], out: Uint8Array): void {
  if (!Array.isArray(messages)) throw new TypeError('messages must be an array of Uint8Array');
  const count = messages.length;
  if (!(out instanceof Uint8Array) || out.length < count * 16) {
    throw new RangeError(`hash output needs ${count * 16} bytes`);
  }
  for (let i = 0; i < count; i++) {
    if (!(messages[i] instanceof Uint8Array)) throw new TypeError(`messages[${i}] must be a Uint8Array`);
  }
  for (let i = 0; i < count; i++) {
    out.set(hash('md5', messages[i] as Uint8Array, 'buffer') as unknown as Buffer, i * 16);
  }
}

function hashRanges(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, count: number, out: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (!(starts instanceof Uint32Array) || !(ends instanceof Uint32Array)) {
    throw new TypeError('starts and ends must be Uint32Arrays');
  }
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`invalid range count ${String(count)}`);
  if (starts.length < count || ends.length < count) throw new RangeError('starts and ends must hold count entries');
  if (!(out instanceof Uint8Array) || out.length < count * 16) {
    throw new RangeError(`hash output needs ${count * 16} bytes`);
  }
  const base = bytes.byteOffset;
  for (let i = 0; i < count; i++) {
    const start = starts[i] as number;
    const end = ends[i] as number;
    if (start > end || end > bytes.length) throw new RangeError(`range ${i} (${start}..${end}) is outside bytes`);
    out.set(
      hash('md5', new Uint8Array(bytes.buffer, base + start, end - start), 'buffer') as unknown as Buffer,
      i * 16,
    );
  }
}

function hashPackedKeys(keys: PackedStrings, out: Uint8Array): void {
  if (keys === null || typeof keys !== 'object') throw new RangeError('keys must be a PackedStrings');
  const count = keys.count;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`invalid key count ${String(count)}`);
  checkOffsets(keys.offsets, keys.bytes, count, 'keys');
  if (!(out instanceof Uint8Array) || out.length < count * 16) {
    throw new RangeError(`hash output needs ${count * 16} bytes`);
  }
  const bytes = keys.bytes;
  const offsets = keys.offsets;
  const base = bytes.byteOffset;
  for (let i = 0; i < count; i++) {
    const start = offsets[i] as number;
    // A plain view: subarray() of a Buffer builds a Buffer, which costs more than the view itself.
    const key = new Uint8Array(bytes.buffer, base + start, (offsets[i + 1] as number) - start);
    out.set(hash('md5', key, 'buffer') as unknown as Buffer, i * 16);
  }
}

/** Compares the 16-byte big-endian value at a[ai] with b[bi], four bytes at a time. */
function compare128(a: Uint8Array, ai: number, b: Uint8Array, bi: number): number {
  for (let k = 0; k < 16; k += 4) {
    const x =
      (((a[ai + k] as number) << 24) |
        ((a[ai + k + 1] as number) << 16) |
        ((a[ai + k + 2] as number) << 8) |
        (a[ai + k + 3] as number)) >>>
      0;
    const y =
      (((b[bi + k] as number) << 24) |
        ((b[bi + k + 1] as number) << 16) |
        ((b[bi + k + 2] as number) << 8) |
        (b[bi + k + 3] as number)) >>>
      0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function lookupShards(
  hashes: Uint8Array,
  count: number,
  rangeEnds: Uint8Array,
  shardCount: number,
  out: Uint32Array,
): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`invalid hash count ${String(count)}`);
  if (!Number.isInteger(shardCount) || shardCount < 0)
    throw new RangeError(`invalid shard count ${String(shardCount)}`);
  if (!(hashes instanceof Uint8Array) || hashes.length < count * 16)
    throw new RangeError(`hashes need ${count * 16} bytes`);
  if (!(rangeEnds instanceof Uint8Array) || rangeEnds.length < shardCount * 16) {
    throw new RangeError(`rangeEnds need ${shardCount * 16} bytes`);
  }
  if (!(out instanceof Uint32Array) || out.length < count) throw new RangeError(`shard output needs ${count} entries`);
  for (let i = 0; i < count; i++) {
    let lo = 0;
    let hi = shardCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare128(rangeEnds, mid * 16, hashes, i * 16) < 0) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
}

function checkIndex(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`invalid ${name} ${String(value)}`);
}

/** The arguments base64Encode and base64Decode share: types, indexes, and the source range within `src`. */
function checkByteRanges(
  name: string,
  src: Uint8Array,
  srcOffset: number,
  length: number,
  out: Uint8Array,
  outOffset: number,
): void {
  if (!(src instanceof Uint8Array)) throw new RangeError(`${name} needs a Uint8Array source`);
  if (!(out instanceof Uint8Array)) throw new RangeError(`${name} needs a Uint8Array output`);
  checkIndex(srcOffset, 'source offset');
  checkIndex(length, 'length');
  checkIndex(outOffset, 'output offset');
  if (srcOffset > src.length || length > src.length - srcOffset) {
    throw new RangeError(`source range ${srcOffset} + ${length} is past the end of ${src.length} bytes`);
  }
}

function base64Encode(src: Uint8Array, srcOffset: number, length: number, out: Uint8Array, outOffset: number): number {
  checkByteRanges('base64Encode', src, srcOffset, length, out, outOffset);
  const written = 4 * Math.ceil(length / 3);
  if (outOffset > out.length || written > out.length - outOffset) {
    throw new RangeError(`base64 output needs ${written} bytes at offset ${outOffset}; the buffer holds ${out.length}`);
  }
  // Node has no encoder into caller memory: one string, then a latin1 copy (every character is ASCII).
  const encoded = Buffer.from(src.buffer, src.byteOffset + srcOffset, length).toString('base64');
  const target = Buffer.from(out.buffer, out.byteOffset + outOffset, written);
  target.write(encoded, 0, written, 'latin1');
  return written;
}

const EQUALS = 0x3d;
/** Canonical standard base64 once padding is removed: the alphabet only, never a single leftover character. */
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2,3})?$/;

function base64Padding(src: Uint8Array, start: number, length: number): number {
  if (length === 0 || length % 4 !== 0 || src[start + length - 1] !== EQUALS) return 0;
  return src[start + length - 2] === EQUALS ? 2 : 1;
}

function base64Decode(src: Uint8Array, srcOffset: number, length: number, out: Uint8Array, outOffset: number): number {
  checkByteRanges('base64Decode', src, srcOffset, length, out, outOffset);
  const text = length - base64Padding(src, srcOffset, length);
  const decoded = Math.floor((text * 3) / 4);
  if (outOffset > out.length || decoded > out.length - outOffset) {
    throw new RangeError(`base64 output needs ${decoded} bytes at offset ${outOffset}; the buffer holds ${out.length}`);
  }
  const read = src.byteOffset + srcOffset;
  const write = out.byteOffset + outOffset;
  if (decoded > 0 && src.buffer === out.buffer && write < read + length && read < write + decoded) {
    throw new RangeError('base64Decode: the source and output ranges share memory');
  }
  // Node decodes only from strings: one latin1 copy of the text (its canonical form is ASCII).
  const chars = Buffer.from(src.buffer, read, text).toString('latin1');
  if (!BASE64_TEXT.test(chars)) return -1;
  return Buffer.from(out.buffer, write, decoded).write(chars, 0, decoded, 'base64');
}

/** The pure TypeScript Codec: always available, byte-identical to the native one. */
export const typescriptCodec: Codec = Object.freeze({
  implementation: 'typescript',
  hashPackedKeys,
  hashMessages,
  hashRanges,
  aggregateSize,
  encodeAggregate,
  encodeAggregates,
  lookupShards,
  base64Encode,
  base64Decode,
});
