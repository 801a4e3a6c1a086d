import type { AggregateInput } from './aggregate-input.js';
import type { PackedStrings } from './packed-strings.js';

/**
 * The hot-path operations, implemented twice with byte-identical results: in C++ (@shardline/native)
 * and in TypeScript (typescriptCodec). These low-level methods trust their caller for semantics
 * (key lengths, decimal hash keys) but never read or write out of bounds: bad offsets throw.
 */
export interface Codec {
  readonly implementation: 'native' | 'typescript';

  /** Writes MD5(key i) as 16 big-endian bytes at out[16 i]. `out` must hold 16 × count bytes. */
  hashPackedKeys(keys: PackedStrings, out: Uint8Array): void;

  /**
   * Writes MD5(messages[i]) as 16 bytes at out[16 i]: independent messages digested together (the native
   * codec runs up to eight in SIMD lanes, about 4x one-at-a-time on long messages). Throws when an entry
   * is not a Uint8Array or `out` is too small.
   */
  hashMessages(messages: readonly Uint8Array[], out: Uint8Array): void;

  /**
   * Writes MD5(bytes[starts[i] .. ends[i])) at out[16 i] for i < count: keys hashed where they lie (a
   * table inside an aggregate) instead of being copied together first. Throws RangeError on a range
   * outside `bytes`, arrays shorter than `count` or a short `out`.
   */
  hashRanges(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, count: number, out: Uint8Array): void;

  /** Exact byte size of the complete aggregated record (magic + protobuf + MD5) for `input`. */
  aggregateSize(input: AggregateInput): number;

  /**
   * Writes the complete aggregated record for `input` into `out` at `offset` and returns the number
   * of bytes written (equal to aggregateSize). Throws RangeError when `out` is too small.
   */
  encodeAggregate(input: AggregateInput, out: Uint8Array, offset?: number): number;

  /**
   * Writes several aggregated records back to back into `out` from `offset`. Aggregate j holds the
   * records bounds[j] .. bounds[j + 1] - 1 of `input` (whose `count` covers them all) and is the same
   * bytes encodeAggregate writes for them alone; its length goes to sizes[j]. Returns the bytes written
   * in all. One call per PutRecords request: the native codec computes the MD5 trailers of all
   * aggregates together. Throws RangeError on bad bounds or when `out` is too small.
   */
  encodeAggregates(
    input: AggregateInput,
    bounds: Uint32Array,
    aggregateCount: number,
    out: Uint8Array,
    offset: number,
    sizes: Uint32Array,
  ): number;

  /**
   * For each of `count` 16-byte big-endian hash keys in `hashes`, writes to out[i] the index of the
   * first shard whose ending hash key (16 bytes each in `rangeEnds`, ascending) is >= the hash, or
   * `shardCount` when the hash is above every end.
   */
  lookupShards(hashes: Uint8Array, count: number, rangeEnds: Uint8Array, shardCount: number, out: Uint32Array): void;

  /**
   * Writes bytes src[srcOffset .. srcOffset + length) as standard base64 (RFC 4648 alphabet, '='
   * padding) into `out` at `outOffset` and returns the number of characters written, 4 × ceil(length / 3).
   * Throws RangeError when the source range or the output room is out of bounds. `src` and `out` must
   * not overlap.
   */
  base64Encode(src: Uint8Array, srcOffset: number, length: number, out: Uint8Array, outOffset: number): number;

  /**
   * Decodes the characters src[srcOffset .. srcOffset + length) as standard base64 (RFC 4648 alphabet)
   * into `out` at `outOffset` and returns the number of bytes written, or -1 when the text is not
   * canonical: a character outside the alphabet, a '=' other than one or two final ones at a length
   * divisible by 4, or a single character left over (length % 4 == 1 once padding is removed). Unpadded
   * text is accepted, and set bits beyond the data in the last character are ignored, as Buffer does.
   * After -1 the output range holds partial output. The output range is
   * [outOffset, outOffset + decodedLength), where decodedLength is 3 × (length − padding) / 4 rounded
   * down; throws RangeError when the source range or the output range is out of bounds, or when they
   * share memory.
   */
  base64Decode(src: Uint8Array, srcOffset: number, length: number, out: Uint8Array, outOffset: number): number;
}
