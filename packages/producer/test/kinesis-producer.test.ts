import { type Broker, startBroker } from '@shardline/broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisProducer } from '../src/index.js';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from './support/kinesis-sdk.js';

const CREDENTIALS = { accessKeyId: 'AKIDUNIT', secretAccessKey: 'unit-secret' };
let broker: Broker;

beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0 });
  const client = new KinesisClient({ endpoint: broker.url, region: 'us-east-1', credentials: { ...CREDENTIALS } });
  for (const name of ['unit-a', 'unit-b']) {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    for (let i = 0; i < 200; i++) {
      const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  client.destroy();
});

afterAll(async () => {
  await broker?.close();
});

function producer(): KinesisProducer {
  return new KinesisProducer({
    endpoint: broker.url,
    credentials: CREDENTIALS,
    metricsInterval: 0,
    recordMaxBufferedTime: 10,
    retryInitialBackoff: 10,
  });
}

describe('KinesisProducer settlement', () => {
  it('resolves every record of an aggregate with its index as sub-sequence number', async () => {
    const p = producer();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => p.put({ streamName: 'unit-a', partitionKey: 'same-key', data: 'x' })),
    );
    await p.close();
    expect(new Set(results.map((r) => r.sequenceNumber)).size).toBe(1);
    expect(results.map((r) => r.subSequenceNumber)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(results.every((r) => r.attempts === 1 && r.shardId.startsWith('shardId-'))).toBe(true);
  });

  it('rejects a failed put with the service error before the flush() covering it settles', async () => {
    const p = producer();
    const events: string[] = [];
    const put = p.put({ streamName: 'no-such-stream', partitionKey: 'k', data: 'x' }).then(
      () => events.push('resolved'),
      (error: { awsErrorCode?: string }) => events.push(`rejected ${error.awsErrorCode}`),
    );
    await p.flush();
    events.push('flushed');
    await put;
    await p.close();
    expect(events).toEqual(['rejected ResourceNotFoundException', 'flushed']);
  });

  it('validates stream names whichever stream was used last, and switches between streams', async () => {
    const p = producer();
    const a = p.put({ streamName: 'unit-a', partitionKey: 'k', data: 'x' });
    for (const streamName of [undefined, '', 'bad name!']) {
      await expect(
        p.put({ streamName, partitionKey: 'k', data: 'x' } as unknown as Parameters<KinesisProducer['put']>[0]),
      ).rejects.toMatchObject({ code: 'SHARDLINE_ERR_INVALID_ARGUMENT' });
    }
    const b = p.put({ streamName: 'unit-b', partitionKey: 'k', data: 'x' });
    const a2 = p.put({ streamName: 'unit-a', partitionKey: 'k', data: 'y' });
    const [ra, rb, ra2] = await Promise.all([a, b, a2]);
    await p.close();
    expect([ra.shardId, rb.shardId, ra2.shardId].every((id) => id.startsWith('shardId-'))).toBe(true);
    expect(p.metrics().metrics.UserRecordsPut.sum).toBe(3);
  });
});
