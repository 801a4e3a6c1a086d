import {
  compareHashKeyBytes,
  hashKeyToBytes,
  InvalidArgumentError,
  InvalidHashKeyError,
  MAX_HASH_KEY,
} from '@shardline/core';
import { describeValue } from './describe-value.js';
import { getCodec } from './get-codec.js';

/**
 * For each 16-byte big-endian hash key in `hashes`, the index of the shard that owns it: the first shard
 * whose ending hash key (`rangeEnds`: 16 bytes each, or bigints, strictly ascending) is >= the key, or
 * `rangeEnds` count when the key is above every end. Written to `out` (returned) or a new array.
 */
export function lookupShards(
  hashes: Uint8Array,
  rangeEnds: Uint8Array | readonly bigint[],
  out?: Uint32Array,
): Uint32Array {
  if (!(hashes instanceof Uint8Array) || hashes.length % 16 !== 0) {
    throw new InvalidArgumentError(`hashes must be a Uint8Array of 16 bytes per key, got ${describeHashes(hashes)}`);
  }
  const ends = endsAsBytes(rangeEnds);
  const shardCount = ends.length / 16;
  if (shardCount === 0) throw new InvalidArgumentError('rangeEnds must name at least one shard');
  for (let s = 1; s < shardCount; s++) {
    if (compareHashKeyBytes(ends, (s - 1) * 16, ends, s * 16) >= 0) {
      throw new InvalidArgumentError(`rangeEnds must be strictly ascending; entry ${s} is not above entry ${s - 1}`);
    }
  }
  const count = hashes.length / 16;
  if (out === undefined) {
    out = new Uint32Array(count);
  } else if (!(out instanceof Uint32Array) || out.length < count) {
    throw new InvalidArgumentError(`out must be a Uint32Array of at least ${count} entries, got ${describeValue(out)}`);
  }
  getCodec().lookupShards(hashes, count, ends, shardCount, out);
  return out;
}

function endsAsBytes(rangeEnds: Uint8Array | readonly bigint[]): Uint8Array {
  if (rangeEnds instanceof Uint8Array) {
    if (rangeEnds.length % 16 !== 0) throw new InvalidArgumentError('rangeEnds must hold 16 bytes per shard');
    return rangeEnds;
  }
  if (!Array.isArray(rangeEnds)) {
    throw new InvalidArgumentError(
      `rangeEnds must be a Uint8Array or an array of bigints, got ${describeValue(rangeEnds)}`,
    );
  }
  const bytes = new Uint8Array(rangeEnds.length * 16);
  for (let s = 0; s < rangeEnds.length; s++) {
    const end: unknown = rangeEnds[s];
    if (typeof end !== 'bigint' || end < 0n || end > MAX_HASH_KEY) {
      throw new InvalidHashKeyError(`rangeEnds[${s}] must be a bigint in 0..2^128-1`);
    }
    hashKeyToBytes(end, bytes, s * 16);
  }
  return bytes;
}

function describeHashes(hashes: unknown): string {
  return hashes instanceof Uint8Array ? `${hashes.length} bytes` : describeValue(hashes);
}
