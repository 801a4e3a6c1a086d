import { type ConsumerRecord, KinesisConsumer } from '@shardline/consumer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CREDENTIALS, type StreamFixture, startStreamFixture, waitFor } from './helpers/stream-fixture.js';

let fixture: StreamFixture;
beforeAll(async () => {
  fixture = await startStreamFixture();
});
afterAll(async () => {
  await fixture.close();
});

it('split and merge during consumption: parents finish before children start, per-key order holds, nothing lost', async () => {
  await fixture.createStream('reshard', 2);
  const deliveries: { shardId: string; key: string; n: number; at: number }[] = [];
  let clock = 0;
  const workers = ['r1', 'r2'].map(
    (workerId) =>
      new KinesisConsumer({
        streamName: 'reshard',
        applicationName: 'reshard-app',
        workerId,
        endpoint: fixture.url,
        credentials: CREDENTIALS,
        dynamoDbEndpoint: fixture.dynamoDbEndpoint,
        initialPosition: 'TRIM_HORIZON',
        idleTimeBetweenReadsMillis: 50,
        minTimeBetweenReadsMillis: 0,
        leaseTakerIntervalMillis: 200,
        parentShardPollIntervalMillis: 50,
        shardSyncIntervalMillis: 1_000,
        autoCheckpointIntervalMillis: 0,
      }),
  );
  for (const worker of workers) {
    await worker.run({
      eachRecord: async (record: ConsumerRecord) => {
        const [key, n] = record.data.toString().split(':');
        deliveries.push({ shardId: record.shardId, key: key as string, n: Number(n), at: clock++ });
        // A little work per record so batches interleave with resharding.
        if (clock % 50 === 0) await new Promise((r) => setTimeout(r, 1));
      },
    });
  }
  const keys = Array.from({ length: 24 }, (_, i) => `key-${i}`);
  const counters = new Map(keys.map((k) => [k, 0]));
  let produced = 0;
  let producing = true;
  const producer = (async () => {
    while (producing) {
      const batch = keys.map((k) => {
        const n = (counters.get(k) as number) + 1;
        counters.set(k, n);
        return { partitionKey: k, data: Buffer.from(`${k}:${n}`) };
      });
      await fixture.put('reshard', batch);
      produced += batch.length;
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  await waitFor(() => deliveries.length > 200, 10_000, 'first records');
  const [first, second] = await fixture.shards('reshard');
  const mid = ((BigInt(first?.start ?? '0') + BigInt(first?.end ?? '0')) / 2n).toString();
  await fixture.split('reshard', first?.shardId ?? '', mid);
  await new Promise((r) => setTimeout(r, 1_000));
  const afterSplit = await fixture.shards('reshard');
  const highChild = afterSplit.find((s) => s.parent === first?.shardId && s.start === mid);
  await fixture.merge('reshard', highChild?.shardId ?? '', second?.shardId ?? '');
  await new Promise((r) => setTimeout(r, 1_000));
  producing = false;
  await producer;
  const expected = new Set<string>();
  for (const [k, n] of counters) for (let i = 1; i <= n; i++) expected.add(`${k}:${i}`);
  await waitFor(() => new Set(deliveries.map((d) => `${d.key}:${d.n}`)).size === expected.size, 20_000, 'every record');
  expect(produced).toBe(expected.size);

  const shards = await fixture.shards('reshard');
  expect(shards.length).toBe(5);
  const firstAt = new Map<string, number>();
  const lastAt = new Map<string, number>();
  for (const d of deliveries) {
    if (!firstAt.has(d.shardId)) firstAt.set(d.shardId, d.at);
    lastAt.set(d.shardId, d.at);
  }
  for (const shard of shards) {
    for (const parent of [shard.parent, shard.adjacentParent]) {
      if (parent === undefined || !firstAt.has(shard.shardId) || !lastAt.has(parent)) continue;
      expect((lastAt.get(parent) as number) < (firstAt.get(shard.shardId) as number)).toBe(true);
    }
  }
  // Both kinds of children were read (a split child and the merge child).
  const splitChild = shards.find((s) => s.parent === first?.shardId && s.adjacentParent === undefined && !s.closed);
  const mergeChild = shards.find((s) => s.adjacentParent !== undefined);
  expect(firstAt.has(splitChild?.shardId ?? '')).toBe(true);
  expect(firstAt.has(mergeChild?.shardId ?? '')).toBe(true);
  // Finished leases are cleaned up once their children checkpointed: only the two open shards remain.
  const { DynamoDBClient, ScanCommand } = await import('../../packages/consumer/test/helpers/aws-sdk.js');
  const ddb = new DynamoDBClient({
    endpoint: fixture.dynamoDbEndpoint,
    region: 'us-east-1',
    credentials: { ...CREDENTIALS },
  });
  await waitFor(
    async () =>
      ((await ddb.send(new ScanCommand({ TableName: 'reshard-app', ConsistentRead: true }))).Items ?? []).length === 2,
    8_000,
    'cleanup of finished leases',
  );
  ddb.destroy();
  // Per key: first deliveries come in production order.
  const lastN = new Map<string, number>();
  const firstSeen = new Set<string>();
  for (const d of deliveries) {
    const id = `${d.key}:${d.n}`;
    if (firstSeen.has(id)) continue;
    firstSeen.add(id);
    expect(d.n).toBe((lastN.get(d.key) ?? 0) + 1);
    lastN.set(d.key, d.n);
  }
  await Promise.all(workers.map((w) => w.close()));
});
