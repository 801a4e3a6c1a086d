import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DynamoDBClient, ScanCommand } from '../../packages/consumer/test/helpers/aws-sdk.js';
import { CREDENTIALS, type StreamFixture, startStreamFixture, waitFor } from './helpers/stream-fixture.js';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin/shardline.js', import.meta.url));
const HANDLER = fileURLToPath(new URL('./fixtures/record-log-handler.mjs', import.meta.url));
const FAILOVER_MS = 3_000;
const TAKER_MS = 500;

let fixture: StreamFixture;
let dir: string;
let ddb: DynamoDBClient;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b tsconfig.build.json\` first`);
  fixture = await startStreamFixture();
  dir = mkdtempSync(join(tmpdir(), 'shardline-consumer-'));
  ddb = new DynamoDBClient({
    endpoint: fixture.dynamoDbEndpoint,
    region: 'us-east-1',
    credentials: { ...CREDENTIALS },
  });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  ddb.destroy();
  await fixture.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Row {
  worker: string;
  shardId: string;
  seq: string;
  sub: number;
  data: string;
}

function spawnWorker(workerId: string, log: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'consume',
      '--stream',
      'procs',
      '--app',
      'procs-app',
      '--handler',
      HANDLER,
      '--endpoint',
      fixture.url,
      '--dynamodb-endpoint',
      fixture.dynamoDbEndpoint,
      '--worker-id',
      workerId,
      '--initial-position',
      'TRIM_HORIZON',
      '--failover-time-ms',
      String(FAILOVER_MS),
      '--taker-interval-ms',
      String(TAKER_MS),
      '--idle-time-ms',
      '100',
      '--checkpoint-interval-ms',
      '200',
    ],
    {
      env: {
        ...process.env,
        // The lease table the in-process checks read (DynamoDB Local keeps one database per key).
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        SHARDLINE_TEST_LOG: log,
        SHARDLINE_TEST_WORKER: workerId,
        NODE_NO_WARNINGS: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.resume();
  children.push(child);
  return child;
}

async function leases(): Promise<Map<string, { owner: string | undefined; checkpoint: string; sub: number }>> {
  const out = await ddb
    .send(new ScanCommand({ TableName: 'procs-app', ConsistentRead: true }))
    .catch((error: Error) => {
      if (error.name === 'ResourceNotFoundException') return { Items: [] };
      throw error;
    });
  return new Map(
    (out.Items ?? []).map((item) => [
      item.leaseKey?.S ?? '',
      {
        owner: item.leaseOwner?.S,
        checkpoint: item.checkpoint?.S ?? '',
        sub: Number(item.checkpointSubSequenceNumber?.N ?? '0'),
      },
    ]),
  );
}

function readRows(log: string): Row[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Row);
}

function after(seq: string, sub: number, checkpoint: string, checkpointSub: number): boolean {
  if (!/^\d+$/.test(checkpoint)) return true;
  const a = BigInt(seq);
  const b = BigInt(checkpoint);
  return a > b || (a === b && sub > checkpointSub);
}

it('separate worker processes share the stream; kill -9 of one: survivors own its shards within failover + a taker cycle, at-least-once, reprocessing only after the last checkpoint; SIGTERM releases leases', async () => {
  await fixture.createStream('procs', 4);
  const log = join(dir, 'records.jsonl');
  writeFileSync(log, '');
  const victim = spawnWorker('p1', log);
  const survivor = spawnWorker('p2', log);
  let produced = 0;
  let producing = true;
  const producer = (async () => {
    while (producing) {
      await fixture.put(
        'procs',
        Array.from({ length: 40 }, () => ({ partitionKey: `k${produced % 101}`, data: Buffer.from(`p${produced++}`) })),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await waitFor(
    async () => {
      const owners = [...(await leases()).values()].map((l) => l.owner);
      return (
        owners.length === 4 &&
        owners.filter((o) => o === 'p1').length === 2 &&
        owners.filter((o) => o === 'p2').length === 2
      );
    },
    20_000,
    'both processes owning 2 shards each',
  );
  await waitFor(() => new Set(readRows(log).map((r) => r.worker)).size === 2, 10_000, 'both processing');
  victim.kill('SIGKILL');
  const killedAt = Date.now();
  await new Promise((r) => victim.once('exit', r));
  const rowsBeforeKill = readRows(log).length;
  const atKill = await leases();
  const victimShards = [...atKill].filter(([, l]) => l.owner === 'p1').map(([shardId]) => shardId);
  expect(victimShards).toHaveLength(2);
  await waitFor(
    async () => [...(await leases()).values()].every((l) => l.owner === 'p2'),
    15_000,
    'survivor owning every shard',
  );
  const failoverMs = Date.now() - killedAt;
  // Failover time + one jittered taker cycle + a scan, with slack for a loaded 2-core machine.
  expect(failoverMs).toBeLessThan(FAILOVER_MS + TAKER_MS * 1.2 + 2_500);
  producing = false;
  await producer;
  await waitFor(() => new Set(readRows(log).map((r) => r.data)).size === produced, 15_000, 'every record processed');
  const rows = readRows(log);
  for (const shardId of victimShards) {
    const checkpoint = atKill.get(shardId);
    for (const row of rows.slice(rowsBeforeKill).filter((r) => r.shardId === shardId)) {
      expect(after(row.seq, row.sub, checkpoint?.checkpoint ?? '', checkpoint?.sub ?? 0)).toBe(true);
    }
  }
  const exited = new Promise<number | null>((r) => survivor.once('exit', (code) => r(code)));
  survivor.kill('SIGTERM');
  expect(await exited).toBe(0);
  const final = await leases();
  expect([...final.values()].every((l) => l.owner === undefined)).toBe(true);
});
