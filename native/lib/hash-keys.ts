import {
  InvalidArgumentError,
  InvalidPartitionKeyError,
  MAX_PARTITION_KEY_LENGTH,
  type PackedStrings,
} from '@shardline/core';
import { describeValue } from './describe-value.js';
import { getCodec } from './get-codec.js';
import { MAX_RECORDS, validatePackedKeys } from './packed-validation.js';
import { ScratchBytes, ScratchOffsets } from './scratch.js';
import { writeUtf8 } from './write-utf8.js';

const keyBytes = new ScratchBytes();
const keyOffsets = new ScratchOffsets();

/**
 * MD5 of each partition key's UTF-8 bytes (the 128-bit hash key Kinesis routes by), 16 big-endian bytes
 * per key, written to `out` (returned) or to a new array. Keys must be strings of 1 to 256 characters
 * (InvalidPartitionKeyError); packed keys must be 1 to 1024 bytes each.
 */
export function hashKeys(keys: readonly string[] | PackedStrings, out?: Uint8Array): Uint8Array {
  const packed = Array.isArray(keys) ? packKeys(keys as readonly string[]) : checkPacked(keys as PackedStrings);
  const needed = packed.count * 16;
  if (out === undefined) {
    out = new Uint8Array(needed);
  } else if (!(out instanceof Uint8Array)) {
    throw new InvalidArgumentError(`out must be a Uint8Array, got ${describeValue(out)}`);
  } else if (out.length < needed) {
    throw new InvalidArgumentError(`out holds ${out.length} bytes; ${packed.count} keys need ${needed}`);
  }
  getCodec().hashPackedKeys(packed, out);
  return out;
}

function checkPacked(keys: PackedStrings): PackedStrings {
  if (keys === null || typeof keys !== 'object') {
    throw new InvalidArgumentError(`keys must be an array of strings or a PackedStrings, got ${describeValue(keys)}`);
  }
  validatePackedKeys(keys);
  return keys;
}

function packKeys(keys: readonly string[]): PackedStrings {
  const count = keys.length;
  if (count > MAX_RECORDS) throw new InvalidArgumentError(`at most ${MAX_RECORDS} keys per call`);
  // Validate and size first, so the copy loop below needs no per-key capacity checks.
  let units = 0;
  for (let i = 0; i < count; i++) {
    const key = keys[i];
    if (typeof key !== 'string') {
      throw new InvalidPartitionKeyError(`key ${i} must be a string, got ${describeValue(key)}`);
    }
    if (key.length === 0 || key.length > MAX_PARTITION_KEY_LENGTH) {
      throw new InvalidPartitionKeyError(
        `key ${i} must be 1 to ${MAX_PARTITION_KEY_LENGTH} characters, got ${key.length}`,
      );
    }
    units += key.length;
  }
  const bytes = keyBytes.reserve(units * 3, 0);
  const offsets = keyOffsets.reserve(count + 1);
  offsets[0] = 0;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    pos = writeUtf8(bytes, pos, keys[i] as string);
    offsets[i + 1] = pos;
  }
  return { count, bytes, offsets };
}
