import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, startBroker } from '@shardline/broker';
import { KinesisProducer, type PutResult } from '@shardline/producer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KinesisClient } from '../../packages/producer/test/support/kinesis-sdk.js';
import { type Fault, type FaultProxy, startFaultProxy } from './helpers/fault-proxy.js';
import { createStream, readStream, sdkClient, streamName, TEST_CREDENTIALS } from './helpers/stream-fixture.js';

let dataDir: string;
let broker: Broker;
let proxy: FaultProxy;
let client: KinesisClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'shardline-producer-faults-'));
  broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0, dataDir });
  proxy = await startFaultProxy(broker.url);
  client = sdkClient(broker.url);
});

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await broker?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Puts `count` records in small bursts and returns every put's outcome. */
async function run(producer: KinesisProducer, stream: string, count: number, midway?: () => Promise<void>) {
  const puts: Promise<PutResult>[] = [];
  for (let i = 0; i < count; i++) {
    puts.push(producer.put({ streamName: stream, partitionKey: `pk-${i}`, data: `record-${i}` }));
    if (i % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 10));
    if (i === count >> 1 && midway !== undefined) await midway();
  }
  return Promise.allSettled(puts);
}

async function checkStored(stream: string, settled: PromiseSettledResult<PutResult>[]): Promise<number> {
  const read = await readStream(client, stream);
  const byPosition = new Map(read.records.map((r) => [`${r.sequenceNumber}/${r.subSequenceNumber}`, r]));
  settled.forEach((outcome, i) => {
    expect(outcome.status, `put ${i}`).toBe('fulfilled');
    const result = (outcome as PromiseFulfilledResult<PutResult>).value;
    const stored = byPosition.get(`${result.sequenceNumber}/${result.subSequenceNumber}`);
    expect(stored?.data.toString(), `put ${i}`).toBe(`record-${i}`);
    expect(stored?.partitionKey).toBe(`pk-${i}`);
  });
  const distinct = new Set(read.records.map((r) => r.partitionKey));
  expect(distinct.size).toBe(settled.length);
  // Duplicates come only from retries after ambiguous failures (answer lost after the write).
  return read.records.length - settled.length;
}

describe('faults between the producer and the broker', () => {
  it('500s, connection resets, slow answers and timeouts: every put settles, nothing acknowledged is lost', async () => {
    const stream = streamName('faults');
    await createStream(client, stream, 2);
    let n = 0;
    const plan: Fault[] = ['pass', 'error500', 'pass', 'reset-before', 'pass', 'reset-after', 'slow', 'pass'];
    proxy.slowMs = 1_500;
    proxy.choose = (target) => (target.endsWith('PutRecords') ? (plan[n++ % plan.length] as Fault) : 'pass');
    const producer = new KinesisProducer({
      endpoint: proxy.url,
      credentials: TEST_CREDENTIALS,
      requestTimeout: 1_000,
      recordMaxBufferedTime: 20,
      retryInitialBackoff: 20,
      retryMaxBackoff: 200,
      recordTtl: 20_000,
      aggregationMaxSize: 4096,
      metricsInterval: 0,
    });
    const settled = await run(producer, stream, 4_000);
    await producer.close();
    proxy.choose = () => 'pass';
    const duplicates = await checkStored(stream, settled);
    const errors = producer.metrics().errorsByCode;
    expect(proxy.counts.error500).toBeGreaterThan(0);
    expect(proxy.counts['reset-after']).toBeGreaterThan(0);
    expect(errors.InternalFailure ?? 0).toBeGreaterThan(0);
    expect(errors.SHARDLINE_ERR_NETWORK ?? 0).toBeGreaterThan(0);
    // Only records retried after an answer was lost can be stored twice, and the producer counts those.
    expect(duplicates).toBeLessThanOrEqual(errors.SHARDLINE_ERR_NETWORK ?? 0);
  });

  it('broker restarted mid-run: every put settles, nothing acknowledged is lost', async () => {
    const stream = streamName('restart');
    await createStream(client, stream, 2);
    proxy.choose = () => 'pass';
    const producer = new KinesisProducer({
      endpoint: proxy.url,
      credentials: TEST_CREDENTIALS,
      requestTimeout: 1_000,
      recordMaxBufferedTime: 20,
      retryInitialBackoff: 20,
      retryMaxBackoff: 200,
      recordTtl: 20_000,
      metricsInterval: 0,
    });
    const settled = await run(producer, stream, 4_000, async () => {
      const port = broker.port;
      await broker.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      broker = await startBroker({ port, limits: 'off', createStreamMs: 0, dataDir });
    });
    await producer.close();
    client.destroy();
    client = sdkClient(broker.url);
    const duplicates = await checkStored(stream, settled);
    const network = producer.metrics().errorsByCode.SHARDLINE_ERR_NETWORK ?? 0;
    expect(network).toBeGreaterThan(0);
    expect(duplicates).toBeLessThanOrEqual(network);
  });
});
