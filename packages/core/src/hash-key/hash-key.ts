import { InvalidHashKeyError } from '../errors/invalid-hash-key-error.js';

/** The largest hash key Kinesis accepts: 2^128 - 1. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;
/** Decimal digits of 2^128 - 1 (340282366920938463463374607431768211455). */
const MAX_DIGITS = 39;
const MAX_HASH_KEY_DECIMAL = MAX_HASH_KEY.toString();

/**
 * Parses a decimal explicit hash key ("007" is 7). Throws InvalidHashKeyError unless the value is a
 * string of ASCII digits whose value lies in 0..2^128-1.
 */
export function parseHashKey(value: unknown): bigint {
  return BigInt(normalizeHashKey(value));
}

/** Canonical decimal form of an explicit hash key, as the KPL writes it ("007" becomes "7"). */
export function normalizeHashKey(value: unknown): string {
  if (typeof value !== 'string') {
    throw new InvalidHashKeyError(`explicit hash key must be a decimal string, got ${describe(value)}`);
  }
  const length = value.length;
  if (length === 0) throw new InvalidHashKeyError('explicit hash key must not be empty');
  let start = 0;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) {
      throw new InvalidHashKeyError(
        `explicit hash key must contain only the digits 0-9, got ${JSON.stringify(clip(value))}`,
      );
    }
    if (c === 48 && start === i && i < length - 1) start = i + 1;
  }
  const digits = start === 0 ? value : value.slice(start);
  if (digits.length > MAX_DIGITS || (digits.length === MAX_DIGITS && digits > MAX_HASH_KEY_DECIMAL)) {
    throw new InvalidHashKeyError(`explicit hash key ${JSON.stringify(clip(value))} is above 2^128-1`);
  }
  return digits;
}

/** Writes a hash key as 16 big-endian bytes. */
export function hashKeyToBytes(value: bigint | string, out: Uint8Array = new Uint8Array(16), offset = 0): Uint8Array {
  const key = typeof value === 'bigint' ? value : parseHashKey(value);
  if (key < 0n || key > MAX_HASH_KEY) throw new InvalidHashKeyError(`hash key ${key} is outside 0..2^128-1`);
  if (offset < 0 || offset + 16 > out.length) throw new RangeError('hash key output does not fit in the buffer');
  const view = new DataView(out.buffer, out.byteOffset + offset, 16);
  view.setBigUint64(0, key >> 64n);
  view.setBigUint64(8, key & 0xffff_ffff_ffff_ffffn);
  return out;
}

/** Reads 16 big-endian bytes as an unsigned 128-bit integer. */
export function hashKeyFromBytes(bytes: Uint8Array, offset = 0): bigint {
  if (offset < 0 || offset + 16 > bytes.length) throw new RangeError('hash key bytes out of range');
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 16);
  return (view.getBigUint64(0) << 64n) | view.getBigUint64(8);
}

/** Decimal string of 16 big-endian hash-key bytes. */
export function hashKeyBytesToDecimal(bytes: Uint8Array, offset = 0): string {
  return hashKeyFromBytes(bytes, offset).toString();
}

/** Compares two 16-byte big-endian hash keys; negative, zero or positive like Array#sort. */
export function compareHashKeyBytes(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): number {
  if (aOffset < 0 || aOffset + 16 > a.length || bOffset < 0 || bOffset + 16 > b.length) {
    throw new RangeError('hash key bytes out of range');
  }
  for (let i = 0; i < 16; i++) {
    const d = (a[aOffset + i] as number) - (b[bOffset + i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return typeof value;
}
