import {
  type ConsumerRecord,
  HandlerError,
  type KclStyleProcessor,
  KinesisConsumer,
  type KinesisConsumerOptions,
} from '@shardline/consumer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDBClient,
  KinesisClient,
  NodeHttpHandler,
  ScanCommand,
} from '../../packages/consumer/test/helpers/aws-sdk.js';
import { CREDENTIALS, type StreamFixture, startStreamFixture, waitFor } from './helpers/stream-fixture.js';

let fixture: StreamFixture;
beforeAll(async () => {
  fixture = await startStreamFixture();
});
afterAll(async () => {
  await fixture.close();
});

function options(stream: string, extra: Partial<KinesisConsumerOptions> = {}): KinesisConsumerOptions {
  return {
    streamName: stream,
    applicationName: `${stream}-app`,
    endpoint: fixture.url,
    credentials: CREDENTIALS,
    dynamoDbEndpoint: fixture.dynamoDbEndpoint,
    initialPosition: 'TRIM_HORIZON',
    idleTimeBetweenReadsMillis: 50,
    minTimeBetweenReadsMillis: 0,
    leaseTakerIntervalMillis: 200,
    autoCheckpointIntervalMillis: 0,
    ...extra,
  };
}

async function owners(table: string): Promise<(string | undefined)[]> {
  const ddb = new DynamoDBClient({
    endpoint: fixture.dynamoDbEndpoint,
    region: 'us-east-1',
    credentials: { ...CREDENTIALS },
  });
  try {
    const out = await ddb.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    return (out.Items ?? []).map((item) => item.leaseOwner?.S);
  } finally {
    ddb.destroy();
  }
}

const data = (r: ConsumerRecord): string => r.data.toString();

describe('handler-error policy', () => {
  it("'retry' redelivers the same batch after a backoff until it succeeds, in order, surfacing every failure", async () => {
    await fixture.createStream('retry', 1);
    await fixture.put(
      'retry',
      Array.from({ length: 20 }, (_, i) => ({ partitionKey: 'k', data: Buffer.from(`r${i}`) })),
    );
    const consumer = new KinesisConsumer(
      options('retry', { handlerErrorPolicy: { policy: 'retry', initialBackoffMillis: 10, maxBackoffMillis: 20 } }),
    );
    const failures: { attempt: number; willRetry: boolean; error: HandlerError }[] = [];
    consumer.on('handlerError', (event) => failures.push(event));
    const handled: string[] = [];
    let calls = 0;
    await consumer.run({
      eachBatch: ({ records }) => {
        if (++calls <= 2) throw new Error('downstream unavailable');
        handled.push(...records.map(data));
      },
    });
    await waitFor(() => handled.length >= 20, 10_000, 'records');
    expect(handled).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
    expect(failures.map((f) => [f.attempt, f.willRetry])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(failures[0]?.error).toBeInstanceOf(HandlerError);
    expect(failures[0]?.error.code).toBe('SHARDLINE_ERR_HANDLER_FAILED');
    expect((failures[0]?.error.cause as Error | undefined)?.message).toBe('downstream unavailable');
    await consumer.close();
  });

  it("'stop' stops the shard without checkpointing, releases its lease and surfaces the error", async () => {
    await fixture.createStream('stop', 1);
    await fixture.put('stop', [{ partitionKey: 'k', data: Buffer.from('poison') }]);
    const consumer = new KinesisConsumer(options('stop', { handlerErrorPolicy: 'stop' }));
    const failures: { willRetry: boolean }[] = [];
    consumer.on('handlerError', (event) => failures.push(event));
    await consumer.run({
      eachRecord: () => {
        throw new Error('poison record');
      },
    });
    await waitFor(() => failures.length === 1, 10_000, 'failure');
    expect(failures[0]?.willRetry).toBe(false);
    await waitFor(async () => (await owners('stop-app')).every((o) => o === undefined), 5_000, 'lease released');
    // This worker does not take the stopped shard back.
    await new Promise((r) => setTimeout(r, 600));
    expect(consumer.ownedShards()).toEqual([]);
    expect(failures).toHaveLength(1);
    await consumer.close();
  });

  it('close() during retries stops at once, without checkpointing the failed batch, and releases the lease', async () => {
    await fixture.createStream('retry-close', 1);
    await fixture.put('retry-close', [{ partitionKey: 'k', data: Buffer.from('never handled') }]);
    const consumer = new KinesisConsumer(
      options('retry-close', {
        handlerErrorPolicy: { policy: 'retry', initialBackoffMillis: 50, maxBackoffMillis: 50 },
      }),
    );
    let failures = 0;
    consumer.on('handlerError', () => failures++);
    await consumer.run({
      eachBatch: () => {
        throw new Error('still failing');
      },
    });
    await waitFor(() => failures >= 2, 10_000, 'failures');
    const started = Date.now();
    await consumer.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    const ddb = new DynamoDBClient({
      endpoint: fixture.dynamoDbEndpoint,
      region: 'us-east-1',
      credentials: { ...CREDENTIALS },
    });
    const out = await ddb.send(new ScanCommand({ TableName: 'retry-close-app', ConsistentRead: true }));
    ddb.destroy();
    expect(out.Items?.map((item) => [item.checkpoint?.S, item.leaseOwner?.S])).toEqual([['TRIM_HORIZON', undefined]]);
  });
});

describe('KCL processor interface', () => {
  it('initialize → processRecords → shutdownRequested on close, with a prepared then committed checkpoint', async () => {
    await fixture.createStream('kcl', 1);
    await fixture.put(
      'kcl',
      Array.from({ length: 5 }, (_, i) => ({ partitionKey: 'k', data: Buffer.from(`k${i}`) })),
    );
    const calls: string[] = [];
    let seen = 0;
    const factory = (): KclStyleProcessor => ({
      initialize: ({ shardId, extendedSequenceNumber }) =>
        void calls.push(`initialize ${shardId} ${extendedSequenceNumber.sequenceNumber}`),
      processRecords: async ({ records, checkpointer }) => {
        seen += records.length;
        calls.push(`processRecords ${records.length}`);
        const prepared = await checkpointer.prepareCheckpoint();
        await prepared.checkpoint();
      },
      leaseLost: () => void calls.push('leaseLost'),
      shutdownRequested: async ({ checkpointer }) => {
        calls.push('shutdownRequested');
        await checkpointer.checkpoint();
      },
    });
    const consumer = new KinesisConsumer(options('kcl'));
    await consumer.run({ processorFactory: factory });
    await waitFor(() => seen === 5, 10_000, 'records');
    await consumer.close();
    expect(calls[0]).toMatch(/^initialize shardId-\d+ TRIM_HORIZON$/);
    expect(calls.filter((c) => c.startsWith('processRecords'))).not.toHaveLength(0);
    expect(calls.at(-1)).toBe('shutdownRequested');
    expect(calls).not.toContain('leaseLost');
    // The next worker starts after the committed checkpoint: nothing is redelivered.
    const again = new KinesisConsumer(options('kcl'));
    const redelivered: string[] = [];
    await again.run({ eachRecord: (r) => void redelivered.push(data(r)) });
    await waitFor(() => again.ownedShards().length === 1, 5_000, 'lease');
    await new Promise((r) => setTimeout(r, 400));
    expect(redelivered).toEqual([]);
    await again.close();
  });
});

describe('retrieval faults', () => {
  it('throttling backs off and an expired iterator is recreated after the last record: nothing lost or repeated', async () => {
    await fixture.createStream('faults', 1);
    await fixture.put(
      'faults',
      Array.from({ length: 30 }, (_, i) => ({ partitionKey: 'k', data: Buffer.from(`f${i}`) })),
    );
    const kinesis = new KinesisClient({
      endpoint: fixture.url,
      region: 'us-east-1',
      credentials: { ...CREDENTIALS },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    let getRecords = 0;
    let throttled = 0;
    let expired = 0;
    kinesis.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetRecordsCommand') {
          getRecords++;
          if (getRecords <= 3) {
            throttled++;
            throw Object.assign(new Error('Rate exceeded for shard'), {
              name: 'ProvisionedThroughputExceededException',
              $metadata: { httpStatusCode: 400 },
            });
          }
          if (getRecords === 5) {
            expired++;
            throw Object.assign(new Error('Iterator expired'), {
              name: 'ExpiredIteratorException',
              $metadata: { httpStatusCode: 400 },
            });
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'faults' },
    );
    const consumer = new KinesisConsumer(
      options('faults', { kinesisClient: kinesis, maxRecords: 7, readBackoffBaseMillis: 5, readBackoffMaxMillis: 20 }),
    );
    const handled: string[] = [];
    await consumer.run({ eachRecord: (r) => void handled.push(data(r)) });
    await waitFor(() => handled.length >= 30, 10_000, 'records');
    await new Promise((r) => setTimeout(r, 200));
    expect(handled).toEqual(Array.from({ length: 30 }, (_, i) => `f${i}`));
    expect(throttled).toBe(3);
    expect(expired).toBe(1);
    await consumer.close();
    kinesis.destroy();
  });
});

describe('close()', () => {
  it('leaves no open handles, including the embedded DynamoDB', async () => {
    await fixture.createStream('handles', 2);
    await fixture.put('handles', [{ partitionKey: 'k', data: Buffer.from('x') }]);
    const baseline = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    const consumer = new KinesisConsumer({
      streamName: 'handles',
      applicationName: 'handles-app',
      endpoint: fixture.url,
      credentials: CREDENTIALS,
      initialPosition: 'TRIM_HORIZON',
      leaseTakerIntervalMillis: 200,
    });
    let seen = 0;
    await consumer.run({ eachRecord: () => void seen++ });
    expect(consumer.dynamoDbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitFor(() => seen === 1, 10_000, 'record');
    await consumer.close();
    await consumer.close();
    await new Promise((r) => setTimeout(r, 50));
    const after = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    const count = (list: string[], kind: string): number => list.filter((r) => r === kind).length;
    for (const kind of new Set([...after, ...baseline]))
      expect(count(after, kind)).toBeLessThanOrEqual(count(baseline, kind));
  });
});
