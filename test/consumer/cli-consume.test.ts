import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliUsageError } from '../../packages/cli/src/cli-usage-error.js';
import { consumeCommand } from '../../packages/cli/src/commands/consume.js';
import { type StreamFixture, startStreamFixture, waitFor } from './helpers/stream-fixture.js';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin/shardline.js', import.meta.url));

describe('shardline consume: usage errors', () => {
  it.each([
    [[], /--stream is required/],
    [['--stream', 's'], /--app is required/],
    [['--stream', 's', '--app', 'app', '--bogus'], /bogus/],
    [['--stream', 's', '--app', 'app', '--failover-time-ms', 'soon'], /--failover-time-ms/],
    [['--stream', 's', '--app', 'app', '--initial-position', 'yesterday'], /--initial-position/],
    [['--stream', 's', '--app', 'app', '--data-encoding', 'hex'], /--data-encoding/],
    [['--stream', 's', '--app', 'ab'], /leaseTableName/],
    [['--stream', 's', '--app', 'app', '--max-batch-records', '0'], /maxBatchRecords/],
    [['--stream', 's', '--app', 'app', '--handler', './does-not-exist.mjs'], /could not be loaded/],
  ])('%j', async (argv, message) => {
    const error = await consumeCommand(argv as string[]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliUsageError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('shardline consume: printing records', () => {
  let fixture: StreamFixture;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b tsconfig.build.json\` first`);
    fixture = await startStreamFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('prints one JSON line per record and exits 0 on SIGINT', async () => {
    await fixture.createStream('printed', 1);
    await fixture.put('printed', [
      { partitionKey: 'a', data: Buffer.from('hello') },
      { partitionKey: 'b', data: Buffer.from('world') },
    ]);
    // No --dynamodb-endpoint with a loopback broker: the worker starts its own embedded DynamoDB.
    const child = spawn(
      process.execPath,
      [
        CLI,
        'consume',
        '--stream',
        'printed',
        '--app',
        'printed-app',
        '--endpoint',
        fixture.url,
        '--initial-position',
        'TRIM_HORIZON',
        '--taker-interval-ms',
        '200',
        '--idle-time-ms',
        '100',
      ],
      {
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.resume();
    await waitFor(() => stdout.split('\n').filter((l) => l.length > 0).length >= 2, 15_000, 'printed records');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = stdout
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as { partitionKey: string; data: string; subSequenceNumber: number; shardId: string });
    expect(lines.map((l) => [l.partitionKey, l.data, l.subSequenceNumber])).toEqual([
      ['a', 'hello', 0],
      ['b', 'world', 0],
    ]);
    expect(lines[0]?.shardId).toMatch(/^shardId-/);
  });
});
