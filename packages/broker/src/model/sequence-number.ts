/**
 * Sequence numbers are 56 decimal digits, like AWS's: `49`, a 20-digit broker-wide counter, the
 * 10-digit shard index, 13 digits of the stream's creation time and a fixed tail. All have the same
 * length, so string order is numeric order, and the counter comes first, so numbers grow within a shard
 * and from a parent shard to its children (children are created after the parent closes).
 */
export const SEQUENCE_NUMBER_LENGTH = 56;
const ZEROS = '00000000000000000000';
const TAIL = '00000000002';

export interface ParsedSequenceNumber {
  readonly counter: number;
  readonly shardIndex: number;
  readonly streamToken: number;
}

function pad(value: number, width: number): string {
  const s = String(value);
  return s.length >= width ? s : ZEROS.slice(0, width - s.length) + s;
}

/** The part after the counter, fixed per shard: computed once when the shard is made. */
export function sequenceSuffix(shardIndex: number, streamToken: number): string {
  return pad(shardIndex, 10) + pad(streamToken, 13) + TAIL;
}

const LOW = 1_000_000;
let cachedHigh = -1;
let cachedHead = '';

/**
 * Formats counter + suffix. Consecutive counters share their high digits, so only the low six digits
 * (a small integer, which V8 turns into a string cheaply) are converted per call.
 */
export function formatSequenceNumber(counter: number, suffix: string): string {
  const high = Math.floor(counter / LOW);
  if (high !== cachedHigh) {
    const h = String(high);
    cachedHead = `49${ZEROS.slice(h.length + 6)}${h}`;
    cachedHigh = high;
  }
  const low = String(counter - high * LOW);
  return `${cachedHead}${ZEROS.slice(low.length + 14)}${low}${suffix}`;
}

/** The 14 high digits of the 20-digit counter field for `writtenHigh` (consecutive counters share them). */
const highDigits = new Uint8Array(14);
let writtenHigh = -1;

/** Writes the 56 digits of `formatSequenceNumber(counter, suffix)`: `49`, 20 counter digits, suffix. */
export function writeSequenceDigits(out: Uint8Array, at: number, counter: number, suffix: Uint8Array): number {
  const high = Math.floor(counter / LOW);
  if (high !== writtenHigh) {
    let c = high;
    for (let k = 13; k >= 0; k--) {
      const q = Math.floor(c / 10);
      highDigits[k] = 0x30 + c - q * 10;
      c = q;
    }
    writtenHigh = high;
  }
  out[at] = 0x34;
  out[at + 1] = 0x39;
  for (let k = 0; k < 14; k++) out[at + 2 + k] = highDigits[k] as number;
  let low = counter - high * LOW;
  for (let k = at + 21; k > at + 15; k--) {
    const q = (low / 10) | 0;
    out[k] = 0x30 + low - q * 10;
    low = q;
  }
  for (let k = 0; k < suffix.length; k++) out[at + 22 + k] = suffix[k] as number;
  return at + 22 + suffix.length;
}

/** Undefined unless `value` has this broker's layout (it may still name another shard). */
export function parseSequenceNumber(value: string): ParsedSequenceNumber | undefined {
  if (value.length !== SEQUENCE_NUMBER_LENGTH || !/^49\d{54}$/.test(value) || !value.endsWith(TAIL)) return undefined;
  const counter = Number(value.slice(2, 22));
  if (!Number.isSafeInteger(counter)) return undefined;
  return { counter, shardIndex: Number(value.slice(22, 32)), streamToken: Number(value.slice(32, 45)) };
}

/** 13 digits derived from the stream's creation time, so a recreated stream rejects old numbers. */
export function streamTokenOf(createdMs: number): number {
  return Math.floor(createdMs) % 10_000_000_000_000;
}
