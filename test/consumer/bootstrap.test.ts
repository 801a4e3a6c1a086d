import { DescribeTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { type ConsumerRecord, KinesisConsumer } from '@shardline/consumer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, type StreamFixture, startStreamFixture, waitFor } from './helpers/stream-fixture.js';

let fixture: StreamFixture;
let dynamo: DynamoDBClient;
beforeAll(async () => {
  fixture = await startStreamFixture();
  dynamo = new DynamoDBClient({
    endpoint: fixture.dynamoDbEndpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
  });
});
afterAll(async () => {
  dynamo.destroy();
  await fixture.close();
});

/**
 * Starts `workerCount` workers at the same instant on a `shardCount`-shard stream holding a backlog,
 * and records, per worker, the most leases it ever held and every lease it lost.
 */
async function bootstrap(stream: string, shardCount: number, workerCount: number) {
  await fixture.createStream(stream, shardCount);
  const total = 600;
  await fixture.put(
    stream,
    Array.from({ length: total }, (_, i) => ({ partitionKey: `pk-${i}`, data: Buffer.from(`${stream}-${i}`) })),
  );
  const deliveries = new Map<string, number>();
  const maxHeld = new Array<number>(workerCount).fill(0);
  const lost: string[] = [];
  const workers = Array.from(
    { length: workerCount },
    (_, i) =>
      new KinesisConsumer({
        streamName: stream,
        applicationName: `${stream}-app`,
        workerId: `${stream}-w${i}`,
        endpoint: fixture.url,
        credentials: CREDENTIALS,
        dynamoDbEndpoint: fixture.dynamoDbEndpoint,
        initialPosition: 'TRIM_HORIZON',
        idleTimeBetweenReadsMillis: 100,
        minTimeBetweenReadsMillis: 0,
        autoCheckpointIntervalMillis: 0,
        leaseTakerIntervalMillis: 300,
      }),
  );
  workers.forEach((worker, i) => {
    worker.on('leaseAcquired', () => {
      maxHeld[i] = Math.max(maxHeld[i] as number, worker.ownedShards().length);
    });
    worker.on('leaseLost', ({ shardId, reason }) => lost.push(`${shardId}: ${reason}`));
  });
  const handler = (record: ConsumerRecord): void => {
    const key = record.data.toString();
    deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
  };
  await Promise.all(workers.map((worker) => worker.run({ eachRecord: handler })));
  return { workers, deliveries, maxHeld, lost, total };
}

describe('bootstrap of workers started together (worker registry)', () => {
  for (const [shards, workerCount] of [
    [6, 3],
    [8, 2],
  ] as const) {
    it(`${workerCount} workers on ${shards} shards take at most ⌈N/W⌉ each from the start; nothing is stolen or redelivered`, async () => {
      const stream = `boot-${shards}-${workerCount}`;
      const { workers, deliveries, maxHeld, lost, total } = await bootstrap(stream, shards, workerCount);
      const fair = Math.ceil(shards / workerCount);
      await waitFor(() => deliveries.size === total, 20_000, 'every record');
      await waitFor(
        () => workers.reduce((sum, w) => sum + w.ownedShards().length, 0) === shards,
        10_000,
        'every lease held',
      );
      // A few more taker cycles: still nothing moves.
      await new Promise((r) => setTimeout(r, 1_000));
      for (const held of maxHeld) expect(held).toBeLessThanOrEqual(fair);
      expect(lost).toEqual([]);
      const metrics = workers.map((w) => w.metrics());
      expect(metrics.reduce((sum, m) => sum + m.TakenLeases, 0)).toBe(shards);
      expect(metrics.every((m) => m.LostLeases === 0 && m.NumWorkers === workerCount)).toBe(true);
      expect([...deliveries.values()].every((count) => count === 1)).toBe(true);
      // Every worker is registered while running, and graceful close removes it.
      const registry = `${stream}-app-workers`;
      const before = await dynamo.send(new ScanCommand({ TableName: registry, ConsistentRead: true }));
      expect(before.Items?.map((item) => item.workerId?.S).sort()).toEqual(
        workers.map((w) => w.config.workerId).sort(),
      );
      await Promise.all(workers.map((w) => w.close()));
      const after = await dynamo.send(new ScanCommand({ TableName: registry, ConsistentRead: true }));
      expect(after.Items).toEqual([]);
    });
  }

  it('creates the registry table with key workerId and PAY_PER_REQUEST, under a configurable name', async () => {
    await fixture.createStream('boot-name', 1);
    const worker = new KinesisConsumer({
      streamName: 'boot-name',
      applicationName: 'boot-name-app',
      workerRegistryTableName: 'custom-registry',
      endpoint: fixture.url,
      credentials: CREDENTIALS,
      dynamoDbEndpoint: fixture.dynamoDbEndpoint,
      leaseTakerIntervalMillis: 200,
    });
    await worker.run({ eachBatch: () => undefined });
    const table = await dynamo.send(new DescribeTableCommand({ TableName: 'custom-registry' }));
    expect(table.Table?.KeySchema).toEqual([{ AttributeName: 'workerId', KeyType: 'HASH' }]);
    expect(table.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    // The lease table holds only leases (KCL 2.x readers must never see another item).
    await waitFor(() => worker.ownedShards().length === 1, 5_000, 'lease');
    const leases = await dynamo.send(new ScanCommand({ TableName: 'boot-name-app', ConsistentRead: true }));
    expect(leases.Items?.every((item) => item.leaseKey?.S?.startsWith('shardId-'))).toBe(true);
    await worker.close();
  });
  it('a dead worker counts only until its heartbeat is stale, then its registry item is removed', async () => {
    await fixture.createStream('boot-ghost', 2);
    const make = (id: string) =>
      new KinesisConsumer({
        streamName: 'boot-ghost',
        applicationName: 'boot-ghost-app',
        workerId: id,
        endpoint: fixture.url,
        credentials: CREDENTIALS,
        dynamoDbEndpoint: fixture.dynamoDbEndpoint,
        failoverTimeMillis: 900,
        leaseTakerIntervalMillis: 150,
      });
    // Register the table by starting and closing a worker, then leave a killed worker's item behind.
    const first = make('boot-ghost-a');
    await first.run({ eachBatch: () => undefined });
    await first.close();
    await dynamo.send(
      new PutItemCommand({
        TableName: 'boot-ghost-app-workers',
        Item: { workerId: { S: 'boot-ghost-dead' }, heartbeat: { N: '7' } },
      }),
    );
    const worker = make('boot-ghost-b');
    await worker.run({ eachBatch: () => undefined });
    // Counted while fresh: two workers share two leases, so this one takes one.
    await waitFor(() => worker.ownedShards().length === 1, 5_000, 'first lease');
    expect(worker.metrics().NumWorkers).toBe(2);
    // After the failover time the ghost no longer counts, and its item is gone.
    await waitFor(() => worker.ownedShards().length === 2, 5_000, 'second lease');
    await waitFor(
      async () => {
        const out = await dynamo.send(new ScanCommand({ TableName: 'boot-ghost-app-workers', ConsistentRead: true }));
        return (out.Items ?? []).every((item) => item.workerId?.S !== 'boot-ghost-dead');
      },
      5_000,
      'stale item removed',
    );
    await worker.close();
  });
});
