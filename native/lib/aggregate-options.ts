import { InvalidConfigError } from '@shardline/core';

export interface AggregateOptions {
  /** Largest complete aggregated record (magic + protobuf + MD5) accepted, in bytes. Default 1 MiB. */
  readonly maxSize?: number;
}

/** Defaults of the aggregate functions' options. 1 MiB is Kinesis's per-record cap. */
export const AGGREGATE_DEFAULTS = Object.freeze({
  maxSize: 1_048_576,
});

/** Largest maxSize accepted: 10 MiB records exist on some streams; this leaves ample room. */
const MAX_MAX_SIZE = 0x7fff_ffff;

export function resolveMaxSize(options: AggregateOptions | undefined): number {
  if (options === undefined) return AGGREGATE_DEFAULTS.maxSize;
  if (options === null || typeof options !== 'object') throw new InvalidConfigError('options must be an object');
  const maxSize = options.maxSize ?? AGGREGATE_DEFAULTS.maxSize;
  if (!Number.isInteger(maxSize) || maxSize < 21 || maxSize > MAX_MAX_SIZE) {
    throw new InvalidConfigError(`maxSize must be an integer in 21..${MAX_MAX_SIZE}, got ${String(maxSize)}`);
  }
  return maxSize;
}
