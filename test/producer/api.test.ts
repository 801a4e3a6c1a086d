import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KinesisProducer, type MetricsSnapshot, type PutResult } from '@shardline/producer';
import { describe, expect, it } from 'vitest';
import { startFaultProxy } from './helpers/fault-proxy.js';
import { createStream, readStream, streamName, TEST_CREDENTIALS, useBroker } from './helpers/stream-fixture.js';

const fixture = useBroker();

describe('producer API', () => {
  it('flush() settles exactly the records accepted before it, well before the linger would', async () => {
    const stream = streamName('flush');
    await createStream(fixture.client, stream, 2);
    const producer = new KinesisProducer({
      endpoint: fixture.broker.url,
      credentials: TEST_CREDENTIALS,
      recordMaxBufferedTime: 60_000,
      recordTtl: 120_000,
    });
    const settled: boolean[] = [];
    const before: Promise<PutResult>[] = [];
    for (let i = 0; i < 200; i++) {
      before.push(producer.put({ streamName: stream, partitionKey: `b${i}`, data: 'x' }));
      before[i]?.then(() => {
        settled[i] = true;
      });
    }
    const started = Date.now();
    await producer.flush();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(settled.filter(Boolean)).toHaveLength(200);
    expect(producer.outstanding).toBe(0);
    const after = producer.put({ streamName: stream, partitionKey: 'after', data: 'x' });
    await producer.flush();
    await expect(after).resolves.toMatchObject({ attempts: 1 });
    await producer.close();
    await producer.close(); // idempotent
  });

  it('emits periodic metrics, diagnostics-channel messages and logs through an injected logger', async () => {
    const stream = streamName('observe');
    await createStream(fixture.client, stream, 1);
    const logs: string[] = [];
    const logger = {
      debug: (_: unknown, msg?: string) => logs.push(`debug ${msg}`),
      info: (_: unknown, msg?: string) => logs.push(`info ${msg}`),
      warn: (_: unknown, msg?: string) => logs.push(`warn ${msg}`),
      error: (_: unknown, msg?: string) => logs.push(`error ${msg}`),
    };
    const requests: unknown[] = [];
    const onRequest = (message: unknown): void => {
      requests.push(message);
    };
    subscribe('shardline:producer:request', onRequest);
    const producer = new KinesisProducer({
      endpoint: fixture.broker.url,
      credentials: TEST_CREDENTIALS,
      metricsInterval: 100,
      recordMaxBufferedTime: 10,
      logger,
    });
    const periods: MetricsSnapshot[] = [];
    producer.on('metrics', (snapshot) => periods.push(snapshot));
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => producer.put({ streamName: stream, partitionKey: `k${i}`, data: 'abc' })),
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
    await producer.close();
    unsubscribe('shardline:producer:request', onRequest);
    expect(periods.length).toBeGreaterThanOrEqual(1);
    const total = producer.metrics();
    expect(total.metrics.UserRecordsReceived.sum).toBe(300);
    expect(total.metrics.UserRecordsPut.sum).toBe(300);
    expect(total.metrics.UserRecordsDataPut.sum).toBe(900);
    expect(total.metrics.KinesisRecordsPut.count).toBeGreaterThan(0);
    expect(total.metrics.RequestTime.count).toBeGreaterThan(0);
    expect(periods.reduce((sum, p) => sum + p.metrics.UserRecordsPut.sum, 0)).toBeLessThanOrEqual(300);
    expect(requests.length).toBeGreaterThan(0);
    expect(logs.some((line) => line.includes('shard map'))).toBe(true);
  });

  it('the Writable adapter stores every chunk and fails the stream on a bad record', async () => {
    const stream = streamName('writable');
    await createStream(fixture.client, stream, 2);
    const producer = new KinesisProducer({
      endpoint: fixture.broker.url,
      credentials: TEST_CREDENTIALS,
      recordMaxBufferedTime: 10,
    });
    const rows = Array.from({ length: 1_000 }, (_, i) => ({ id: i, name: `row-${i}` }));
    await pipeline(
      Readable.from(rows),
      producer.writable({ streamName: stream, partitionKey: (row) => `id-${(row as { id: number }).id}` }),
    );
    const read = await readStream(fixture.client, stream);
    expect(read.records).toHaveLength(1_000);
    expect(JSON.parse(read.records[0]?.data.toString() ?? '{}')).toHaveProperty('name');

    const failing = pipeline(
      Readable.from([{ id: 1 }, { id: 2 }]),
      producer.writable({ streamName: stream, partitionKey: (row) => ((row as { id: number }).id === 2 ? '' : 'ok') }),
    );
    await expect(failing).rejects.toMatchObject({ code: 'SHARDLINE_ERR_INVALID_PARTITION_KEY' });
    await producer.close();
  });

  it('attempts counts every PutRecords a record went out in, retries included', async () => {
    const stream = streamName('attempts');
    // One shard: the records form one aggregate, so every attempt of theirs is one request of the proxy's.
    await createStream(fixture.client, stream, 1);
    const proxy = await startFaultProxy(fixture.broker.url);
    let putRecords = 0;
    // The first two PutRecords fail whole (500s, retried); every later one passes.
    proxy.choose = (target) => (target.endsWith('PutRecords') && putRecords++ < 2 ? 'error500' : 'pass');
    const producer = new KinesisProducer({
      endpoint: proxy.url,
      credentials: TEST_CREDENTIALS,
      recordMaxBufferedTime: 10,
      retryInitialBackoff: 20,
      metricsInterval: 0,
    });
    // Wait for the shard map so that the records go out aggregated.
    await producer.put({ streamName: stream, partitionKey: 'warm', data: 'x' }).catch(() => undefined);
    putRecords = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => producer.put({ streamName: stream, partitionKey: `a${i}`, data: 'x' })),
    );
    expect(putRecords).toBeGreaterThanOrEqual(3);
    expect(results.map((r) => r.attempts)).toEqual(Array(40).fill(3));
    expect(producer.metrics().metrics.RetriesPerRecord.sum).toBeGreaterThanOrEqual(80);
    await producer.close();
    await proxy.close();
  });

  it('recordTtl really cancels: records that cannot be stored fail with RecordExpiredError and its cause', async () => {
    const stream = streamName('ttl');
    await createStream(fixture.client, stream, 1);
    const proxy = await startFaultProxy(fixture.broker.url);
    proxy.choose = (target) => (target.endsWith('PutRecords') ? 'error500' : 'pass');
    const producer = new KinesisProducer({
      endpoint: proxy.url,
      credentials: TEST_CREDENTIALS,
      recordTtl: 600,
      recordMaxBufferedTime: 10,
      retryInitialBackoff: 50,
      metricsInterval: 0,
    });
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => producer.put({ streamName: stream, partitionKey: `t${i}`, data: 'x' })),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as { code: string; attempts: number; cause: unknown };
      expect(error.code).toBe('SHARDLINE_ERR_RECORD_EXPIRED');
      expect(error.attempts).toBeGreaterThanOrEqual(1);
      expect(error.cause).toMatchObject({ awsErrorCode: 'InternalFailure' });
    }
    const metrics = producer.metrics();
    expect(metrics.metrics.UserRecordExpired.count).toBe(50);
    expect(metrics.errorsByCode.Expired).toBe(50);
    await producer.close();
    await proxy.close();

    // With no reachable endpoint at all, records expire while waiting for a shard map or a connection.
    const unreachable = new KinesisProducer({
      endpoint: 'http://127.0.0.1:9',
      credentials: TEST_CREDENTIALS,
      recordTtl: 300,
      requestTimeout: 200,
      metricsInterval: 0,
    });
    await expect(unreachable.put({ streamName: stream, partitionKey: 'k', data: 'x' })).rejects.toMatchObject({
      code: 'SHARDLINE_ERR_RECORD_EXPIRED',
    });
    await unreachable.close();
  });
});
