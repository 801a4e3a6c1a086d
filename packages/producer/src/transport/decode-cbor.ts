import { AwsServiceError } from '@shardline/core';

const UTF8 = new TextDecoder('utf-8', { fatal: false });
/** Nesting beyond this is not an AWS answer: refuse it rather than recurse without bound. */
const MAX_DEPTH = 64;

/**
 * Decodes one CBOR data item (RFC 8949) into plain JS values, as JSON.parse would give for the JSON
 * form of an AWS answer: maps with text keys become objects, byte strings Uint8Arrays, tags are
 * dropped (their content kept), integers beyond 2^53 become (inexact) numbers. Throws an
 * AwsServiceError (InternalFailure, retriable) on malformed or truncated input.
 */
export function decodeCbor(bytes: Uint8Array): unknown {
  const reader = { bytes, at: 0 };
  const value = readItem(reader, 0);
  if (reader.at !== bytes.length) malformed('trailing bytes after the CBOR item');
  return value;
}

interface Reader {
  readonly bytes: Uint8Array;
  at: number;
}

const BREAK = Symbol('break');

function malformed(why: string): never {
  throw new AwsServiceError('InternalFailure', `answer is not valid CBOR: ${why}`, { retriable: true });
}

function byte(r: Reader): number {
  if (r.at >= r.bytes.length) malformed('truncated');
  return r.bytes[r.at++] as number;
}

/** The argument of a head whose additional information is `info`; -1 for indefinite length. */
function argument(r: Reader, info: number): number {
  if (info < 24) return info;
  if (info === 24) return byte(r);
  if (info === 25) return byte(r) * 0x100 + byte(r);
  if (info === 26) return ((byte(r) << 24) >>> 0) + (byte(r) << 16) + (byte(r) << 8) + byte(r);
  if (info === 27) {
    let value = 0;
    for (let i = 0; i < 8; i++) value = value * 256 + byte(r);
    return value;
  }
  if (info === 31) return -1;
  return malformed(`reserved additional information ${info}`);
}

function take(r: Reader, length: number): Uint8Array {
  if (length > r.bytes.length - r.at) malformed('truncated string');
  const view = r.bytes.subarray(r.at, r.at + length);
  r.at += length;
  return view;
}

function readString(r: Reader, major: number, info: number, depth: number): Uint8Array | string {
  const length = argument(r, info);
  let bytes: Uint8Array;
  if (length >= 0) {
    bytes = take(r, length);
  } else {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const chunk = readItem(r, depth + 1, true);
      if (chunk === BREAK) break;
      if (major === 2 ? !(chunk instanceof Uint8Array) : typeof chunk !== 'string') malformed('bad string chunk');
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array));
    }
    bytes = Buffer.concat(chunks);
  }
  return major === 2 ? Uint8Array.from(bytes) : UTF8.decode(bytes);
}

function readItem(r: Reader, depth: number, allowBreak = false): unknown {
  if (depth > MAX_DEPTH) malformed('nested too deeply');
  const head = byte(r);
  const major = head >> 5;
  const info = head & 31;
  switch (major) {
    case 0:
      return argument(r, info);
    case 1:
      return -1 - argument(r, info);
    case 2:
    case 3:
      return readString(r, major, info, depth);
    case 4: {
      const length = argument(r, info);
      const items: unknown[] = [];
      for (let i = 0; length < 0 || i < length; i++) {
        const item = readItem(r, depth + 1, length < 0);
        if (item === BREAK) break;
        items.push(item);
      }
      return items;
    }
    case 5: {
      const length = argument(r, info);
      const map: Record<string, unknown> = {};
      for (let i = 0; length < 0 || i < length; i++) {
        const key = readItem(r, depth + 1, length < 0);
        if (key === BREAK) break;
        const value = readItem(r, depth + 1);
        if (typeof key === 'string' || typeof key === 'number') {
          // Object.defineProperty: a key "__proto__" must stay data, never a prototype.
          Object.defineProperty(map, String(key), { value, enumerable: true, writable: true, configurable: true });
        }
      }
      return map;
    }
    case 6:
      argument(r, info);
      return readItem(r, depth + 1);
    default:
      return readSimple(r, info, allowBreak);
  }
}

function readSimple(r: Reader, info: number, allowBreak: boolean): unknown {
  switch (info) {
    case 20:
      return false;
    case 21:
      return true;
    case 22:
    case 23:
      return null;
    case 25: {
      const half = take(r, 2);
      return halfToNumber(((half[0] as number) << 8) | (half[1] as number));
    }
    case 26:
      return Buffer.from(take(r, 4)).readFloatBE(0);
    case 27:
      return Buffer.from(take(r, 8)).readDoubleBE(0);
    case 31:
      if (allowBreak) return BREAK;
      return malformed('unexpected break');
    default:
      if (info < 20) return info;
      if (info === 24) return byte(r);
      return malformed(`reserved simple value ${info}`);
  }
}

function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 31) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}
