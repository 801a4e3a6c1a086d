/**
 * A purpose-built decoder for CBOR PutRecords and PutRecord requests, the hot path of CBOR clients (the
 * Java SDKs). It accepts only the plain shape those clients send: definite-length maps, arrays and
 * strings, known keys each at most once, ASCII text, byte-string Data. Data is returned as a view into
 * the body, copied once, into the shard log, by the handler. Anything else returns undefined and the
 * generic decoder (cbor-x), which stays the authority for validation and errors, decodes the body; where
 * both decode, they produce the same value.
 */

const TEXT = 3;
const BYTES = 2;
const ARRAY = 4;

/** A key a map may hold once, and the CBOR major type its value must have. */
interface Key {
  readonly name: string;
  readonly bytes: Buffer;
  readonly major: number;
}
const key = (name: string, major: number): Key => ({ name, bytes: Buffer.from(name, 'latin1'), major });

const PUT_RECORDS_KEYS: readonly Key[] = [key('StreamName', TEXT), key('StreamARN', TEXT), key('Records', ARRAY)];
const ENTRY_KEYS: readonly Key[] = [key('PartitionKey', TEXT), key('Data', BYTES), key('ExplicitHashKey', TEXT)];
const PUT_RECORD_KEYS: readonly Key[] = [
  key('StreamName', TEXT),
  key('StreamARN', TEXT),
  key('PartitionKey', TEXT),
  key('Data', BYTES),
  key('ExplicitHashKey', TEXT),
  key('SequenceNumberForOrdering', TEXT),
];
/** More entries than this cannot be valid (PutRecords takes 500): let the generic path say so. */
const MAX_ENTRIES = 500;

class Bail extends Error {}
const BAIL = new Bail();

class Reader {
  readonly #body: Buffer;
  pos = 0;

  constructor(body: Buffer) {
    this.#body = body;
  }

  get done(): boolean {
    return this.pos === this.#body.length;
  }

  /** Reads a head of major type `major` with a definite argument below 2^32. */
  head(major: number): number {
    const body = this.#body;
    const b = body[this.pos];
    if (b === undefined || b >> 5 !== major) throw BAIL;
    const info = b & 31;
    if (info < 24) {
      this.pos += 1;
      return info;
    }
    let n: number;
    if (info === 24) {
      n = body[this.pos + 1] ?? -1;
      this.pos += 2;
    } else if (info === 25) {
      if (this.pos + 3 > body.length) throw BAIL;
      n = body.readUInt16BE(this.pos + 1);
      this.pos += 3;
    } else if (info === 26) {
      if (this.pos + 5 > body.length) throw BAIL;
      n = body.readUInt32BE(this.pos + 1);
      this.pos += 5;
    } else throw BAIL; // 64-bit lengths, indefinite lengths, reserved values
    if (n < 0) throw BAIL;
    return n;
  }

  /** Major type of the next item. */
  peekMajor(): number {
    const b = this.#body[this.pos];
    if (b === undefined) throw BAIL;
    return b >> 5;
  }

  /** An ASCII text string (non-ASCII goes to the generic decoder, whose UTF-8 rules then apply). */
  text(): string {
    const n = this.head(TEXT);
    const start = this.pos;
    const end = start + n;
    const body = this.#body;
    if (end > body.length) throw BAIL;
    for (let k = start; k < end; k++) if ((body[k] as number) > 0x7f) throw BAIL;
    this.pos = end;
    return body.toString('latin1', start, end);
  }

  /** Index in `keys` of the text key at the cursor, matched on its bytes (no string is made). */
  key(keys: readonly Key[]): number {
    const n = this.head(TEXT);
    const at = this.pos;
    const body = this.#body;
    if (at + n > body.length) throw BAIL;
    for (let k = 0; k < keys.length; k++) {
      const bytes = (keys[k] as Key).bytes;
      if (bytes.length !== n) continue;
      let i = 0;
      while (i < n && body[at + i] === bytes[i]) i++;
      if (i === n) {
        this.pos = at + n;
        return k;
      }
    }
    throw BAIL;
  }

  bytes(): Uint8Array {
    const n = this.head(BYTES);
    const start = this.pos;
    const body = this.#body;
    if (start + n > body.length) throw BAIL;
    this.pos = start + n;
    // A plain view: cheaper to make than Buffer#subarray, and all the handler needs.
    return new Uint8Array(body.buffer, body.byteOffset + start, n);
  }
}

/** Reads a map of `keys` whose values are text, bytes or (for Records) an array of entry maps. */
function readMap(r: Reader, keys: readonly Key[]): Record<string, unknown> {
  const size = r.head(5);
  if (size > keys.length) throw BAIL;
  const out: Record<string, unknown> = {};
  let seen = 0;
  for (let i = 0; i < size; i++) {
    const k = r.key(keys);
    const { name, major } = keys[k] as Key;
    if ((seen & (1 << k)) !== 0 || r.peekMajor() !== major) throw BAIL;
    seen |= 1 << k;
    if (major === TEXT) out[name] = r.text();
    else if (major === BYTES) out[name] = r.bytes();
    else {
      const count = r.head(ARRAY);
      if (count > MAX_ENTRIES) throw BAIL;
      const entries: Record<string, unknown>[] = new Array(count);
      for (let e = 0; e < count; e++) entries[e] = readMap(r, ENTRY_KEYS);
      out[name] = entries;
    }
  }
  return out;
}

/** The decoded body of a PutRecords or PutRecord request, or undefined for the generic decoder. */
export function decodePutCbor(
  body: Buffer,
  operation: 'PutRecords' | 'PutRecord',
): Record<string, unknown> | undefined {
  const r = new Reader(body);
  try {
    const out = readMap(r, operation === 'PutRecords' ? PUT_RECORDS_KEYS : PUT_RECORD_KEYS);
    return r.done ? out : undefined;
  } catch (error) {
    if (error instanceof Bail) return undefined;
    throw error;
  }
}
