import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
});

// Own test file: vitest gives each file a fresh module graph, so this import is the first one.
it('loads nothing at import; the first getCodec() loads once', async () => {
  const dlopen = vi.spyOn(process, 'dlopen');
  const native = await import('@shardline/native');
  expect(dlopen).not.toHaveBeenCalled();
  const codec = native.getCodec();
  expect(native.getCodec()).toBe(codec);
  // At most once: Node's require cache is per process, so an earlier test file may have opened it already.
  expect(dlopen.mock.calls.length).toBeLessThanOrEqual(1);
});
