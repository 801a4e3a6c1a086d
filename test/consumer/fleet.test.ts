import { type ConsumerRecord, KinesisConsumer, type KinesisConsumerOptions } from '@shardline/consumer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, type StreamFixture, startStreamFixture, waitFor } from './helpers/stream-fixture.js';

let fixture: StreamFixture;
beforeAll(async () => {
  fixture = await startStreamFixture();
});
afterAll(async () => {
  await fixture.close();
});

function options(
  stream: string,
  app: string,
  workerId: string,
  extra: Partial<KinesisConsumerOptions> = {},
): KinesisConsumerOptions {
  return {
    streamName: stream,
    applicationName: app,
    workerId,
    endpoint: fixture.url,
    credentials: CREDENTIALS,
    dynamoDbEndpoint: fixture.dynamoDbEndpoint,
    initialPosition: 'TRIM_HORIZON',
    idleTimeBetweenReadsMillis: 100,
    minTimeBetweenReadsMillis: 0,
    autoCheckpointIntervalMillis: 0,
    leaseTakerIntervalMillis: 300,
    ...extra,
  };
}

function key(record: ConsumerRecord): string {
  return record.data.toString();
}

describe('a fleet of in-process workers', () => {
  it('shares an 8-shard stream ⌈N/W⌉±1, processes every record, and checkpoints advance', async () => {
    await fixture.createStream('fleet', 8);
    const total = 2_000;
    await fixture.put(
      'fleet',
      Array.from({ length: total }, (_, i) => ({ partitionKey: `pk-${i}`, data: Buffer.from(`r${i}`) })),
    );
    const seen = new Map<string, number>();
    const workers = ['w1', 'w2', 'w3'].map((id) => new KinesisConsumer(options('fleet', 'fleet-app', id)));
    for (const worker of workers) {
      await worker.run({
        eachRecord: (record) => {
          seen.set(key(record), (seen.get(key(record)) ?? 0) + 1);
        },
      });
    }
    await waitFor(() => seen.size === total, 20_000, 'every record');
    await waitFor(
      () => {
        const counts = workers.map((w) => w.ownedShards().length);
        return counts.reduce((a, b) => a + b, 0) === 8 && counts.every((c) => c >= 2 && c <= 4);
      },
      15_000,
      'balance',
    );
    const counts = workers.map((w) => w.ownedShards().length);
    for (const count of counts) expect(Math.abs(count - Math.ceil(8 / 3))).toBeLessThanOrEqual(1);
    // Every shard's checkpoint is a sequence number now (it started at TRIM_HORIZON).
    const tableLeases = await readLeases('fleet-app');
    await waitFor(
      async () => (await readLeases('fleet-app')).every((l) => /^\d+$/.test(l.checkpoint)),
      5_000,
      'checkpoints',
    );
    expect(tableLeases).toHaveLength(8);
    const taken = workers.map((w) => w.metrics().TakenLeases);
    // Settled: a few more taker cycles move nothing.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(workers.map((w) => w.metrics().TakenLeases)).toEqual(taken);
    await Promise.all(workers.map((w) => w.close()));
    const sent = workers.reduce((sum, w) => sum + w.metrics().RecordsProcessed, 0);
    expect(sent).toBeGreaterThanOrEqual(total);
  });

  it('graceful shutdown hands shards to the survivor within about two seconds, nothing reprocessed', async () => {
    await fixture.createStream('graceful', 4);
    const counts = new Map<string, number>();
    const make = (id: string) =>
      new KinesisConsumer(options('graceful', 'graceful-app', id, { leaseTakerIntervalMillis: 1_500 }));
    const a = make('a');
    const b = make('b');
    const handler = (record: ConsumerRecord): void => {
      counts.set(key(record), (counts.get(key(record)) ?? 0) + 1);
    };
    await a.run({ eachRecord: handler });
    await b.run({ eachRecord: handler });
    await waitFor(() => a.ownedShards().length === 2 && b.ownedShards().length === 2, 15_000, 'balance');
    let next = 0;
    const produce = async (n: number) => {
      const batch = Array.from({ length: n }, () => ({
        partitionKey: `k${next % 37}`,
        data: Buffer.from(`g${next++}`),
      }));
      await fixture.put('graceful', batch);
    };
    await produce(400);
    await waitFor(() => counts.size === 400, 10_000, 'first wave');
    const closedAt = Date.now();
    await a.close();
    await waitFor(() => b.ownedShards().length === 4, 5_000, 'handoff');
    const handoffMs = Date.now() - closedAt;
    expect(handoffMs).toBeLessThan(2_500);
    await produce(400);
    await waitFor(() => counts.size === 800, 10_000, 'second wave');
    await new Promise((r) => setTimeout(r, 300));
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    await b.close();
  });

  it('DynamoDB throttling and errors during renew and checkpoint are retried, not fatal', async () => {
    await fixture.createStream('flaky-ddb', 2);
    const { DynamoDBClient } = await import('../../packages/consumer/test/helpers/aws-sdk.js');
    const client = new DynamoDBClient({
      endpoint: fixture.dynamoDbEndpoint,
      region: 'us-east-1',
      credentials: { ...CREDENTIALS },
      maxAttempts: 1,
    });
    let injected = 0;
    let calls = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand' && ++calls % 3 === 0) {
          injected++;
          if (injected % 2 === 0)
            throw Object.assign(new Error('Throughput exceeds the current capacity'), {
              name: 'ProvisionedThroughputExceededException',
              $metadata: { httpStatusCode: 400 },
            });
          throw Object.assign(new Error('Internal server error'), {
            name: 'InternalServerError',
            $metadata: { httpStatusCode: 500 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectFaults' },
    );
    const consumer = new KinesisConsumer({
      ...options('flaky-ddb', 'flaky-app', 'only', { leaseRenewalIntervalMillis: 100, failoverTimeMillis: 3_000 }),
      dynamoDbClient: client,
    });
    const seen = new Set<string>();
    let checkpoints = 0;
    consumer.on('checkpoint', () => checkpoints++);
    await consumer.run({ eachRecord: (r) => void seen.add(key(r)) });
    await fixture.put(
      'flaky-ddb',
      Array.from({ length: 300 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.from(`f${i}`) })),
    );
    await waitFor(() => seen.size === 300, 10_000, 'records');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(injected).toBeGreaterThan(3);
    expect(checkpoints).toBeGreaterThan(0);
    expect(consumer.metrics().LostLeases).toBe(0);
    expect(consumer.metrics().RenewLease).toBeGreaterThan(5);
    expect(consumer.ownedShards()).toHaveLength(2);
    await consumer.close();
    client.destroy();
  });
});

async function readLeases(table: string): Promise<{ leaseKey: string; checkpoint: string; owner?: string }[]> {
  const { DynamoDBClient, ScanCommand } = await import('../../packages/consumer/test/helpers/aws-sdk.js');
  const client = new DynamoDBClient({
    endpoint: fixture.dynamoDbEndpoint,
    region: 'us-east-1',
    credentials: { ...CREDENTIALS },
  });
  try {
    const out = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    return (out.Items ?? []).map((item) => ({
      leaseKey: item.leaseKey?.S ?? '',
      checkpoint: item.checkpoint?.S ?? '',
      ...(item.leaseOwner?.S === undefined ? {} : { owner: item.leaseOwner.S }),
    }));
  } finally {
    client.destroy();
  }
}
