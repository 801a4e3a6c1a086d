import { isAscii } from 'node:buffer';
import { Base64Slice } from './base64-slice.js';

/** Below this size JSON.parse on a whole-body string is as fast as anything written in JS. */
export const LARGE_JSON_BYTES = 256 * 1024;
/** Strings at least this long are sliced from the body without a per-byte scan. */
const LONG_STRING = 4096;
const MAX_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

class Bail extends Error {}
const BAIL = new Bail();

/**
 * Parses a large JSON body (PutRecords of big records) without first turning the whole body into a string:
 * with `blobs`, the long string values of `Data` keys (base64 record data) stay in the body as Base64Slices, decoded
 * later straight into storage, and other long strings are copied once. Anything unusual (escapes,
 * odd numbers, `__proto__` keys, deep nesting, trailing data) returns undefined, and the caller falls back
 * to JSON.parse, which then decides. Long strings are not checked for raw control characters; the only
 * long strings in a valid request are base64 data, whose decoding rejects them.
 */
export function parseLargeJson(body: Buffer, blobs = true): unknown {
  let i = 0;
  let backslash = body.indexOf(BACKSLASH);
  if (backslash < 0) backslash = body.length;
  const n = body.length;

  const ws = (): void => {
    while (i < n) {
      const c = body[i] as number;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      i++;
    }
  };

  const string = (blob: boolean): string | Base64Slice => {
    const start = i + 1;
    const end = body.indexOf(QUOTE, start);
    if (end < 0 || backslash < end) throw BAIL;
    i = end + 1;
    if (end - start >= LONG_STRING) {
      if (blob) return new Base64Slice(body, start, end);
      const slice = body.subarray(start, end);
      return isAscii(slice) ? slice.toString('latin1') : slice.toString('utf8');
    }
    for (let k = start; k < end; k++) if ((body[k] as number) < 0x20) throw BAIL;
    return body.toString('utf8', start, end);
  };

  const value = (depth: number, blob: boolean): unknown => {
    if (depth > MAX_DEPTH) throw BAIL;
    ws();
    const c = body[i];
    if (c === QUOTE) return string(blob);
    if (c === 0x7b) {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (body[i] === 0x7d) {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (body[i] !== QUOTE) throw BAIL;
        const key = string(false) as string;
        if (key === '__proto__') throw BAIL;
        ws();
        if (body[i] !== 0x3a) throw BAIL;
        i++;
        out[key] = value(depth + 1, blobs && key === 'Data');
        ws();
        if (body[i] === 0x2c) {
          i++;
          continue;
        }
        if (body[i] === 0x7d) {
          i++;
          return out;
        }
        throw BAIL;
      }
    }
    if (c === 0x5b) {
      i++;
      const out: unknown[] = [];
      ws();
      if (body[i] === 0x5d) {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1, false));
        ws();
        if (body[i] === 0x2c) {
          i++;
          continue;
        }
        if (body[i] === 0x5d) {
          i++;
          return out;
        }
        throw BAIL;
      }
    }
    if (c === 0x74 && body.toString('latin1', i, i + 4) === 'true') {
      i += 4;
      return true;
    }
    if (c === 0x66 && body.toString('latin1', i, i + 5) === 'false') {
      i += 5;
      return false;
    }
    if (c === 0x6e && body.toString('latin1', i, i + 4) === 'null') {
      i += 4;
      return null;
    }
    const start = i;
    while (i < n) {
      const d = body[i] as number;
      if ((d >= 0x30 && d <= 0x39) || d === 0x2d || d === 0x2b || d === 0x2e || d === 0x65 || d === 0x45) i++;
      else break;
    }
    const text = body.toString('latin1', start, i);
    if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw BAIL;
    return Number(text);
  };

  try {
    const result = value(0, false);
    ws();
    return i === n ? result : undefined;
  } catch (error) {
    if (error instanceof Bail) return undefined;
    throw error;
  }
}
