import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '../../packages/broker/test/helpers/aws-sdk.js';
import { sdkClient } from './sdk-client.js';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin/shardline.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shardline-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the built CLI broker on a free port and resolves with its URL from the start-up line. */
function startCli(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'broker',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--fsync',
      'always',
      '--create-stream-ms',
      '0',
      '--update-stream-ms',
      '0',
      '--limits',
      'off',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m?.[1] !== undefined) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${err}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function readEverything(client: KinesisClient): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const shards = (await client.send(new ListShardsCommand({ StreamName: 'durable' }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: 'durable',
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const r = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const rec of r.Records ?? []) seen.set(rec.SequenceNumber ?? '', Buffer.from(rec.Data ?? []).toString());
      if ((r.Records ?? []).length === 0) break;
      iterator = r.NextShardIterator;
    }
  }
  return seen;
}

it('keeps every acknowledged record across kill -9 with --fsync always', async () => {
  const first = await startCli();
  let client = sdkClient(first.url, { http1: true });
  await client.send(new CreateStreamCommand({ StreamName: 'durable', ShardCount: 2 }));
  const acked = new Map<string, string>();
  const put = async (batch: number): Promise<void> => {
    const records = Array.from({ length: 100 }, (_, i) => ({
      PartitionKey: `k${i}`,
      Data: Buffer.from(`b${batch}-r${i}`),
    }));
    const out = await client.send(new PutRecordsCommand({ StreamName: 'durable', Records: records }));
    (out.Records ?? []).forEach((r, i) => {
      if (r.SequenceNumber !== undefined) acked.set(r.SequenceNumber, `b${batch}-r${i}`);
    });
  };
  for (let b = 0; b < 10; b++) await put(b);
  await client.send(
    new SplitShardCommand({
      StreamName: 'durable',
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: String(1n << 126n),
    }),
  );
  for (let b = 10; b < 20; b++) await put(b);
  // Writes in flight at the kill may or may not survive; acknowledged ones must.
  const inFlight = put(99).catch(() => undefined);
  await killed(first.child);
  await inFlight;
  client.destroy();
  // A torn write at the tail of a log (a crash mid-append) must be cut off, not break recovery.
  const streamDir = readdirSync(join(dataDir, 'logs'))[0] ?? '';
  appendFileSync(join(dataDir, 'logs', streamDir, '1.log'), Buffer.from([0, 0, 0, 9, 0, 1, 0x53]));

  const second = await startCli();
  client = sdkClient(second.url, { http1: true });
  const recovered = await readEverything(client);
  for (const [seq, data] of acked) expect(recovered.get(seq)).toBe(data);
  expect(acked.size).toBe(2000);
  const shards = (await client.send(new ListShardsCommand({ StreamName: 'durable' }))).Shards ?? [];
  expect(shards.map((s) => [s.ShardId, s.ParentShardId])).toEqual([
    ['shardId-000000000000', undefined],
    ['shardId-000000000001', undefined],
    ['shardId-000000000002', 'shardId-000000000000'],
    ['shardId-000000000003', 'shardId-000000000000'],
  ]);
  // New records get numbers above everything recovered.
  const newest = [...recovered.keys()].sort().at(-1) ?? '';
  const after = await client.send(
    new PutRecordsCommand({ StreamName: 'durable', Records: [{ PartitionKey: 'k1', Data: Buffer.from('after') }] }),
  );
  const seq = after.Records?.[0]?.SequenceNumber ?? '';
  expect(seq > newest).toBe(true);
  client.destroy();
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
  expect(second.child.exitCode).toBe(0);
});
