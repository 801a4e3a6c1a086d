import { KinesisProducer } from '@shardline/producer';
import { describe, expect, it } from 'vitest';
import { createStream, readStream, streamName, TEST_CREDENTIALS, useBroker } from './helpers/stream-fixture.js';

const fixture = useBroker();

describe("protocol: 'cbor'", () => {
  it('stores every record exactly once, aggregated or alone, keys and explicit hash keys intact', async () => {
    const stream = streamName('cbor');
    await createStream(fixture.client, stream, 4);
    const producer = new KinesisProducer({
      endpoint: fixture.broker.url,
      credentials: TEST_CREDENTIALS,
      protocol: 'cbor',
      metricsInterval: 0,
    });
    expect(producer.config.protocol).toBe('cbor');
    const puts = [];
    for (let i = 0; i < 3_000; i++) {
      puts.push(producer.put({ streamName: stream, partitionKey: `k-${i}`, data: Buffer.from(`v-${i}`) }));
    }
    const big = Buffer.alloc(300_000, 9);
    puts.push(producer.put({ streamName: stream, partitionKey: 'big', data: big }));
    puts.push(producer.put({ streamName: stream, partitionKey: 'clé 😀 "q"', data: 'unicode' }));
    puts.push(producer.put({ streamName: stream, partitionKey: 'ehk', data: 'e', explicitHashKey: '0042' }));
    const results = await Promise.all(puts);
    expect(results.every((r) => r.attempts === 1)).toBe(true);

    // A stream that does not exist: the CBOR error answer becomes a non-retriable AwsServiceError.
    const missing = producer.put({ streamName: 'no-such-cbor-stream', partitionKey: 'k', data: 'x' });
    await expect(missing).rejects.toMatchObject({ awsErrorCode: 'ResourceNotFoundException', retriable: false });
    await producer.close();

    const read = await readStream(fixture.client, stream);
    expect(read.droppedAggregates).toBe(0);
    expect(read.records).toHaveLength(3_003);
    const byKey = new Map(read.records.map((r) => [r.partitionKey, r]));
    for (let i = 0; i < 3_000; i += 97) expect(byKey.get(`k-${i}`)?.data.toString()).toBe(`v-${i}`);
    expect(byKey.get('big')?.data.equals(big)).toBe(true);
    expect(byKey.get('clé 😀 "q"')?.data.toString()).toBe('unicode');
    expect(byKey.get('ehk')?.data.toString()).toBe('e');
    const seqs = new Set(results.slice(0, 3_000).map((r) => r.sequenceNumber));
    expect(seqs.size).toBeLessThan(3_000);
  });

  it('rejects an unknown protocol at construction', () => {
    expect(() => new KinesisProducer({ region: 'us-east-1', protocol: 'xml' as 'json' })).toThrow(/protocol/);
  });
});
