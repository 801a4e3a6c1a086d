import { type Broker, startBroker } from '@shardline/broker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  type Shard,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '../../packages/broker/test/helpers/aws-sdk.js';
import { sdkClient } from './sdk-client.js';

let broker: Broker;
let client: KinesisClient;

beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0, updateStreamMs: 20, deleteStreamMs: 0 });
  client = sdkClient(broker.url, { http1: true });
});
afterAll(async () => {
  client.destroy();
  await broker.close();
});

async function readShard(shardId: string): Promise<{ key: string; n: number; seq: string }[]> {
  const out: { key: string; n: number; seq: string }[] = [];
  let iterator = (
    await client.send(
      new GetShardIteratorCommand({ StreamName: 'busy', ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    )
  ).ShardIterator;
  while (iterator !== undefined) {
    const r = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    for (const rec of r.Records ?? []) {
      const [key, n] = Buffer.from(rec.Data ?? [])
        .toString()
        .split('#');
      out.push({ key: key ?? '', n: Number(n), seq: rec.SequenceNumber ?? '' });
    }
    if (r.NextShardIterator === undefined) break;
    if ((r.Records ?? []).length === 0) break;
    iterator = r.NextShardIterator;
  }
  return out;
}

async function waitActive(): Promise<void> {
  for (;;) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'busy' }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

it('loses and reorders nothing within a partition key across splits, merges and scaling', async () => {
  await client.send(new CreateStreamCommand({ StreamName: 'busy', ShardCount: 2 }));
  const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
  const next = new Map(keys.map((k) => [k, 0]));
  let writing = true;
  let written = 0;
  const writer = (async (): Promise<unknown> => {
    while (writing) {
      const records = keys.map((k) => {
        const n = next.get(k) ?? 0;
        next.set(k, n + 1);
        return { PartitionKey: k, Data: Buffer.from(`${k}#${n}`) };
      });
      const out = await client.send(new PutRecordsCommand({ StreamName: 'busy', Records: records }));
      expect(out.FailedRecordCount).toBe(0);
      written += records.length;
    }
    return undefined;
  })().catch((error: unknown) => error);
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 40));
  await pause();
  try {
    await client.send(
      new SplitShardCommand({
        StreamName: 'busy',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: String(1n << 125n),
      }),
    );
    await pause();
    await waitActive();
    await pause();
    await client.send(
      new MergeShardsCommand({
        StreamName: 'busy',
        ShardToMerge: 'shardId-000000000002',
        AdjacentShardToMerge: 'shardId-000000000003',
      }),
    );
    await pause();
    await waitActive();
    await client.send(
      new UpdateShardCountCommand({ StreamName: 'busy', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }),
    );
    await pause();
    await waitActive();
    await pause();
  } finally {
    writing = false;
  }
  expect(await writer).toBeUndefined();

  // Read in KCL order: a shard only after all its parents, so per-key order must hold end to end.
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      token === undefined ? new ListShardsCommand({ StreamName: 'busy' }) : new ListShardsCommand({ NextToken: token }),
    );
    shards.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  expect(shards.length).toBeGreaterThan(6);
  const done = new Set<string>();
  const seen = new Map(keys.map((k) => [k, [] as number[]]));
  while (done.size < shards.length) {
    const ready = shards.filter(
      (s) =>
        !done.has(s.ShardId ?? '') &&
        (s.ParentShardId === undefined || done.has(s.ParentShardId)) &&
        (s.AdjacentParentShardId === undefined || done.has(s.AdjacentParentShardId)),
    );
    expect(ready.length).toBeGreaterThan(0);
    for (const s of ready) {
      const records = await readShard(s.ShardId ?? '');
      for (let i = 1; i < records.length; i++) expect((records[i]?.seq ?? '') > (records[i - 1]?.seq ?? '')).toBe(true);
      for (const r of records) seen.get(r.key)?.push(r.n);
      done.add(s.ShardId ?? '');
    }
  }
  let total = 0;
  for (const k of keys) {
    const values = seen.get(k) ?? [];
    total += values.length;
    expect(values).toEqual(Array.from({ length: next.get(k) ?? 0 }, (_, i) => i));
  }
  expect(total).toBe(written);
  expect(written).toBeGreaterThan(400);
});
