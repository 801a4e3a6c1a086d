import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodySha256Hex } from '../src/transport/body-sha256.js';

describe('bodySha256Hex', () => {
  // Both sides of the 64 KiB hand-over point, an empty body, and a view into a larger buffer (the
  // pooled request bodies are views): the header must be node:crypto's digest of exactly those bytes.
  it.each([0, 1, 65_535, 65_536, 65_537, 3 * 1024 * 1024])('equals node:crypto for %i bytes', async (size) => {
    const backing = randomBytes(size + 64);
    const body = backing.subarray(32, 32 + size);
    expect(await bodySha256Hex(body)).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('digests the bytes as they were when called, off the thread for large bodies', async () => {
    const body = randomBytes(256 * 1024);
    const expected = createHash('sha256').update(body).digest('hex');
    const pending = bodySha256Hex(body);
    body.fill(0);
    expect(await pending).toBe(expected);
  });

  it('matches the SHA-256 test vector for "abc"', async () => {
    expect(await bodySha256Hex(Buffer.from('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
