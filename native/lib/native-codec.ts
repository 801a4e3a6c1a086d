import type { AggregateInput, Codec, PackedStrings } from '@shardline/core';
import type { NativeBinding } from './native-binding.js';

/**
 * A Codec backed by the C++ addon. The wrapper only unpacks objects into the flat arguments the addon
 * reads in place; the addon re-checks every bound, so malformed input throws and never crashes.
 */
export function createNativeCodec(binding: NativeBinding): Codec {
  const {
    hashPackedKeys,
    hashMessages,
    hashRanges,
    aggregateSize,
    encodeAggregate,
    encodeAggregates,
    lookupShards,
    base64Encode,
    base64Decode,
  } = binding;
  return Object.freeze({
    implementation: 'native',
    hashPackedKeys(keys: PackedStrings, out: Uint8Array): void {
      if (keys === null || typeof keys !== 'object') throw new RangeError('keys must be a PackedStrings');
      hashPackedKeys.call(binding, keys.bytes, keys.offsets, keys.count, out);
    },
    hashMessages(messages: readonly Uint8Array[], out: Uint8Array): void {
      hashMessages.call(binding, messages, out);
    },
    hashRanges(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, count: number, out: Uint8Array): void {
      hashRanges.call(binding, bytes, starts, ends, count, out);
    },
    aggregateSize(input: AggregateInput): number {
      const hashKeys = checkInput(input);
      return aggregateSize.call(
        binding,
        input.partitionKeys.bytes,
        input.partitionKeys.offsets,
        hashKeys === undefined ? null : hashKeys.bytes,
        hashKeys === undefined ? null : hashKeys.offsets,
        input.data,
        input.dataOffsets,
        input.count,
      );
    },
    encodeAggregate(input: AggregateInput, out: Uint8Array, offset = 0): number {
      const hashKeys = checkInput(input);
      return encodeAggregate.call(
        binding,
        input.partitionKeys.bytes,
        input.partitionKeys.offsets,
        hashKeys === undefined ? null : hashKeys.bytes,
        hashKeys === undefined ? null : hashKeys.offsets,
        input.data,
        input.dataOffsets,
        input.count,
        out,
        offset,
      );
    },
    encodeAggregates(
      input: AggregateInput,
      bounds: Uint32Array,
      aggregateCount: number,
      out: Uint8Array,
      offset: number,
      sizes: Uint32Array,
    ): number {
      if (input === null || typeof input !== 'object') throw new RangeError('aggregate input must be an object');
      const { partitionKeys, explicitHashKeys } = input;
      if (partitionKeys === null || typeof partitionKeys !== 'object') {
        throw new RangeError('partitionKeys must be a PackedStrings');
      }
      if (explicitHashKeys !== undefined && (explicitHashKeys === null || typeof explicitHashKeys !== 'object')) {
        throw new RangeError('explicitHashKeys must be a PackedStrings');
      }
      return encodeAggregates.call(
        binding,
        partitionKeys.bytes,
        partitionKeys.offsets,
        explicitHashKeys === undefined ? null : explicitHashKeys.bytes,
        explicitHashKeys === undefined ? null : explicitHashKeys.offsets,
        input.data,
        input.dataOffsets,
        bounds,
        aggregateCount,
        out,
        offset,
        sizes,
      );
    },
    lookupShards(hashes: Uint8Array, count: number, rangeEnds: Uint8Array, shardCount: number, out: Uint32Array) {
      lookupShards.call(binding, hashes, count, rangeEnds, shardCount, out);
    },
    base64Encode(src: Uint8Array, srcOffset: number, length: number, out: Uint8Array, outOffset: number): number {
      return base64Encode.call(binding, src, srcOffset, length, out, outOffset);
    },
    base64Decode(src: Uint8Array, srcOffset: number, length: number, out: Uint8Array, outOffset: number): number {
      return base64Decode.call(binding, src, srcOffset, length, out, outOffset);
    },
  });
}

/** The object-level checks the addon cannot see (it gets no `count` per table), as typescriptCodec makes them. */
function checkInput(input: AggregateInput): PackedStrings | undefined {
  if (input === null || typeof input !== 'object') throw new RangeError('aggregate input must be an object');
  const { count, partitionKeys, explicitHashKeys } = input;
  if (partitionKeys === null || typeof partitionKeys !== 'object') {
    throw new RangeError('partitionKeys must be a PackedStrings');
  }
  if (partitionKeys.count !== count) {
    throw new RangeError(`partitionKeys.count is ${String(partitionKeys.count)}, expected ${String(count)}`);
  }
  if (explicitHashKeys === undefined) return undefined;
  if (explicitHashKeys === null || typeof explicitHashKeys !== 'object') {
    throw new RangeError('explicitHashKeys must be a PackedStrings');
  }
  if (explicitHashKeys.count !== count) {
    throw new RangeError(`explicitHashKeys.count is ${String(explicitHashKeys.count)}, expected ${String(count)}`);
  }
  return explicitHashKeys;
}
