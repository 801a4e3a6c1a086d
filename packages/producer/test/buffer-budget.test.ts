import { AbortedError, ClosedError, typescriptCodec } from '@shardline/core';
import { getCodec } from '@shardline/native';
import { describe, expect, it } from 'vitest';
import { BufferBudget } from '../src/pipeline/buffer-budget.js';
import { FlushEpoch } from '../src/pipeline/flush-epoch.js';
import { writeBase64 } from '../src/transport/write-base64.js';

describe('BufferBudget', () => {
  it('bounds records and bytes and hands out room first come, first served', async () => {
    const budget = new BufferBudget(100, 3);
    expect(budget.tryAcquire(60)).toBe(true);
    expect(budget.tryAcquire(60)).toBe(false);
    const order: number[] = [];
    const first = budget.acquire(60, undefined, undefined).then(() => order.push(1));
    const second = budget.acquire(10, undefined, undefined).then(() => order.push(2));
    expect(budget.tryAcquire(1)).toBe(false); // nobody overtakes a waiter
    budget.release(60, 1);
    await Promise.all([first, second]);
    expect(order).toEqual([1, 2]);
    expect(budget.bytes).toBe(70);
    expect(budget.records).toBe(2);
  });

  it('rejects waiters on abort, timeout and close', async () => {
    const budget = new BufferBudget(10, 1);
    budget.tryAcquire(10);
    const controller = new AbortController();
    const aborted = budget.acquire(1, controller.signal, undefined);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    await expect(budget.acquire(1, undefined, 10)).rejects.toBeInstanceOf(AbortedError);
    const closing = budget.acquire(1, undefined, undefined);
    budget.rejectAll('closed');
    await expect(closing).rejects.toBeInstanceOf(ClosedError);
    expect(budget.waiting).toBe(0);
  });
});

describe('FlushEpoch', () => {
  it('settles once its records settle', async () => {
    const epoch = new FlushEpoch();
    epoch.pending = 2;
    let done = false;
    const closed = epoch.close().then(() => {
      done = true;
    });
    epoch.release();
    await Promise.resolve();
    expect(done).toBe(false);
    epoch.release();
    await closed;
    expect(epoch.drained).toBe(true);
  });
});

describe('writeBase64', () => {
  it.each([
    ['typescript', typescriptCodec],
    ['loaded', getCodec()],
  ])('matches Buffer base64 for every length around both code paths (%s codec)', (_name, codec) => {
    for (let n = 0; n < 600; n++) {
      // A longer source checks that only the first n bytes are encoded.
      const src = Buffer.alloc(n + 5, 0xff);
      for (let i = 0; i < n; i++) src[i] = (i * 37 + n) & 255;
      const out = Buffer.alloc(1000, 0x21);
      const end = writeBase64(src, n, out, 3, codec);
      expect(out.toString('latin1', 3, end)).toBe(src.subarray(0, n).toString('base64'));
      expect(out[end]).toBe(0x21);
    }
  });
});
