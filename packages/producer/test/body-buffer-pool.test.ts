import { describe, expect, it } from 'vitest';
import { BodyBufferPool } from '../src/transport/body-buffer-pool.js';

describe('BodyBufferPool', () => {
  it('hands back every released buffer while no more than `kept` are in use at once', () => {
    const pool = new BodyBufferPool(24);
    const first = Array.from({ length: 24 }, () => pool.take(100_000));
    for (const buffer of first) pool.release(buffer);
    const second = Array.from({ length: 24 }, () => pool.take(100_000));
    expect(new Set([...first, ...second]).size).toBe(24);
  });

  it('keeps at most `kept` buffers, so a burst beyond it allocates anew', () => {
    const pool = new BodyBufferPool(2);
    const burst = [pool.take(1000), pool.take(1000), pool.take(1000)];
    for (const buffer of burst) pool.release(buffer);
    const again = [pool.take(1000), pool.take(1000), pool.take(1000)];
    expect(again.filter((buffer) => burst.includes(buffer))).toHaveLength(2);
  });

  it('reuses only a buffer large enough, and rounds new ones up to a power of two of at least 64 KiB', () => {
    const pool = new BodyBufferPool(4);
    const small = pool.take(10);
    expect(small.length).toBe(64 * 1024);
    pool.release(small);
    const large = pool.take(100_000);
    expect(large).not.toBe(small);
    expect(large.length).toBe(131_072);
    expect(pool.take(64 * 1024)).toBe(small);
  });
});
