import { createHash } from 'node:crypto';

/**
 * A deliberately naive encoder written straight from the KPL format description (Map dedup, one
 * Buffer per field, no code shared with either codec), used to produce expected bytes in tests.
 */
export interface ReferenceRecord {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
}

export function referenceAggregate(records: readonly ReferenceRecord[]): Buffer {
  const keys = new Map<string, number>();
  const hashKeys = new Map<string, number>();
  for (const r of records) {
    if (!keys.has(r.partitionKey)) keys.set(r.partitionKey, keys.size);
    if (r.explicitHashKey !== undefined && !hashKeys.has(r.explicitHashKey)) {
      hashKeys.set(r.explicitHashKey, hashKeys.size);
    }
  }
  const fields: Uint8Array[] = [];
  for (const key of keys.keys()) fields.push(lengthDelimited(1, Buffer.from(key, 'utf8')));
  for (const key of hashKeys.keys()) fields.push(lengthDelimited(2, Buffer.from(key, 'latin1')));
  for (const r of records) {
    const inner: Uint8Array[] = [Buffer.from([0x08, ...varint(keys.get(r.partitionKey) as number)])];
    if (r.explicitHashKey !== undefined) {
      inner.push(Buffer.from([0x10, ...varint(hashKeys.get(r.explicitHashKey) as number)]));
    }
    inner.push(lengthDelimited(3, r.data));
    fields.push(lengthDelimited(3, Buffer.concat(inner)));
  }
  const body = Buffer.concat(fields);
  return Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), body, createHash('md5').update(body).digest()]);
}

export function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return bytes;
}

function lengthDelimited(field: number, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(payload.length)]), payload]);
}

/** Hex of a byte view, for readable assertions that ignore Buffer-versus-Uint8Array class differences. */
export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
