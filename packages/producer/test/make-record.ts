import { createHash } from 'node:crypto';
import { hashKeyToBytes } from '@shardline/core';
import { clock } from '../src/pipeline/clock.js';
import { FlushEpoch } from '../src/pipeline/flush-epoch.js';
import {
  acceptUserRecord,
  createUserRecord,
  PK_ASCII,
  PK_ESCAPE,
  PK_UNICODE,
  stampUserRecord,
  type UserRecord,
} from '../src/pipeline/user-record.js';

/** A UserRecord as the pipeline would carry it after hashing. */
export function makeRecord(key: string, data: Uint8Array, ehk?: string): UserRecord {
  let kind = PK_ASCII;
  for (const char of key) {
    const c = char.codePointAt(0) as number;
    if (c < 0x20 || char === '"' || char === '\\') kind = PK_ESCAPE;
    else if (c > 0x7e && kind === PK_ASCII) kind = PK_UNICODE;
  }
  const record = createUserRecord(key, Buffer.byteLength(key), kind, data, ehk);
  acceptUserRecord(record, new FlushEpoch(), () => {});
  stampUserRecord(record, clock(), 100, 30_000);
  const hashes = new Uint8Array(16);
  if (ehk === undefined) hashes.set(createHash('md5').update(key, 'utf8').digest());
  else hashKeyToBytes(BigInt(ehk), hashes, 0);
  record.hashes = hashes;
  return record;
}
