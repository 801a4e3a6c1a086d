import diagnostics from 'node:diagnostics_channel';
import type { BrokerRequestEvent } from '@shardline/broker';
import type { ConsumerRecord } from '@shardline/consumer';
import { KinesisProducer } from '@shardline/producer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, type StreamFixture, startStreamFixture } from '../consumer/helpers/stream-fixture.js';
import { consumeWithOurs, runJava } from './java-side.js';

/**
 * The real Java KCL 2.x (KclInterop.java, built by run.mjs) shares one application's lease table with
 * our consumer: it takes the leases our workers released, resumes at our checkpoints (sequence and
 * subsequence), de-aggregates our producer's KPL aggregates, and our workers resume at its checkpoints.
 * Runs only through `pnpm test:java-interop`, which sets SHARDLINE_KCL_CLASSPATH.
 */
const CLASSPATH = process.env.SHARDLINE_KCL_CLASSPATH ?? '';
const STREAM = 'kcl-interop';
const APP = 'kcl-interop-app';

interface KclEvent {
  event: string;
  shardId?: string;
  partitionKey?: string;
  sequenceNumber?: string;
  subSequenceNumber?: number;
  aggregated?: boolean;
  data?: string;
  processed?: number;
  graceful?: boolean;
  error?: string;
}

let fixture: StreamFixture;
let producer: KinesisProducer;

beforeAll(async () => {
  if (CLASSPATH === '') throw new Error('run through `pnpm test:java-interop` (it builds the Java side)');
  fixture = await startStreamFixture();
  await fixture.createStream(STREAM, 2);
  producer = new KinesisProducer({
    endpoint: fixture.url,
    credentials: CREDENTIALS,
    metricsInterval: 0,
    recordMaxBufferedTime: 20,
  });
});

afterAll(async () => {
  await producer?.close();
  await fixture?.close();
});

/** Puts `count` records keyed `<phase>-<i>` with data `<phase> data <i>`; returns them as key → data. */
async function putPhase(phase: string, count: number): Promise<Map<string, string>> {
  const outcomes = await producer.putMany(
    Array.from({ length: count }, (_, i) => ({
      streamName: STREAM,
      partitionKey: `${phase}-${i}`,
      data: `${phase} data ${i}`,
    })),
  );
  expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
  return new Map(Array.from({ length: count }, (_, i) => [`${phase}-${i}`, `${phase} data ${i}`]));
}

/** Our consumer until `count` records arrived; close() checkpoints them and releases the leases. */
function consumeOurs(count: number): Promise<ConsumerRecord[]> {
  return consumeWithOurs({
    endpoint: fixture.url,
    dynamoDbEndpoint: fixture.dynamoDbEndpoint,
    streamName: STREAM,
    applicationName: APP,
    count,
  });
}

/** The Java KCL until it processed `count` records, then its graceful shutdown (which checkpoints). */
function consumeKcl(count: number): Promise<KclEvent[]> {
  return runJava<KclEvent>(CLASSPATH, 'KclInterop', [
    fixture.url,
    fixture.dynamoDbEndpoint,
    STREAM,
    APP,
    String(count),
    '90',
    CREDENTIALS.accessKeyId,
    CREDENTIALS.secretAccessKey,
  ]);
}

describe('the Java KCL 2.x and this consumer share one lease table', () => {
  it('each resumes exactly where the other checkpointed, and the KCL de-aggregates our aggregates', async () => {
    const first = await putPhase('one', 200);
    const ours = await consumeOurs(first.size);
    expect(new Map(ours.map((r) => [r.partitionKey, r.data.toString()]))).toEqual(first);
    expect(ours).toHaveLength(first.size);

    const second = await putPhase('two', 200);
    // The broker runs in this process: see which wire protocol the Java SDK speaks.
    const requests: BrokerRequestEvent[] = [];
    const listener = (message: unknown): void => void requests.push(message as BrokerRequestEvent);
    diagnostics.subscribe('shardline:broker:request', listener);
    let events: KclEvent[];
    try {
      events = await consumeKcl(second.size);
    } finally {
      diagnostics.unsubscribe('shardline:broker:request', listener);
    }
    const reads = requests.filter((r) => r.operation === 'GetRecords');
    // The Java SDK v2 speaks CBOR 1.1 to Kinesis: ListShards, GetShardIterator and GetRecords all came so.
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(requests.map((r) => r.protocol))).toEqual(new Set(['cbor']));
    expect(events.filter((e) => e.event === 'checkpointFailed')).toEqual([]);
    // The KCL starts each shard at our checkpoint, not at TRIM_HORIZON or LATEST.
    const initialized = events.filter((e) => e.event === 'initialize');
    expect(new Set(initialized.map((e) => e.shardId))).toEqual(
      new Set(['shardId-000000000000', 'shardId-000000000001']),
    );
    for (const e of initialized) expect(e.sequenceNumber).toMatch(/^\d+$/);
    const kclRecords = events.filter((e) => e.event === 'record');
    expect(new Map(kclRecords.map((e) => [e.partitionKey, e.data]))).toEqual(second);
    expect(kclRecords).toHaveLength(second.size);
    // Our producer aggregated them; the KCL split them with their subsequence numbers.
    expect(kclRecords.some((e) => e.aggregated === true && (e.subSequenceNumber ?? 0) > 0)).toBe(true);

    const third = await putPhase('three', 100);
    const again = await consumeOurs(third.size);
    expect(new Map(again.map((r) => [r.partitionKey, r.data.toString()]))).toEqual(third);
    expect(again).toHaveLength(third.size);
  });
});
