import { describe, expect, it } from 'vitest';
import { FlushEpoch } from '../src/pipeline/flush-epoch.js';
import {
  acceptUserRecord,
  createUserRecord,
  PK_ASCII,
  type PutResult,
  rejectUserRecord,
  stampUserRecord,
  userRecordSize,
} from '../src/pipeline/user-record.js';

function accepted(): { record: ReturnType<typeof createUserRecord>; promise: Promise<PutResult> } {
  const record = createUserRecord('key', 3, PK_ASCII, new Uint8Array(7), undefined);
  const promise = new Promise<PutResult>((resolve) => acceptUserRecord(record, new FlushEpoch(), resolve));
  return { record, promise };
}

describe('UserRecord', () => {
  it('starts unsettled, with its size as partition key plus data', () => {
    const record = createUserRecord('key', 3, PK_ASCII, new Uint8Array(7), '42');
    expect(record.settled).toBe(false);
    expect(record.attempts).toBe(0);
    expect(record.explicitHashKey).toBe('42');
    expect(userRecordSize(record)).toBe(10);
  });

  it('stamps deadlines from one clock reading, the buffering deadline capped by the TTL', () => {
    const record = createUserRecord('key', 3, PK_ASCII, new Uint8Array(1), undefined);
    stampUserRecord(record, 1_000, 100, 30_000);
    expect([record.arrival, record.deadline, record.expiration]).toEqual([1_000, 1_100, 31_000]);
    stampUserRecord(record, 1_000, 500, 200);
    expect([record.deadline, record.expiration]).toEqual([1_200, 1_200]);
  });

  it('resolves the put() promise with the result', async () => {
    const { record, promise } = accepted();
    const result = { sequenceNumber: '1', subSequenceNumber: 0, shardId: 'shardId-0', attempts: 1 };
    record.resolve(result);
    await expect(promise).resolves.toEqual(result);
  });

  it('rejects the put() promise with the very error given', async () => {
    const { record, promise } = accepted();
    const error = new Error('no');
    rejectUserRecord(record, error);
    await expect(promise).rejects.toBe(error);
  });
});

describe('FlushEpoch', () => {
  it('drains once as many records as were pending are released, in one or several counts', async () => {
    const epoch = new FlushEpoch();
    epoch.pending = 5;
    const drained = epoch.close();
    let done = false;
    void drained.then(() => {
      done = true;
    });
    epoch.release(3);
    epoch.release();
    await Promise.resolve();
    expect(done).toBe(false);
    epoch.release();
    await drained;
    expect(epoch.drained).toBe(true);
  });
});
