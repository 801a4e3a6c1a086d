import { KinesisProducer, type PutResult } from '@shardline/producer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './helpers/fault-proxy.js';
import { createStream, streamName, TEST_CREDENTIALS, useBroker } from './helpers/stream-fixture.js';

const fixture = useBroker();
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await startFaultProxy(fixture.broker.url);
});

afterAll(async () => {
  await proxy?.close();
});

/** A linger no test waits for: a put that settles within the test settled because it was sent early. */
const LONG_LINGER = 600_000;

function producer(minRequestsInFlight?: number): KinesisProducer {
  return new KinesisProducer({
    endpoint: proxy.url,
    credentials: TEST_CREDENTIALS,
    metricsInterval: 0,
    aggregationEnabled: false,
    // An eighth of a request is then one record: a lone record is enough to send early.
    collectionMaxCount: 8,
    recordMaxBufferedTime: LONG_LINGER,
    ...(minRequestsInFlight === undefined ? {} : { minRequestsInFlight }),
  });
}

/** Resolves with the put's outcome, or with 'pending' if it has not settled within `ms`. */
function within(put: Promise<PutResult>, ms: number): Promise<PutResult | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  return Promise.race([put, late]).finally(() => clearTimeout(timer));
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('minRequestsInFlight', () => {
  it('by default a record goes out at once while the connections are idle, not after recordMaxBufferedTime', async () => {
    const stream = streamName('eager');
    await createStream(fixture.client, stream, 2);
    const p = producer();
    const outcome = await within(p.put({ streamName: stream, partitionKey: 'k', data: 'x' }), 5_000);
    expect(outcome).not.toBe('pending');
    await p.close();
  });

  it('records collected while enough requests are in flight go out when one is answered', async () => {
    const stream = streamName('eager-held');
    await createStream(fixture.client, stream, 2);
    const p = producer(1);
    proxy.choose = (target) => (target.endsWith('.PutRecords') ? 'hold' : 'pass');
    try {
      const first = p.put({ streamName: stream, partitionKey: 'same', data: 'first' });
      await until(() => proxy.counts.hold === 1);
      const second = p.put({ streamName: stream, partitionKey: 'same', data: 'second' });
      // One request is in flight, which is not below 1: the second record waits for it.
      expect(await within(second, 300)).toBe('pending');
      expect(proxy.counts.hold).toBe(1);
      proxy.resume();
      const [a, b] = await Promise.all([within(first, 5_000), within(second, 5_000)]);
      expect(a).not.toBe('pending');
      expect(b).not.toBe('pending');
      // Sent after the first was stored, on the same shard.
      expect(BigInt((b as PutResult).sequenceNumber) > BigInt((a as PutResult).sequenceNumber)).toBe(true);
    } finally {
      proxy.resume();
      await p.close();
    }
  });

  it('0 keeps fill-or-deadline collection: an idle producer still waits for the request to fill', async () => {
    const stream = streamName('eager-off');
    await createStream(fixture.client, stream, 2);
    const p = producer(0);
    const put = p.put({ streamName: stream, partitionKey: 'k', data: 'x' });
    expect(await within(put, 300)).toBe('pending');
    await p.flush();
    expect(await within(put, 1_000)).not.toBe('pending');
    await p.close();
  });
});
