import { KinesisProducer, type PutResult } from '@shardline/producer';
import { describe, expect, it } from 'vitest';
import { createStream, readStream, streamName, TEST_CREDENTIALS, useBroker } from './helpers/stream-fixture.js';

const fixture = useBroker({ limits: 'aws' });

describe('throttling with AWS shard limits', () => {
  for (const aggregationEnabled of [true, false]) {
    it(`aggregation ${aggregationEnabled ? 'on' : 'off'}: nothing lost, no throttling error reaches the caller`, async () => {
      const stream = streamName('throttle');
      await createStream(fixture.client, stream, 1);
      // RateLimit far above the shard's limit makes the service throttle, so retries are exercised.
      const producer = new KinesisProducer({
        endpoint: fixture.broker.url,
        credentials: TEST_CREDENTIALS,
        aggregationEnabled,
        rateLimit: 400,
        recordTtl: 20_000,
        metricsInterval: 0,
      });
      const count = aggregationEnabled ? 2_500 : 2_500;
      const data = Buffer.alloc(aggregationEnabled ? 1000 : 200, 7);
      const puts: Promise<PutResult>[] = [];
      for (let i = 0; i < count; i++) {
        puts.push(producer.put({ streamName: stream, partitionKey: `k${i}`, data }));
      }
      const settled = await Promise.allSettled(puts);
      await producer.close();
      const rejected = settled.filter((s) => s.status === 'rejected');
      expect(rejected).toEqual([]);
      const errors = producer.metrics().errorsByCode;
      expect(errors.ProvisionedThroughputExceededException ?? 0).toBeGreaterThan(0);
      const read = await readStream(fixture.client, stream);
      const positions = new Set(read.records.map((r) => `${r.sequenceNumber}/${r.subSequenceNumber}`));
      for (const s of settled) {
        const result = (s as PromiseFulfilledResult<PutResult>).value;
        expect(positions.has(`${result.sequenceNumber}/${result.subSequenceNumber}`)).toBe(true);
      }
      expect(new Set(read.records.map((r) => r.partitionKey)).size).toBe(count);
    });
  }

  it('ordered mode keeps each partition key in put() order through throttling', async () => {
    const stream = streamName('ordered');
    await createStream(fixture.client, stream, 2);
    const producer = new KinesisProducer({
      endpoint: fixture.broker.url,
      credentials: TEST_CREDENTIALS,
      ordered: true,
      rateLimit: 400,
      // Aggregates near 1 MiB drain a shard's whole 1 MiB/s bucket, so the service throttles for sure.
      aggregationMaxSize: 1_000_000,
      metricsInterval: 0,
    });
    const keys = 20;
    const perKey = 300;
    const data = (key: number, i: number): Buffer => {
      const buffer = Buffer.alloc(1000, 1);
      buffer.writeUInt32BE(key, 0);
      buffer.writeUInt32BE(i, 4);
      return buffer;
    };
    const puts: Promise<PutResult>[] = [];
    for (let i = 0; i < perKey; i++) {
      for (let key = 0; key < keys; key++) {
        puts.push(producer.put({ streamName: stream, partitionKey: `key-${key}`, data: data(key, i) }));
      }
    }
    const results = await Promise.all(puts);
    await producer.close();
    expect(producer.metrics().errorsByCode.ProvisionedThroughputExceededException ?? 0).toBeGreaterThan(0);
    // put() order per key matches the stored order (sequence number, then sub-sequence number).
    const order = (r: PutResult): [bigint, number] => [BigInt(r.sequenceNumber), r.subSequenceNumber];
    for (let key = 0; key < keys; key++) {
      const mine = results.filter((_, index) => index % keys === key).map(order);
      for (let i = 1; i < mine.length; i++) {
        const [seq, sub] = mine[i] as [bigint, number];
        const [prevSeq, prevSub] = mine[i - 1] as [bigint, number];
        expect(seq > prevSeq || (seq === prevSeq && sub > prevSub), `key-${key} record ${i}`).toBe(true);
      }
    }
    const read = await readStream(fixture.client, stream);
    for (let key = 0; key < keys; key++) {
      const stored = read.records.filter((r) => r.partitionKey === `key-${key}`).map((r) => r.data.readUInt32BE(4));
      expect(stored).toEqual(Array.from({ length: perKey }, (_, i) => i));
    }
  });
});
