import diagnostics from 'node:diagnostics_channel';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Broker, type BrokerRequestEvent, startBroker } from '@shardline/broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../packages/broker/src/server/tls-material.js';
import { startTestDynamoDb } from '../../packages/consumer/test/helpers/test-dynamodb.js';
import { CREDENTIALS } from '../consumer/helpers/stream-fixture.js';
import { consumeWithOurs, runJava } from './java-side.js';

/**
 * The real Java KPL (KplInterop.java, built by run.mjs; its native daemon speaks HTTPS only) puts into
 * the reference broker's TLS port; our consumer reads the records back. The KPL asks STS for the
 * caller's account to name the stream by ARN, so a stub STS answers GetCallerIdentity.
 * Runs only through `pnpm test:java-interop`, which sets SHARDLINE_KPL_CLASSPATH.
 */
const CLASSPATH = process.env.SHARDLINE_KPL_CLASSPATH ?? '';
const STREAM = 'kpl-interop';
const ACCOUNT = '000000000000';
/** 200-byte records: about 4.5 MB, beyond what two shards take in two seconds. */
const COUNT = 20_000;

let broker: Broker;
let sts: https.Server;
let stsPort: number;
let dynamo: { endpoint: string; close(): Promise<void> };

beforeAll(async () => {
  if (CLASSPATH === '') throw new Error('run through `pnpm test:java-interop` (it builds the Java side)');
  broker = await startBroker({ port: 0, limits: 'aws', createStreamMs: 0, tls: true, accountId: ACCOUNT });
  const { cert, key } = await selfSignedCertificate('127.0.0.1');
  sts = https.createServer({ cert, key }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'text/xml');
      res.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/interop</Arn><UserId>AIDAINTEROP</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
  stsPort = (sts.address() as AddressInfo).port;
  dynamo = await startTestDynamoDb();
  const answer = await fetch(broker.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.CreateStream' },
    body: JSON.stringify({ StreamName: STREAM, ShardCount: 2 }),
  });
  expect(answer.status).toBe(200);
});

afterAll(async () => {
  await dynamo?.close();
  await new Promise((resolve) => sts?.close(resolve));
  await broker?.close();
});

interface KplResult {
  partitionKey: string;
  successful: boolean;
  shardId: string;
  sequenceNumber: string;
  attempts: number;
}

function runKpl(count: number): Promise<KplResult[]> {
  return runJava<KplResult>(CLASSPATH, 'KplInterop', [
    '127.0.0.1',
    String(broker.tlsPort),
    String(stsPort),
    STREAM,
    String(count),
    CREDENTIALS.accessKeyId,
    CREDENTIALS.secretAccessKey,
  ]);
}

describe('the Java KPL into the reference broker over TLS', () => {
  it("stores every record where its result says, through throttling; our consumer de-aggregates the KPL's aggregates", async () => {
    const requests: BrokerRequestEvent[] = [];
    const listener = (message: unknown): void => void requests.push(message as BrokerRequestEvent);
    diagnostics.subscribe('shardline:broker:request', listener);
    let results: KplResult[];
    try {
      results = await runKpl(COUNT);
    } finally {
      diagnostics.unsubscribe('shardline:broker:request', listener);
    }
    expect(results).toHaveLength(COUNT);
    expect(results.every((r) => r.successful)).toBe(true);
    expect(requests.some((r) => r.operation === 'PutRecords' && r.statusCode === 200)).toBe(true);
    // The KPL's daemon speaks JSON 1.1. Two shards at 1 MiB/s throttled some of its records; it retried them.
    expect(new Set(requests.map((r) => r.protocol))).toEqual(new Set(['json']));
    expect(results.some((r) => r.attempts > 1)).toBe(true);

    const records = await consumeWithOurs({
      endpoint: broker.url,
      dynamoDbEndpoint: dynamo.endpoint,
      streamName: STREAM,
      applicationName: 'kpl-interop-app',
      count: COUNT,
    });
    expect(records).toHaveLength(COUNT);
    const byKey = new Map(records.map((r) => [r.partitionKey, r]));
    for (let i = 0; i < COUNT; i++) {
      const result = results[i] as KplResult;
      const record = byKey.get(`kpl-${i}`);
      expect(record?.data.toString()).toBe(`kpl data ${i} ${'x'.repeat(200)}`);
      // Where the KPL said it stored the record: shard and (aggregate's) sequence number.
      expect(record?.shardId).toBe(result.shardId);
      expect(record?.sequenceNumber).toBe(result.sequenceNumber);
    }
    // The KPL aggregated: several user records share a Kinesis record.
    expect(records.some((r) => r.subSequenceNumber > 0)).toBe(true);
  });
});
