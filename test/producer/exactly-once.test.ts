import { partitionKeyHash } from '@shardline/core';
import { KinesisProducer, type PutResult } from '@shardline/producer';
import { describe, expect, it } from 'vitest';
import {
  createStream,
  listAllShards,
  readStream,
  streamName,
  TEST_CREDENTIALS,
  useBroker,
} from './helpers/stream-fixture.js';

const fixture = useBroker();

async function putAll(
  producer: KinesisProducer,
  stream: string,
  count: number,
): Promise<{ results: PutResult[]; keys: string[] }> {
  const keys: string[] = [];
  const puts: Promise<PutResult>[] = [];
  for (let i = 0; i < count; i++) {
    const key = `key-${i % 997}-${i}`;
    keys.push(key);
    puts.push(producer.put({ streamName: stream, partitionKey: key, data: `payload-${i}` }));
  }
  return { results: await Promise.all(puts), keys };
}

describe('a large run is read back exactly once per put', () => {
  // Both places a request can be sent from: the worker thread (the default) and the calling thread.
  const cases = [
    { aggregationEnabled: true, sendThread: 'worker' },
    { aggregationEnabled: false, sendThread: 'worker' },
    { aggregationEnabled: true, sendThread: 'main' },
  ] as const;
  for (const { aggregationEnabled, sendThread } of cases) {
    const name = `aggregation ${aggregationEnabled ? 'on' : 'off'}, sendThread '${sendThread}'`;
    it(`${name}: every record once, on its shard, at its sequence`, async () => {
      const stream = streamName('once');
      await createStream(fixture.client, stream, 4);
      const producer = new KinesisProducer({
        endpoint: fixture.broker.url,
        credentials: TEST_CREDENTIALS,
        aggregationEnabled,
        sendThread,
        recordMaxBufferedTime: 20,
        aggregationMaxSize: 8192,
      });
      // Let the shard map load so records are aggregated per predicted shard.
      await producer.put({ streamName: stream, partitionKey: 'warm-up', data: 'warm-up' });
      const count = aggregationEnabled ? 30_000 : 6_000;
      const { results, keys } = await putAll(producer, stream, count);
      await producer.close();

      const read = await readStream(fixture.client, stream);
      expect(read.droppedAggregates).toBe(0);
      const shards = await listAllShards(fixture.client, stream);
      const byPosition = new Map<string, (typeof read.records)[number]>();
      for (const record of read.records) {
        const position = `${record.sequenceNumber}/${record.subSequenceNumber}`;
        expect(byPosition.has(position)).toBe(false);
        byPosition.set(position, record);
      }
      const seen = new Set<string>();
      for (let i = 0; i < count; i++) {
        const result = results[i] as PutResult;
        const record = byPosition.get(`${result.sequenceNumber}/${result.subSequenceNumber}`);
        expect(record, `record ${i}`).toBeDefined();
        expect(record?.partitionKey).toBe(keys[i]);
        expect(record?.data.toString()).toBe(`payload-${i}`);
        expect(record?.shardId).toBe(result.shardId);
        expect(result.attempts).toBeGreaterThanOrEqual(1);
        const shard = shards.find((s) => s.ShardId === result.shardId);
        const hash = partitionKeyHash(keys[i] as string);
        expect(hash >= BigInt(shard?.HashKeyRange?.StartingHashKey as string)).toBe(true);
        expect(hash <= BigInt(shard?.HashKeyRange?.EndingHashKey as string)).toBe(true);
        seen.add(keys[i] as string);
      }
      // Nothing else is in the stream: exactly once per put (plus the warm-up record).
      const payloads = read.records.filter((r) => r.partitionKey !== 'warm-up');
      expect(payloads.length).toBe(count);
      expect(seen.size).toBe(count);
      if (aggregationEnabled) {
        expect(results.some((r) => r.subSequenceNumber > 0)).toBe(true);
        const metrics = producer.metrics().metrics;
        expect(metrics.UserRecordsPut.count).toBe(count + 1);
        expect(metrics.KinesisRecordsPut.count).toBeLessThan(count / 10);
      }
    });
  }
});
