import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { copyShared } from '../src/transport/copy-shared.js';

describe('copyShared', () => {
  it('copies every size to and from shared memory at any alignment, and returns the offset after it', () => {
    const shared = Buffer.from(new SharedArrayBuffer(64 * 1024));
    const plain = Buffer.alloc(64 * 1024);
    const source = randomBytes(10_000);
    // Sizes around the loop, set and fill ranges, at every alignment of source and target.
    for (const size of [0, 1, 63, 64, 65, 191, 192, 193, 1_000, 4_099]) {
      for (let shift = 0; shift < 8; shift++) {
        const bytes = source.subarray(shift, shift + size);
        for (const [from, to] of [
          [bytes, shared],
          [Buffer.from(shared.buffer, 8 + shift, size), plain],
        ] as const) {
          to.fill(0);
          if (from !== bytes) bytes.copy(shared, 8 + shift);
          expect(copyShared(from, to, 3 + shift)).toBe(3 + shift + size);
          expect(Buffer.compare(to.subarray(3 + shift, 3 + shift + size), bytes)).toBe(0);
          // Nothing around the range is touched.
          expect(to[2 + shift]).toBe(0);
          expect(to[3 + shift + size]).toBe(0);
        }
      }
    }
  });
});
