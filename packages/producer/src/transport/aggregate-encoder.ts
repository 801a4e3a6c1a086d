import type { Codec } from '@shardline/core';
import { PACKED_AGGREGATED, type PackedRequest } from './packed-request.js';

/**
 * Encodes the aggregates of one packed PutRecords request with a single codec call (which digests their
 * MD5 trailers together) into a reused scratch buffer, back to back in request order.
 */
export class AggregateEncoder {
  readonly #codec: Codec;
  #out = Buffer.allocUnsafeSlow(64 * 1024);
  #sizes = new Uint32Array(64);

  constructor(codec: Codec) {
    this.#codec = codec;
  }

  /**
   * Encodes `packed`'s aggregates and stores their exact sizes in packed.sizes. Returns the scratch
   * buffer holding them; it is valid until the next call.
   */
  encode(packed: PackedRequest): Buffer {
    const aggregates = packed.aggregates;
    if (aggregates === 0) return this.#out;
    let bound = 0;
    for (let i = 0; i < packed.records; i++)
      if (((packed.flags[i] as number) & PACKED_AGGREGATED) !== 0) bound += packed.sizes[i] as number;
    // The builders' size bounds (never below the exact sizes) size the scratch.
    if (this.#out.length < bound) this.#out = Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(bound)));
    if (this.#sizes.length < aggregates) this.#sizes = new Uint32Array(2 ** Math.ceil(Math.log2(aggregates)));
    const count = packed.aggregatedMembers;
    const input = {
      count,
      partitionKeys: { count, bytes: packed.pkBytes, offsets: packed.pkOffsets },
      data: packed.data,
      dataOffsets: packed.dataOffsets,
      ...(packed.ehkTotal > 0
        ? { explicitHashKeys: { count, bytes: packed.ehkBytes, offsets: packed.ehkOffsets } }
        : {}),
    };
    this.#codec.encodeAggregates(input, packed.bounds, aggregates, this.#out, 0, this.#sizes);
    packed.setAggregateSizes(this.#sizes);
    return this.#out;
  }
}
