import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { LOCAL_BUILD, loadRawBinding } from './support/native-paths.js';

// Each JS environment gets its own addon instance (and scratch memory); workers must load and use it
// while the main thread keeps using its own.
it('works in worker threads alongside the main thread', async () => {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const addon = require(workerData);
    const out = new Uint8Array(16);
    addon.hashPackedKeys(Buffer.from('abc'), Uint32Array.of(0, 3), 1, out);
    const agg = new Uint8Array(64);
    const n = addon.encodeAggregate(Buffer.from('k'), Uint32Array.of(0, 1), null, null, Buffer.from('x'), Uint32Array.of(0, 1), 1, agg, 0);
    parentPort.postMessage(Buffer.from(out).toString('hex') + ':' + n);
  `;
  const results = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<string>((resolve, reject) => {
          const worker = new Worker(code, { eval: true, workerData: LOCAL_BUILD });
          worker.once('message', (message: string) => {
            resolve(message);
            void worker.terminate();
          });
          worker.once('error', reject);
        }),
    ),
  );
  expect(results).toEqual(['900150983cd24fb0d6963f7d28e17f72:30', '900150983cd24fb0d6963f7d28e17f72:30']);
  const out = new Uint8Array(16);
  loadRawBinding().hashPackedKeys(Buffer.from('abc'), Uint32Array.of(0, 3), 1, out);
  expect(Buffer.from(out).toString('hex')).toBe('900150983cd24fb0d6963f7d28e17f72');
});
