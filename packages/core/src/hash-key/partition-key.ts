import { hash } from 'node:crypto';
import { InvalidPartitionKeyError } from '../errors/invalid-partition-key-error.js';

/** Kinesis limits partition keys to 256 characters (UTF-16 code units, as the Java KPL counts them). */
export const MAX_PARTITION_KEY_LENGTH = 256;

/** Throws InvalidPartitionKeyError unless `key` is a string of 1 to 256 characters. */
export function assertPartitionKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new InvalidPartitionKeyError(`partition key must be a string, got ${key === null ? 'null' : typeof key}`);
  }
  if (key.length === 0) throw new InvalidPartitionKeyError('partition key must not be empty');
  if (key.length > MAX_PARTITION_KEY_LENGTH) {
    throw new InvalidPartitionKeyError(
      `partition key is ${key.length} characters; Kinesis allows at most ${MAX_PARTITION_KEY_LENGTH}`,
    );
  }
}

/**
 * MD5 of the key's UTF-8 bytes: the 128-bit hash key Kinesis routes a record by, as 16 big-endian bytes.
 * One call per key; batch paths use the codec's hashPackedKeys instead.
 */
export function partitionKeyHashBytes(key: string): Buffer {
  assertPartitionKey(key);
  return hash('md5', key, 'buffer') as unknown as Buffer;
}

/** MD5 of the key's UTF-8 bytes as an unsigned 128-bit integer. */
export function partitionKeyHash(key: string): bigint {
  const bytes = partitionKeyHashBytes(key);
  return (bytes.readBigUInt64BE(0) << 64n) | bytes.readBigUInt64BE(8);
}
