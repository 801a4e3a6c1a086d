import { KinesisConsumer } from '@shardline/consumer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CREDENTIALS, type StreamFixture, startStreamFixture, waitFor } from './helpers/stream-fixture.js';

let fixture: StreamFixture;
beforeAll(async () => {
  fixture = await startStreamFixture();
});
afterAll(async () => {
  await fixture.close();
});

it('one worker reads every record of a 2-shard stream from TRIM_HORIZON', async () => {
  await fixture.createStream('smoke', 2);
  const records = Array.from({ length: 100 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.from(`r${i}`) }));
  await fixture.put('smoke', records);
  const consumer = new KinesisConsumer({
    streamName: 'smoke',
    applicationName: 'smoke-app',
    endpoint: fixture.url,
    credentials: CREDENTIALS,
    initialPosition: 'TRIM_HORIZON',
    idleTimeBetweenReadsMillis: 50,
    minTimeBetweenReadsMillis: 0,
    leaseTakerIntervalMillis: 200,
  });
  const seen = new Set<string>();
  await consumer.run({
    eachBatch: async ({ records: batch }) => {
      for (const r of batch) seen.add(r.data.toString());
    },
  });
  await waitFor(() => seen.size === 100, 10_000, 'all records');
  expect(consumer.ownedShards()).toHaveLength(2);
  await consumer.close();
  expect(consumer.metrics().RecordsProcessed).toBe(100);
});
