import { AGGREGATE_CHECKSUM_LENGTH, AGGREGATE_MAGIC } from '../codec/aggregate-format.js';

const MAGIC_LENGTH = AGGREGATE_MAGIC.length;

/**
 * The bytes an aggregate's MD5 trailer covers (between the magic and the trailer), as a view of `data`,
 * when `data` starts with the KPL magic and is long enough to be an aggregate; otherwise undefined.
 * Whether it is one still depends on the digest and the body (deaggregate decides).
 */
export function aggregateBody(data: Uint8Array): Uint8Array | undefined {
  if (
    data.length <= MAGIC_LENGTH + AGGREGATE_CHECKSUM_LENGTH ||
    data[0] !== AGGREGATE_MAGIC[0] ||
    data[1] !== AGGREGATE_MAGIC[1] ||
    data[2] !== AGGREGATE_MAGIC[2] ||
    data[3] !== AGGREGATE_MAGIC[3]
  ) {
    return undefined;
  }
  // A plain view: subarray() of a Buffer would build a Buffer.
  return new Uint8Array(
    data.buffer,
    data.byteOffset + MAGIC_LENGTH,
    data.length - MAGIC_LENGTH - AGGREGATE_CHECKSUM_LENGTH,
  );
}
