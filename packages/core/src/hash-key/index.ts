export {
  compareHashKeyBytes,
  hashKeyBytesToDecimal,
  hashKeyFromBytes,
  hashKeyToBytes,
  MAX_HASH_KEY,
  normalizeHashKey,
  parseHashKey,
} from './hash-key.js';
export { type HashKeyRange, rangeContains, splitHashKeyRange } from './hash-key-range.js';
export {
  assertPartitionKey,
  MAX_PARTITION_KEY_LENGTH,
  partitionKeyHash,
  partitionKeyHashBytes,
} from './partition-key.js';
