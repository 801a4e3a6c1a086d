import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Broker, startBroker } from '@shardline/broker';
import { KinesisProducer, type PutResult } from '@shardline/producer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KinesisClient } from '../../packages/producer/test/support/kinesis-sdk.js';
import { type FaultProxy, startFaultProxy } from './helpers/fault-proxy.js';
import { createStream, readStream, sdkClient, streamName, TEST_CREDENTIALS } from './helpers/stream-fixture.js';

let broker: Broker;
let proxy: FaultProxy;
let client: KinesisClient;

beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0 });
  proxy = await startFaultProxy(broker.url);
  client = sdkClient(broker.url);
});

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await broker?.close();
});

const MAX_BYTES = 2 * 1024 * 1024;
const MAX_RECORDS = 3_000;

describe('back-pressure while the broker is paused', () => {
  it('a piped source stalls at the bound: buffered records and memory stay bounded, then everything lands', async () => {
    const stream = streamName('paused');
    await createStream(client, stream, 2);
    const producer = new KinesisProducer({
      endpoint: proxy.url,
      credentials: TEST_CREDENTIALS,
      maxBufferedBytes: MAX_BYTES,
      maxBufferedRecords: MAX_RECORDS,
      requestTimeout: 30_000,
      metricsInterval: 0,
    });
    await producer.put({ streamName: stream, partitionKey: 'warm-up', data: 'x' });
    proxy.choose = (target) => (target.endsWith('PutRecords') ? 'hold' : 'pass');
    const total = 8_000;
    let produced = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < total; i++) {
          produced = i + 1;
          yield { id: i, payload: 'p'.repeat(1000) };
        }
      })(),
    );
    const baseline = process.memoryUsage().heapUsed;
    let maxOutstanding = 0;
    let maxHeapGrowth = 0;
    const sampler = setInterval(() => {
      maxOutstanding = Math.max(maxOutstanding, producer.outstanding);
      maxHeapGrowth = Math.max(maxHeapGrowth, process.memoryUsage().heapUsed - baseline);
    }, 5);
    const sink = producer.writable({
      streamName: stream,
      partitionKey: (chunk) => `id-${(chunk as { id: number }).id}`,
    });
    const done = pipeline(source, sink);
    await new Promise((resolve) => setTimeout(resolve, 800));
    // Paused: the source was stopped near the bound instead of filling memory.
    expect(producer.outstanding).toBeLessThanOrEqual(MAX_RECORDS);
    expect(produced).toBeLessThan(MAX_RECORDS + 100);
    expect(produced).toBeGreaterThan(1_000);

    // whenFull 'wait' with a timeout, and an AbortSignal, give up while the broker stays paused.
    const timed = producer.put({ streamName: stream, partitionKey: 'late', data: 'x' }, { timeout: 50 });
    await expect(timed).rejects.toMatchObject({ code: 'SHARDLINE_ERR_ABORTED' });
    const controller = new AbortController();
    const aborted = producer.put(
      { streamName: stream, partitionKey: 'late', data: 'x' },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'SHARDLINE_ERR_ABORTED' });

    proxy.resume();
    await done;
    clearInterval(sampler);
    await producer.close();
    expect(maxOutstanding).toBeLessThanOrEqual(MAX_RECORDS);
    // 2 MiB of payload bound: heap growth stays within a small multiple of it (records, promises, bodies).
    expect(maxHeapGrowth).toBeLessThan(40 * 1024 * 1024);
    const read = await readStream(client, stream);
    expect(new Set(read.records.map((r) => r.partitionKey)).size).toBe(total + 1);
  });

  it("whenFull 'fail' rejects at once with BufferFullError and never drops accepted records", async () => {
    const stream = streamName('fail-fast');
    await createStream(client, stream, 1);
    const producer = new KinesisProducer({
      endpoint: proxy.url,
      credentials: TEST_CREDENTIALS,
      maxBufferedRecords: 100,
      whenFull: 'fail',
      requestTimeout: 30_000,
      metricsInterval: 0,
    });
    proxy.choose = (target) => (target.endsWith('PutRecords') ? 'hold' : 'pass');
    const puts: Promise<PutResult>[] = [];
    for (let i = 0; i < 150; i++) puts.push(producer.put({ streamName: stream, partitionKey: `k${i}`, data: 'x' }));
    const early = await Promise.allSettled(puts.slice(100));
    expect(
      early.every(
        (s) => s.status === 'rejected' && (s.reason as { code: string }).code === 'SHARDLINE_ERR_BUFFER_FULL',
      ),
    ).toBe(true);
    proxy.resume();
    const accepted = await Promise.all(puts.slice(0, 100));
    expect(accepted).toHaveLength(100);
    await producer.close();
  });
});
