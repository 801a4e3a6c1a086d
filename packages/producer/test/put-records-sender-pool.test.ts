import { describe, expect, it } from 'vitest';
import type { PutRecordsResponse } from '../src/transport/kinesis-transport.js';
import { PackedRequest } from '../src/transport/packed-request.js';
import { type PooledSender, PutRecordsSenderPool } from '../src/transport/put-records-sender-pool.js';

const ANSWER: PutRecordsResponse = { Records: [] };

const MIB = 1024 * 1024;

/** A sender whose backlog the test sets, holding each request until the test answers it. */
class FakeSender implements PooledSender {
  busyBytes = 0;
  readonly received: PackedRequest[] = [];
  readonly forgotten: PackedRequest[] = [];
  readonly #answers: ((fail: boolean) => void)[] = [];
  closed = false;

  send(packed: PackedRequest): Promise<PutRecordsResponse> {
    this.received.push(packed);
    return new Promise((resolve, reject) => {
      this.#answers.push((fail) => (fail ? reject(new Error('failed')) : resolve(ANSWER)));
    });
  }

  /** Settles the oldest request not yet settled. */
  answer(fail = false): void {
    this.#answers.shift()?.(fail);
  }

  forget(packed: PackedRequest): void {
    this.forgotten.push(packed);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PutRecordsSenderPool', () => {
  it('sends to the first sender while its backlog is under 2 MiB, and to the one with the least otherwise', async () => {
    const [a, b, c] = [new FakeSender(), new FakeSender(), new FakeSender()];
    const pool = new PutRecordsSenderPool([a, b, c], 8);
    a.busyBytes = 2 * MIB - 1;
    void pool.send(new PackedRequest());
    void pool.send(new PackedRequest());
    expect([a.received.length, b.received.length, c.received.length]).toEqual([2, 0, 0]);
    a.busyBytes = 5 * MIB;
    b.busyBytes = 3 * MIB;
    c.busyBytes = 4 * MIB;
    void pool.send(new PackedRequest());
    expect([a.received.length, b.received.length, c.received.length]).toEqual([2, 1, 0]);
    b.busyBytes = 2 * MIB - 1;
    c.busyBytes = 0;
    // The first one under the limit takes it, even with a later one idle.
    void pool.send(new PackedRequest());
    expect([a.received.length, b.received.length, c.received.length]).toEqual([2, 2, 0]);
  });

  it('skips a sender whose connections are all in flight, until one of its requests settles', async () => {
    const [a, b] = [new FakeSender(), new FakeSender()];
    const pool = new PutRecordsSenderPool([a, b], 2);
    const sends = Array.from({ length: 3 }, () => pool.send(new PackedRequest()));
    expect([a.received.length, b.received.length]).toEqual([2, 1]);
    a.answer();
    a.answer(true);
    await expect(sends[0]).resolves.toBe(ANSWER);
    await expect(sends[1]).rejects.toThrow('failed');
    await tick();
    // A failed request frees its connection as well as an answered one.
    void pool.send(new PackedRequest());
    void pool.send(new PackedRequest());
    expect([a.received.length, b.received.length]).toEqual([4, 1]);
  });

  it('queues on the least loaded sender when every connection is in flight', () => {
    const [a, b] = [new FakeSender(), new FakeSender()];
    const pool = new PutRecordsSenderPool([a, b], 1);
    for (let i = 0; i < 5; i++) void pool.send(new PackedRequest());
    expect([a.received.length, b.received.length]).toEqual([3, 2]);
  });

  it('forgets a packed request in every sender and closes them all', async () => {
    const [a, b] = [new FakeSender(), new FakeSender()];
    const pool = new PutRecordsSenderPool([a, b], 4);
    const packed = new PackedRequest();
    pool.forget(packed);
    expect([a.forgotten, b.forgotten]).toEqual([[packed], [packed]]);
    await pool.close();
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(() => new PutRecordsSenderPool([], 1)).toThrow(RangeError);
  });
});
