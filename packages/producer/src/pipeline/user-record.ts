import type { FlushEpoch } from './flush-epoch.js';
import type { PutManyBatch } from './put-many-batch.js';

/** What put() resolves with. */
export interface PutResult {
  /** Sequence number of the Kinesis record holding this user record (shared by an aggregate's records). */
  readonly sequenceNumber: string;
  /** Index of this user record inside its aggregate; 0 for a record sent alone. */
  readonly subSequenceNumber: number;
  readonly shardId: string;
  /** PutRecords attempts this record took, the successful one included. */
  readonly attempts: number;
}

/** Partition-key traits found by the single validation scan, reused when writing JSON. */
export const PK_ASCII = 0;
export const PK_UNICODE = 1;
export const PK_ESCAPE = 2;

/**
 * One put(): what the pipeline carries from acceptance to settlement. A plain object made at one literal
 * site (createUserRecord) with every field in one order, so all records share one shape. Records are
 * young-generation objects like any other: V8 never pretenured that site in our measurements
 * (--trace-pretenuring, semi-spaces of 16 to 128 MiB), and recycling settled records through a pool in
 * the old generation was slower still (620-710 k against 940-960 k puts/s in the profile harness), since
 * every store of a fresh key, buffer or resolve function into an old object takes the write barrier's
 * slow path.
 */
export interface UserRecord {
  readonly partitionKey: string;
  /** UTF-8 length of the partition key. */
  readonly pkBytes: number;
  /** PK_ASCII, PK_UNICODE or PK_ESCAPE (needs JSON escaping). */
  readonly pkKind: number;
  readonly data: Uint8Array;
  /** Canonical decimal explicit hash key, when the caller gave one. */
  readonly explicitHashKey: string | undefined;
  /** 16-byte big-endian hash key at hashes[hashOffset]; the buffer is shared by one hashing batch. */
  hashes: Uint8Array;
  hashOffset: number;
  arrival: number;
  deadline: number;
  expiration: number;
  /**
   * PutRecords attempts made for this record in Kinesis records it has since left (rerouted); its total
   * adds the attempts of the Kinesis record it is in.
   */
  attempts: number;
  /** Set once the record's promise is settled; settlement is idempotent. */
  settled: boolean;
  lastError: unknown;
  epoch: FlushEpoch | undefined;
  /**
   * The put() promise's resolve function; failures settle it through settleUserRecordWithError(). Only
   * resolve is kept: holding reject as well would keep a second closure alive per outstanding record.
   */
  resolve: (result: PutResult | PromiseLike<PutResult>) => void;
  /** With putMany(): the call's shared settlement and this record's index in it (resolve stays a no-op). */
  batch: PutManyBatch | undefined;
  batchIndex: number;
}

/** A record not yet accepted: no promise, no flush epoch, no hash, no timestamps. */
export function createUserRecord(
  partitionKey: string,
  pkBytes: number,
  pkKind: number,
  data: Uint8Array,
  explicitHashKey: string | undefined,
): UserRecord {
  // One literal site with every field, in one order and with stable types, keeps a single shape.
  return {
    partitionKey,
    pkBytes,
    pkKind,
    data,
    explicitHashKey,
    hashes: EMPTY_HASH,
    hashOffset: 0,
    arrival: 0,
    deadline: 0,
    expiration: 0,
    attempts: 0,
    settled: false,
    lastError: undefined,
    epoch: undefined,
    resolve: noop,
    batch: undefined,
    batchIndex: 0,
  };
}

/** Binds the record to its put() promise and flush epoch when it is accepted into the buffer. */
export function acceptUserRecord(
  record: UserRecord,
  epoch: FlushEpoch,
  resolve: (result: PutResult | PromiseLike<PutResult>) => void,
): void {
  record.epoch = epoch;
  record.resolve = resolve;
}

/** Binds the record to the putMany() call it belongs to when it is accepted into the buffer. */
export function acceptBatchedUserRecord(
  record: UserRecord,
  epoch: FlushEpoch,
  batch: PutManyBatch,
  index: number,
): void {
  record.epoch = epoch;
  record.batch = batch;
  record.batchIndex = index;
}

/** Settles the record's put() promise, or its putMany() outcome, with the stored result. */
export function resolveUserRecord(record: UserRecord, result: PutResult): void {
  if (record.batch === undefined) record.resolve(result);
  else record.batch.fulfil(record.batchIndex, result);
}

/**
 * Rejects the record's put() promise (or its putMany() outcome) with `error`: resolving a promise with
 * a thenable that rejects rejects it with that error (one microtask later), with no reject function
 * kept per record.
 */
export function rejectUserRecord(record: UserRecord, error: unknown): void {
  if (record.batch === undefined) record.resolve(new Rejection(error) as unknown as PromiseLike<PutResult>);
  else record.batch.reject(record.batchIndex, error);
}

/** A thenable that always rejects; never exposed, so no unhandled-rejection tracking applies to it. */
class Rejection {
  readonly #error: unknown;

  constructor(error: unknown) {
    this.#error = error;
  }

  // biome-ignore lint/suspicious/noThenProperty: a thenable is the point: the put() promise adopts it.
  then(_onFulfilled: unknown, onRejected: (error: unknown) => void): void {
    onRejected(this.#error);
  }
}

/**
 * Sets the arrival time and the deadlines derived from it. The pipeline stamps a whole batch with one
 * clock reading: records accepted in one synchronous run arrive, for all purposes, together.
 */
export function stampUserRecord(record: UserRecord, now: number, linger: number, ttl: number): void {
  const expiration = now + ttl;
  record.arrival = now;
  record.expiration = expiration;
  record.deadline = Math.min(now + linger, expiration);
}

/** Partition key plus data: what Kinesis counts against its limits. */
export function userRecordSize(record: UserRecord): number {
  return record.pkBytes + record.data.length;
}

function noop(): void {}

const EMPTY_HASH = new Uint8Array(16);
