import { InvalidConfigError } from '@shardline/core';
import { expect, it } from 'vitest';
import { BROKER_DEFAULTS, startBroker } from '../src/index.js';

it('rejects invalid options with InvalidConfigError naming the option', async () => {
  await expect(startBroker({ port: -1 })).rejects.toThrow(InvalidConfigError);
  await expect(startBroker({ limits: 'sometimes' as 'aws' })).rejects.toThrow(/limits/);
  await expect(startBroker({ fsync: 'often' as 'always' })).rejects.toThrow(/fsync/);
  await expect(startBroker({ accountId: '12' })).rejects.toThrow(/accountId/);
  await expect(startBroker({ credentials: [] })).rejects.toThrow(/credentials/);
  for (const bad of [-1, 1.5, 2 ** 31, true as unknown as false]) {
    await expect(startBroker({ retainFreedMemoryBytes: bad })).rejects.toThrow(/retainFreedMemoryBytes/);
  }
  expect(Object.isFrozen(BROKER_DEFAULTS)).toBe(true);
  expect(BROKER_DEFAULTS.host).toBe('127.0.0.1');
  expect(BROKER_DEFAULTS.retainFreedMemoryBytes).toBe(256 * 1024 * 1024);
});

it('tells its logger whether the allocator took the retention setting, and leaves it alone on false', async () => {
  const seen: unknown[] = [];
  const logger = { debug: (obj: unknown) => seen.push(obj), info() {}, warn() {}, error() {} };
  const broker = await startBroker({ port: 0, logger, retainFreedMemoryBytes: 64 * 1024 * 1024 });
  await broker.close();
  expect(seen).toContainEqual({ applied: expect.any(Boolean), bytes: 64 * 1024 * 1024 });
  seen.length = 0;
  const untouched = await startBroker({ port: 0, logger, retainFreedMemoryBytes: false });
  await untouched.close();
  expect(seen.filter((entry) => (entry as { bytes?: unknown }).bytes !== undefined)).toEqual([]);
});

it('closes without leaving handles and can be closed twice', async () => {
  const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
  const broker = await startBroker({ port: 0, tls: true });
  expect(broker.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  await broker.close();
  await broker.close();
  const res = await fetch(`${broker.url}/`).catch((error: unknown) => error);
  expect(res).toBeInstanceOf(Error);
  await new Promise((r) => setTimeout(r, 50));
  expect(process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length).toBeLessThanOrEqual(before);
});

it('reports a port in use as a listen error and releases everything', async () => {
  const first = await startBroker({ port: 0 });
  try {
    await expect(startBroker({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  } finally {
    await first.close();
  }
});
