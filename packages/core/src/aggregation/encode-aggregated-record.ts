import type { AggregateInput } from '../codec/aggregate-input.js';
import type { PackedStrings } from '../codec/packed-strings.js';
import { typescriptCodec } from '../codec/typescript-codec.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { normalizeHashKey } from '../hash-key/hash-key.js';
import { assertPartitionKey } from '../hash-key/partition-key.js';

/** One user record to aggregate. */
export interface AggregationRecord {
  readonly partitionKey: string;
  /** Decimal 0..2^128-1; written in canonical form ("007" becomes "7"). */
  readonly explicitHashKey?: string | undefined;
  readonly data: Uint8Array;
}

/**
 * Packing space reused across calls: the codec reads it synchronously and the result is a fresh
 * Buffer, so nothing escapes. Reuse matters because fresh memory costs a page fault per 4 KiB.
 * Buffers above SCRATCH_LIMIT are allocated per call so one huge aggregate does not pin memory.
 */
const SCRATCH_LIMIT = 2 * 1024 * 1024;
let dataScratch: Uint8Array = new Uint8Array(64 * 1024);
let keyScratch: Uint8Array = new Uint8Array(16 * 1024);
let ehkScratch: Uint8Array = new Uint8Array(1024);
let outScratch: Uint8Array = new Uint8Array(64 * 1024);

function scratch(current: Uint8Array, size: number): Uint8Array {
  if (size <= current.length) return current;
  return new Uint8Array(size);
}

/**
 * Builds one complete KPL aggregated record (magic + protobuf + MD5) from user records, validating
 * every field first. Throws InvalidArgumentError (or its InvalidPartitionKeyError/InvalidHashKeyError
 * subclasses) for an empty list, a bad key or non-binary data. Size limits are the caller's concern:
 * use AggregateSizer to fill a record up to a limit.
 */
export function encodeAggregatedRecord(records: readonly AggregationRecord[]): Buffer {
  if (!Array.isArray(records)) throw new InvalidArgumentError('records must be an array');
  const count = records.length;
  if (count === 0) throw new InvalidArgumentError('an aggregated record needs at least one user record');
  // Each field is read once, so getters or concurrent mutation cannot change a record between checks.
  const partitionKeyOf: string[] = new Array(count);
  const dataOf: Uint8Array[] = new Array(count);
  const explicitHashKeys: (string | undefined)[] = new Array(count);
  const dataOffsets = new Uint32Array(count + 1);
  let anyExplicitHashKey = false;
  let dataLength = 0;
  let keyUnits = 0;
  let ehkUnits = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i];
    if (record === null || typeof record !== 'object') {
      throw new InvalidArgumentError(`records[${i}] must be an object`);
    }
    const partitionKey = record.partitionKey;
    assertPartitionKey(partitionKey);
    partitionKeyOf[i] = partitionKey;
    keyUnits += partitionKey.length;
    const explicitHashKey = record.explicitHashKey;
    if (explicitHashKey !== undefined) {
      const ehk = normalizeHashKey(explicitHashKey);
      explicitHashKeys[i] = ehk;
      ehkUnits += ehk.length;
      anyExplicitHashKey = true;
    }
    const data = record.data;
    if (!(data instanceof Uint8Array)) {
      throw new InvalidArgumentError(`records[${i}].data must be a Uint8Array`);
    }
    dataOf[i] = data;
    dataLength += data.length;
    if (dataLength > 0xffff_ffff) throw new InvalidArgumentError('more than 4 GiB of data in one aggregate');
    dataOffsets[i + 1] = dataLength;
  }

  const data = scratch(dataScratch, dataLength);
  if (data.length <= SCRATCH_LIMIT) dataScratch = data;
  for (let i = 0; i < count; i++) data.set(dataOf[i] as Uint8Array, dataOffsets[i] as number);

  // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
  const keyBytes = scratch(keyScratch, keyUnits * 3);
  if (keyBytes.length <= SCRATCH_LIMIT) keyScratch = keyBytes;
  const partitionKeys = packInto(keyBytes, count, (i) => partitionKeyOf[i] as string);
  let packedEhks: PackedStrings | undefined;
  if (anyExplicitHashKey) {
    // Canonical hash keys are ASCII digits: one byte per unit.
    const ehkBytes = scratch(ehkScratch, ehkUnits);
    if (ehkBytes.length <= SCRATCH_LIMIT) ehkScratch = ehkBytes;
    packedEhks = packInto(ehkBytes, count, (i) => explicitHashKeys[i] ?? '');
  }

  const input: AggregateInput = {
    count,
    partitionKeys,
    explicitHashKeys: packedEhks,
    data: data.subarray(0, dataLength),
    dataOffsets,
  };
  // Encoding into reused space and copying out the exact bytes is cheaper than sizing first, which
  // would intern every key twice. Bound: each table entry and record adds at most 6 bytes of tag
  // and length per field on top of its key or data bytes.
  const bound =
    20 + dataLength + (partitionKeys.offsets[count] as number) + (packedEhks?.offsets[count] ?? 0) + count * 40;
  const out = scratch(outScratch, bound);
  if (out.length <= SCRATCH_LIMIT) outScratch = out;
  const written = typescriptCodec.encodeAggregate(input, out, 0);
  return Buffer.from(out.subarray(0, written));
}

/** Writes key(0..count-1) as UTF-8 into `bytes` (large enough), ASCII inline, the rest by Buffer#write. */
function packInto(bytes: Uint8Array, count: number, key: (i: number) => string): PackedStrings {
  const offsets = new Uint32Array(count + 1);
  let text: Buffer | undefined;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const s = key(i);
    const length = s.length;
    let k = 0;
    for (; k < length; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) break;
      bytes[pos + k] = c;
    }
    if (k === length) {
      pos += length;
    } else {
      text ??= Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      pos += text.write(s, pos, 'utf8');
    }
    offsets[i + 1] = pos;
  }
  return { count, bytes, offsets };
}
