import http from 'node:http';
import { type Broker, startBroker } from '@shardline/broker';
import { KinesisConsumer } from '@shardline/consumer';
import { AwsServiceError, encodeAggregatedRecord, partitionKeyHash } from '@shardline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../packages/consumer/src/observability/silent-logger.js';
import {
  CborGetRecordsSource,
  encodeGetRecordsRequest,
} from '../../packages/consumer/src/retrieval/cbor-get-records-source.js';
import {
  decodeGetRecordsCborFast,
  decodeGetRecordsCborGeneric,
} from '../../packages/consumer/src/retrieval/decode-get-records-cbor.js';
import type { GetRecordsAnswer } from '../../packages/consumer/src/retrieval/get-records-answer.js';
import { SdkGetRecordsSource } from '../../packages/consumer/src/retrieval/sdk-get-records-source.js';
import { ShardFetcher } from '../../packages/consumer/src/retrieval/shard-fetcher.js';
import { awsErrorName, isRetriable } from '../../packages/consumer/src/util/aws-error.js';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetShardIteratorCommand,
  KinesisClient,
  NodeHttpHandler,
  PutRecordsCommand,
} from '../../packages/consumer/test/helpers/aws-sdk.js';

/** Last hash key of shard 0 of a 2-shard stream. */
const SHARD0_END = 2n ** 127n - 1n;
const KEY = { accessKeyId: 'AKIDCBORTEST', secretAccessKey: 'cbor-test-secret' };

/** A broker that checks every signature, on a clock the test moves. */
interface Setup {
  broker: Broker;
  kinesis: KinesisClient;
  advance(ms: number): void;
  close(): Promise<void>;
}

async function setup(limits: 'aws' | 'off'): Promise<Setup> {
  let offset = 0;
  const broker = await startBroker({
    port: 0,
    limits,
    createStreamMs: 0,
    updateStreamMs: 0,
    deleteStreamMs: 0,
    credentials: [KEY],
    clock: () => Date.now() + offset,
  });
  const kinesis = new KinesisClient({
    endpoint: broker.url,
    region: 'us-east-1',
    credentials: { ...KEY },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  });
  return {
    broker,
    kinesis,
    advance(ms) {
      offset += ms;
    },
    async close() {
      kinesis.destroy();
      await broker.close();
    },
  };
}

async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 200; i++) {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`stream ${name} never became ACTIVE`);
}

async function put(kinesis: KinesisClient, stream: string, records: { partitionKey: string; data: Uint8Array }[]) {
  const out = await kinesis.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: records.map((r) => ({ PartitionKey: r.partitionKey, Data: r.data })),
    }),
  );
  expect(out.FailedRecordCount ?? 0).toBe(0);
}

async function trimHorizon(kinesis: KinesisClient, stream: string, shardId = 'shardId-000000000000'): Promise<string> {
  const out = await kinesis.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  return out.ShardIterator as string;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function comparable(answer: GetRecordsAnswer) {
  return {
    records: answer.Records.map((r) => ({
      data: Buffer.from(r.Data ?? new Uint8Array()).toString('hex'),
      partitionKey: r.PartitionKey,
      sequenceNumber: r.SequenceNumber,
      arrival: r.ApproximateArrivalTimestamp?.getTime(),
    })),
    millisBehindLatest: answer.MillisBehindLatest,
    hasNext: answer.NextShardIterator !== undefined,
  };
}

describe('CBOR GetRecords against the broker (signatures checked)', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('off');
  });
  afterAll(async () => {
    await s.close();
  });

  it('reads the same records, keys, sequence numbers and arrival times as JSON through the SDK', async () => {
    await createStream(s.kinesis, 'same', 1);
    const aggregate = encodeAggregatedRecord(
      Array.from({ length: 50 }, (_, i) => ({ partitionKey: `p${i}`, data: Buffer.from(`agg-${i}`) })),
    );
    await put(s.kinesis, 'same', [
      { partitionKey: 'plain', data: Buffer.from('hello') },
      { partitionKey: 'ünïcödé', data: new Uint8Array(0) },
      { partitionKey: 'agg', data: aggregate },
      { partitionKey: 'bin', data: Buffer.from([0, 255, 1, 254]) },
    ]);
    const cbor = new CborGetRecordsSource(s.kinesis);
    const json = new SdkGetRecordsSource(s.kinesis);
    const signal = new AbortController().signal;
    const viaCbor = await cbor.getRecords(await trimHorizon(s.kinesis, 'same'), 100, signal);
    const viaJson = await json.getRecords(await trimHorizon(s.kinesis, 'same'), 100, signal);
    expect(viaCbor.Records).toHaveLength(4);
    expect(comparable(viaCbor)).toEqual(comparable(viaJson));
    expect(Buffer.from(viaCbor.Records[2]?.Data ?? []).equals(aggregate)).toBe(true);
    // Following the CBOR iterator gives nothing more and still a next iterator (open shard).
    const next = await cbor.getRecords(viaCbor.NextShardIterator as string, 100, signal);
    expect(next.Records).toHaveLength(0);
    expect(next.NextShardIterator).toBeDefined();
    await cbor.close();
  });

  it('maps an expired iterator, an unknown stream and a bad signature to AWS error names', async () => {
    await createStream(s.kinesis, 'errors', 1);
    const cbor = new CborGetRecordsSource(s.kinesis);
    const signal = new AbortController().signal;
    const iterator = await trimHorizon(s.kinesis, 'errors');
    s.advance(301_000);
    const expired = await rejection(cbor.getRecords(iterator, 10, signal));
    expect(expired).toBeInstanceOf(AwsServiceError);
    expect(awsErrorName(expired)).toBe('ExpiredIteratorException');
    expect((expired as AwsServiceError).statusCode).toBe(400);

    const fresh = await trimHorizon(s.kinesis, 'errors');
    const { DeleteStreamCommand } = await import('@aws-sdk/client-kinesis');
    await s.kinesis.send(new DeleteStreamCommand({ StreamName: 'errors' }));
    await new Promise((r) => setTimeout(r, 50));
    const missing = await rejection(cbor.getRecords(fresh, 10, signal));
    expect(awsErrorName(missing)).toBe('ResourceNotFoundException');
    expect(isRetriable(missing)).toBe(false);
    await cbor.close();

    await createStream(s.kinesis, 'unsigned', 1);
    const wrongKey = new KinesisClient({
      endpoint: s.broker.url,
      region: 'us-east-1',
      credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    });
    const badlySigned = new CborGetRecordsSource(wrongKey);
    const denied = await rejection(badlySigned.getRecords(await trimHorizon(s.kinesis, 'unsigned'), 10, signal));
    expect(denied).toBeInstanceOf(AwsServiceError);
    expect(awsErrorName(denied)).toMatch(/Signature|Denied|Token/);
    expect(isRetriable(denied)).toBe(false);
    await badlySigned.close();
    wrongKey.destroy();
  });

  it('closes without open connections and refuses calls afterwards', async () => {
    await createStream(s.kinesis, 'closing', 1);
    const cbor = new CborGetRecordsSource(s.kinesis);
    const signal = new AbortController().signal;
    await cbor.getRecords(await trimHorizon(s.kinesis, 'closing'), 10, signal);
    await cbor.close();
    await expect(cbor.getRecords('x', 10, signal)).rejects.toThrow(/after close/);
  });
});

describe("the broker's CBOR answers", () => {
  it('stay on the purpose-built decoder (no generic fallback) and decode as the generic decoder does', async () => {
    const broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0 });
    const kinesis = new KinesisClient({
      endpoint: broker.url,
      region: 'us-east-1',
      credentials: { ...KEY },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    try {
      await createStream(kinesis, 'raw', 1);
      await put(kinesis, 'raw', [
        { partitionKey: 'a', data: Buffer.from('x') },
        { partitionKey: 'ü', data: new Uint8Array(70_000).fill(7) },
        { partitionKey: 'c', data: new Uint8Array(0) },
      ]);
      const iterator = await trimHorizon(kinesis, 'raw');
      // The broker checks only that a signature is present unless given credentials.
      const response = await fetch(broker.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-cbor-1.1',
          'x-amz-target': 'Kinesis_20131202.GetRecords',
          authorization: `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00`,
          'x-amz-date': '20260101T000000Z',
        },
        body: encodeGetRecordsRequest(iterator, 100),
      });
      expect(response.status).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      const fast = decodeGetRecordsCborFast(body);
      expect(fast).toBeDefined();
      expect(fast).toEqual(decodeGetRecordsCborGeneric(body));
      expect(fast?.Records.map((r) => r.Data?.length)).toEqual([1, 70_000, 0]);
      expect(fast?.Records[1]?.PartitionKey).toBe('ü');
    } finally {
      kinesis.destroy();
      await broker.close();
    }
  });
});

describe('CBOR GetRecords with AWS limits', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('aws');
  });
  afterAll(async () => {
    await s.close();
  });

  it('maps throttling to a retriable ProvisionedThroughputExceededException', async () => {
    await createStream(s.kinesis, 'throttle', 1);
    const cbor = new CborGetRecordsSource(s.kinesis);
    const signal = new AbortController().signal;
    let iterator = await trimHorizon(s.kinesis, 'throttle');
    let throttled: unknown;
    // More than 5 calls/s on one shard.
    for (let i = 0; i < 12 && throttled === undefined; i++) {
      try {
        iterator = (await cbor.getRecords(iterator, 10, signal)).NextShardIterator as string;
      } catch (error) {
        throttled = error;
      }
    }
    expect(awsErrorName(throttled)).toBe('ProvisionedThroughputExceededException');
    expect(isRetriable(throttled)).toBe(true);
    await cbor.close();
  });

  it('a shard fetcher in CBOR mode backs off on throttling and recreates an expired iterator, losing nothing', async () => {
    await createStream(s.kinesis, 'fetch', 1);
    await put(
      s.kinesis,
      'fetch',
      Array.from({ length: 40 }, (_, i) => ({ partitionKey: 'k', data: Buffer.from(`f${i}`) })),
    );
    const cbor = new CborGetRecordsSource(s.kinesis);
    const errors: string[] = [];
    const messages: string[] = [];
    const logger = { ...silentLogger, debug: (_fields: object, message?: string) => void messages.push(message ?? '') };
    const fetcher = new ShardFetcher({
      kinesis: s.kinesis,
      getRecords: cbor,
      streamName: 'fetch',
      shardId: 'shardId-000000000000',
      hashKeyRange: undefined,
      start: { type: 'TRIM_HORIZON' },
      maxRecords: 3,
      idleTimeBetweenReadsMillis: 10,
      // No spacing: the broker's 5 calls/s per shard throttles.
      minTimeBetweenReadsMillis: 0,
      maxPrefetchBatches: 1,
      maxPrefetchBytes: 1 << 20,
      maxPrefetchRecords: 1000,
      // Answers of 3 records handed over 2 at a time.
      maxBatchRecords: 2,
      backoffBaseMillis: 20,
      backoffMaxMillis: 200,
      logger,
      onReadError: (error) => errors.push(awsErrorName(error)),
    });
    fetcher.start();
    const seen: string[] = [];
    let expiredOnce = false;
    while (seen.length < 40) {
      const batch = await fetcher.next();
      if (batch === undefined) break;
      expect(batch.records.length).toBeLessThanOrEqual(2);
      for (const r of batch.records) seen.push(r.data.toString());
      if (!expiredOnce && seen.length >= 10) {
        // The queued iterator is now older than 5 minutes on the broker's clock.
        expiredOnce = true;
        s.advance(301_000);
      }
    }
    await fetcher.stop();
    await cbor.close();
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => `f${i}`));
    expect(errors).toContain('ProvisionedThroughputExceededException');
    expect(messages.some((m) => m.startsWith('iterator expired'))).toBe(true);
  });
});

describe('a whole consumer run', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('off');
  });
  afterAll(async () => {
    await s.close();
  });

  for (const protocol of ['cbor', 'json'] as const) {
    it(`in ${protocol} mode reads aggregated and plain records of 2 shards exactly once, sub-records in order`, async () => {
      const stream = `whole-${protocol}`;
      await createStream(s.kinesis, stream, 2);
      const expected = new Set<string>();
      for (let batch = 0; batch < 3; batch++) {
        // Every user record of the aggregate hashes into shard 0, as the KPL would group them.
        const users: { partitionKey: string; data: Buffer }[] = [];
        for (let i = 0; users.length < 200; i++) {
          const partitionKey = `u${batch}-${i}`;
          if (partitionKeyHash(partitionKey) > SHARD0_END) continue;
          users.push({ partitionKey, data: Buffer.from(`${protocol}-a${batch}-${users.length}`) });
        }
        for (const u of users) expected.add(u.data.toString());
        const plain = Array.from({ length: 20 }, (_, i) => ({
          partitionKey: `p${batch}-${i}`,
          data: Buffer.from(`${protocol}-p${batch}-${i}`),
        }));
        for (const p of plain) expected.add(p.data.toString());
        await s.kinesis.send(
          new PutRecordsCommand({
            StreamName: stream,
            Records: [
              { PartitionKey: 'agg', ExplicitHashKey: '0', Data: encodeAggregatedRecord(users) },
              ...plain.map((p) => ({ PartitionKey: p.partitionKey, Data: p.data })),
            ],
          }),
        );
      }
      const consumer = new KinesisConsumer({
        streamName: stream,
        applicationName: `app-${protocol}`,
        endpoint: s.broker.url,
        credentials: KEY,
        initialPosition: 'TRIM_HORIZON',
        getRecordsProtocol: protocol,
        idleTimeBetweenReadsMillis: 50,
        minTimeBetweenReadsMillis: 0,
        leaseTakerIntervalMillis: 200,
      });
      expect(consumer.config.getRecordsProtocol).toBe(protocol);
      const seen: string[] = [];
      const arrivals: number[] = [];
      await consumer.run({
        eachRecord: (r) => {
          seen.push(r.data.toString());
          arrivals.push(r.approximateArrivalTimestamp.getTime());
        },
      });
      const deadline = Date.now() + 20_000;
      while (seen.length < expected.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await consumer.close();
      expect(seen.length).toBe(expected.size);
      expect(new Set(seen)).toEqual(expected);
      const subRecords = seen.filter((d) => d.startsWith(`${protocol}-a`));
      const order = (d: string): number => {
        const [batch, index] = d
          .slice(protocol.length + 2)
          .split('-')
          .map(Number) as [number, number];
        return batch * 1000 + index;
      };
      expect(subRecords.map(order)).toEqual([...subRecords.map(order)].sort((a, b) => a - b));
      // Timestamps in ms near now, whichever protocol carried them.
      for (const t of arrivals) expect(Math.abs(t - Date.now())).toBeLessThan(120_000);
    }, 30_000);
  }
});
