import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStream, streamName, TEST_CREDENTIALS, useBroker } from './helpers/stream-fixture.js';

const DIST = fileURLToPath(new URL('../../packages/producer/dist/index.js', import.meta.url));

const fixture = useBroker();

/** Runs `script` as an ES module in a fresh node process; resolves with its exit code and output. */
function runNode(
  script: string,
  timeoutMs: number,
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

describe('close() leaves no handles (built dist, separate process)', () => {
  it('the process exits by itself after puts and close()', async () => {
    expect(existsSync(DIST), 'build first: npx tsc -b tsconfig.build.json').toBe(true);
    const stream = streamName('exit');
    await createStream(fixture.client, stream, 2);
    const script = `
      import { KinesisProducer } from ${JSON.stringify(DIST)};
      const producer = new KinesisProducer({
        endpoint: ${JSON.stringify(fixture.broker.url)},
        credentials: ${JSON.stringify(TEST_CREDENTIALS)},
        metricsInterval: 1000,
      });
      const puts = [];
      for (let i = 0; i < 2000; i++) puts.push(producer.put({ streamName: ${JSON.stringify(stream)}, partitionKey: 'k' + i, data: 'x' }));
      await Promise.all(puts);
      await producer.close();
      console.log('closed', producer.outstanding);
    `;
    const result = await runNode(script, 10_000);
    expect(result.timedOut, result.output).toBe(false);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('closed 0');
  });

  it('importing and closing an unused producer has no lasting side effects', async () => {
    expect(existsSync(DIST), 'build first: npx tsc -b tsconfig.build.json').toBe(true);
    const script = `
      import { KinesisProducer } from ${JSON.stringify(DIST)};
      const producer = new KinesisProducer({ endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      await producer.close();
      console.log('done');
    `;
    const result = await runNode(script, 10_000);
    expect(result.timedOut, result.output).toBe(false);
    expect(result.code, result.output).toBe(0);
  });
});
