import { InvalidCheckpointError } from '../errors/invalid-checkpoint-error.js';
import type { ExtendedSequenceNumber } from '../types.js';

// The KCL's order: AT_TIMESTAMP < TRIM_HORIZON < LATEST < any sequence number < SHARD_END.
const SENTINEL_RANK: Readonly<Record<string, bigint>> = Object.freeze({
  AT_TIMESTAMP: -3n,
  TRIM_HORIZON: -2n,
  LATEST: -1n,
});

const DIGITS = /^\d{1,128}$/;

export function isSequenceNumber(value: string): boolean {
  return DIGITS.test(value);
}

function rank(value: string): bigint {
  if (value === 'SHARD_END') return 1n << 512n;
  const sentinel = SENTINEL_RANK[value];
  if (sentinel !== undefined) return sentinel;
  return BigInt(value);
}

/** Negative, zero or positive as a is before, equal to or after b. */
export function compareExtended(a: ExtendedSequenceNumber, b: ExtendedSequenceNumber): number {
  const ra = rank(a.sequenceNumber);
  const rb = rank(b.sequenceNumber);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return a.subSequenceNumber - b.subSequenceNumber;
}

/** Validates a checkpoint value: digits or a sentinel, and a non-negative integer sub-sequence. */
export function assertCheckpointValue(value: ExtendedSequenceNumber): void {
  const { sequenceNumber, subSequenceNumber } = value;
  if (
    typeof sequenceNumber !== 'string' ||
    !(isSequenceNumber(sequenceNumber) || sequenceNumber === 'SHARD_END' || sequenceNumber in SENTINEL_RANK)
  ) {
    throw new InvalidCheckpointError(
      `checkpoint must be a sequence number (digits) or a sentinel, got ${JSON.stringify(sequenceNumber)}`,
    );
  }
  if (!Number.isSafeInteger(subSequenceNumber) || subSequenceNumber < 0) {
    throw new InvalidCheckpointError(
      `subSequenceNumber must be a non-negative integer, got ${String(subSequenceNumber)}`,
    );
  }
}
