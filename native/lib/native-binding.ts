/**
 * The raw functions exported by shardline_native.node. They take flat, packed arguments (read in place,
 * never copied) and check every bound themselves, throwing TypeError/RangeError rather than crashing.
 */
export interface NativeBinding {
  /** Version of this argument contract; a binary reporting another value is refused. */
  readonly abi: number;
  hashPackedKeys(bytes: Uint8Array, offsets: Uint32Array, count: number, out: Uint8Array): void;
  hashMessages(messages: readonly Uint8Array[], out: Uint8Array): void;
  hashRanges(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, count: number, out: Uint8Array): void;
  aggregateSize(
    keyBytes: Uint8Array,
    keyOffsets: Uint32Array,
    hashKeyBytes: Uint8Array | null,
    hashKeyOffsets: Uint32Array | null,
    data: Uint8Array,
    dataOffsets: Uint32Array,
    count: number,
  ): number;
  encodeAggregate(
    keyBytes: Uint8Array,
    keyOffsets: Uint32Array,
    hashKeyBytes: Uint8Array | null,
    hashKeyOffsets: Uint32Array | null,
    data: Uint8Array,
    dataOffsets: Uint32Array,
    count: number,
    out: Uint8Array,
    offset: number,
  ): number;
  encodeAggregates(
    keyBytes: Uint8Array,
    keyOffsets: Uint32Array,
    hashKeyBytes: Uint8Array | null,
    hashKeyOffsets: Uint32Array | null,
    data: Uint8Array,
    dataOffsets: Uint32Array,
    bounds: Uint32Array,
    aggregateCount: number,
    out: Uint8Array,
    offset: number,
    sizes: Uint32Array,
  ): number;
  lookupShards(hashes: Uint8Array, count: number, rangeEnds: Uint8Array, shardCount: number, out: Uint32Array): void;
  base64Encode(src: Uint8Array, srcOffset: number, length: number, out: Uint8Array, outOffset: number): number;
  base64Decode(src: Uint8Array, srcOffset: number, length: number, out: Uint8Array, outOffset: number): number;
  /** Process-wide allocator setting (glibc's trim and mmap thresholds); false where it does not apply. */
  retainFreedMemory(trimThreshold: number): boolean;
}

/** The argument contract this loader speaks (src/addon.cc kBindingAbi). */
export const BINDING_ABI = 4;

const FUNCTIONS = [
  'hashPackedKeys',
  'hashMessages',
  'hashRanges',
  'aggregateSize',
  'encodeAggregate',
  'encodeAggregates',
  'lookupShards',
  'base64Encode',
  'base64Decode',
  'retainFreedMemory',
] as const;
/** MD5("abc") from RFC 1321's test suite. */
const SELF_TEST_DIGEST = '900150983cd24fb0d6963f7d28e17f72';

/**
 * Returns `value` as a NativeBinding, or throws an Error saying why it is not one: wrong exports, another
 * ABI, or a binary whose MD5 disagrees with the RFC (a miscompiled build must not route records).
 */
export function asNativeBinding(value: unknown): NativeBinding {
  if (value === null || typeof value !== 'object') throw new Error('the module exports no object');
  const candidate = value as Record<string, unknown>;
  for (const name of FUNCTIONS) {
    if (typeof candidate[name] !== 'function') throw new Error(`the module has no ${name}() function`);
  }
  if (candidate.abi !== BINDING_ABI) {
    throw new Error(`the module speaks binding ABI ${String(candidate.abi)}, this loader needs ${BINDING_ABI}`);
  }
  const binding = value as NativeBinding;
  const digest = new Uint8Array(16);
  binding.hashPackedKeys(Uint8Array.of(0x61, 0x62, 0x63), Uint32Array.of(0, 3), 1, digest);
  if (Buffer.from(digest).toString('hex') !== SELF_TEST_DIGEST) throw new Error('the module failed its MD5 self-test');
  return binding;
}
