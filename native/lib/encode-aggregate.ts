import { type AggregateInput, InvalidArgumentError, InvalidConfigError, RecordTooLargeError } from '@shardline/core';
import { type AggregateOptions, resolveMaxSize } from './aggregate-options.js';
import type { AggregateRecord } from './aggregate-record.js';
import { describeValue } from './describe-value.js';
import { getCodec } from './get-codec.js';
import { prepareAggregate } from './prepare-aggregate.js';
import { ScratchBytes } from './scratch.js';

const encodeScratch = new ScratchBytes();

export interface EncodeAggregateOptions extends AggregateOptions {
  /** Where in `out` to write. Default 0. */
  readonly offset?: number;
}

/**
 * Encodes user records as one KPL aggregated record (magic + protobuf + MD5), with the active codec.
 * Returns the bytes written: a view of `out` when given, else a new buffer of exactly the record's size.
 * Throws RecordTooLargeError when the record would exceed `maxSize`, and a typed InvalidArgumentError
 * subclass for any bad record, before native code sees anything.
 */
export function encodeAggregate(
  records: readonly AggregateRecord[] | AggregateInput,
  out?: Uint8Array,
  options?: EncodeAggregateOptions,
): Uint8Array {
  const maxSize = resolveMaxSize(options);
  const offset = options?.offset ?? 0;
  if (out !== undefined && !(out instanceof Uint8Array)) {
    throw new InvalidArgumentError(`out must be a Uint8Array, got ${describeValue(out)}`);
  }
  const room = out === undefined ? Number.POSITIVE_INFINITY : out.length - offset;
  if (!Number.isInteger(offset) || offset < 0 || room < 0) {
    throw new InvalidConfigError(`offset must be an integer in 0..out.length, got ${String(offset)}`);
  }
  const { input, sizeBound } = prepareAggregate(records);
  const codec = getCodec();
  // The bound is exact unless keys repeat; when it already fits, one native call does everything.
  if (sizeBound <= maxSize) {
    if (out === undefined) {
      // Encoding into reused memory and copying out once is cheaper than a separate sizing pass.
      const scratch = encodeScratch.reserve(sizeBound, 0);
      const written = codec.encodeAggregate(input, scratch, 0);
      const result = Buffer.allocUnsafe(written);
      scratch.copy(result, 0, 0, written);
      return result;
    }
    if (sizeBound <= room) {
      const written = codec.encodeAggregate(input, out, offset);
      return out.subarray(offset, offset + written);
    }
  }
  const size = codec.aggregateSize(input);
  if (size > maxSize) {
    throw new RecordTooLargeError(
      `${input.count} records make a ${size}-byte aggregated record; maxSize is ${maxSize}`,
      size,
      maxSize,
    );
  }
  if (out === undefined) {
    const target = Buffer.allocUnsafe(size);
    codec.encodeAggregate(input, target, 0);
    return target;
  }
  if (size > room) {
    throw new InvalidArgumentError(`out has ${room} bytes from offset ${offset}; the aggregated record needs ${size}`);
  }
  const written = codec.encodeAggregate(input, out, offset);
  return out.subarray(offset, offset + written);
}
