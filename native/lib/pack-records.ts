import {
  type AggregateInput,
  InvalidArgumentError,
  InvalidHashKeyError,
  InvalidPartitionKeyError,
  MAX_HASH_KEY,
  MAX_PARTITION_KEY_LENGTH,
  normalizeHashKey,
  RecordTooLargeError,
} from '@shardline/core';
import type { AggregateRecord } from './aggregate-record.js';
import { describeValue } from './describe-value.js';
import { MAX_RECORDS } from './packed-validation.js';
import { ScratchBytes, ScratchOffsets } from './scratch.js';
import { fieldLength, varintLength } from './varint-length.js';
import { writeUtf8 } from './write-utf8.js';

const MAX_PACKED_BYTES = 0xffff_ffff;

const keyBytes = new ScratchBytes();
const keyOffsets = new ScratchOffsets();
const hashKeyBytes = new ScratchBytes();
const hashKeyOffsets = new ScratchOffsets();
const dataBytes = new ScratchBytes();
const dataOffsets = new ScratchOffsets();

export interface PackedRecords {
  readonly input: AggregateInput;
  /** Encoded size if no key repeated: an upper bound of the exact size. */
  readonly sizeBound: number;
}

/**
 * Validates user records and packs them into module scratch buffers in one pass. The result is valid
 * only until the next call: callers hand it to the codec immediately.
 */
export function packRecords(records: readonly AggregateRecord[]): PackedRecords {
  const count = records.length;
  if (count === 0) throw new InvalidArgumentError('an aggregated record needs at least one user record');
  if (count > MAX_RECORDS) throw new InvalidArgumentError(`at most ${MAX_RECORDS} records per aggregate`);
  const pkOffsets = keyOffsets.reserve(count + 1);
  const ehkOffsets = hashKeyOffsets.reserve(count + 1);
  const offsets = dataOffsets.reserve(count + 1);
  pkOffsets[0] = 0;
  ehkOffsets[0] = 0;
  offsets[0] = 0;
  let pkPos = 0;
  let ehkPos = 0;
  let dataPos = 0;
  let anyHashKey = false;
  let bound = 20;

  for (let i = 0; i < count; i++) {
    const record = records[i];
    if (record === null || typeof record !== 'object') {
      throw new InvalidArgumentError(`record ${i} must be an object, got ${describeValue(record)}`);
    }
    const key = record.partitionKey;
    if (typeof key !== 'string') {
      throw new InvalidPartitionKeyError(`record ${i}: partition key must be a string, got ${describeValue(key)}`);
    }
    if (key.length === 0 || key.length > MAX_PARTITION_KEY_LENGTH) {
      throw new InvalidPartitionKeyError(
        `record ${i}: partition key must be 1 to ${MAX_PARTITION_KEY_LENGTH} characters, got ${key.length}`,
      );
    }
    const keyStart = pkPos;
    pkPos = writeUtf8(keyBytes.reserve(pkPos + key.length * 3, pkPos), pkPos, key);
    pkOffsets[i + 1] = pkPos;

    const hashKey = record.explicitHashKey;
    let hashKeyLength = 0;
    if (hashKey !== undefined) {
      const digits = canonicalHashKey(hashKey, i);
      hashKeyLength = digits.length;
      hashKeyBytes.reserve(ehkPos + hashKeyLength, ehkPos).write(digits, ehkPos, 'latin1');
      ehkPos += hashKeyLength;
      anyHashKey = true;
    }
    ehkOffsets[i + 1] = ehkPos;

    const data = record.data;
    const dataStart = dataPos;
    if (data instanceof Uint8Array) {
      if (dataPos + data.length > MAX_PACKED_BYTES) throw tooMuchData(dataPos + data.length);
      dataBytes.reserve(dataPos + data.length, dataPos).set(data, dataPos);
      dataPos += data.length;
    } else if (typeof data === 'string') {
      if (dataPos + data.length * 3 > MAX_PACKED_BYTES) throw tooMuchData(dataPos + data.length * 3);
      dataPos = writeUtf8(dataBytes.reserve(dataPos + data.length * 3, dataPos), dataPos, data);
    } else {
      throw new InvalidArgumentError(`record ${i}: data must be a Uint8Array or a string, got ${describeValue(data)}`);
    }
    offsets[i + 1] = dataPos;

    // Record i's table indexes are at most i, so sizing them as i bounds the real varints from above.
    const index = varintLength(i);
    let body = 1 + index + fieldLength(dataPos - dataStart);
    if (hashKeyLength > 0) {
      body += 1 + index;
      bound += fieldLength(hashKeyLength);
    }
    bound += fieldLength(pkPos - keyStart) + fieldLength(body);
  }

  const input: AggregateInput = {
    count,
    partitionKeys: { count, bytes: keyBytes.buffer, offsets: pkOffsets },
    explicitHashKeys: anyHashKey ? { count, bytes: hashKeyBytes.buffer, offsets: ehkOffsets } : undefined,
    data: dataBytes.buffer,
    dataOffsets: offsets,
  };
  return { input, sizeBound: bound };
}

function canonicalHashKey(value: string | bigint, record: number): string {
  if (typeof value === 'bigint') {
    if (value < 0n || value > MAX_HASH_KEY) {
      throw new InvalidHashKeyError(`record ${record}: explicit hash key is outside 0..2^128-1`);
    }
    return value.toString();
  }
  try {
    return normalizeHashKey(value);
  } catch (error) {
    if (error instanceof InvalidHashKeyError) throw new InvalidHashKeyError(`record ${record}: ${error.message}`);
    throw error;
  }
}

function tooMuchData(size: number): RecordTooLargeError {
  return new RecordTooLargeError(
    `records carry ${size} bytes of data; one call packs at most 4 GiB`,
    size,
    MAX_PACKED_BYTES,
  );
}
