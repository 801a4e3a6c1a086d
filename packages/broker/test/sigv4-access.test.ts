import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker } from '../src/index.js';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListStreamsCommand,
  NodeHttpHandler,
  PutRecordCommand,
} from './helpers/aws-sdk.js';

let broker: Broker;
let skew = 0;
const logged: string[] = [];
const logger = {
  debug: (o: unknown) => logged.push(JSON.stringify(o)),
  info: (o: unknown) => logged.push(JSON.stringify(o)),
  warn: (o: unknown) => logged.push(JSON.stringify(o)),
  error: (o: unknown) => logged.push(JSON.stringify(o)),
};

beforeAll(async () => {
  broker = await startBroker({
    port: 0,
    createStreamMs: 0,
    logger,
    clock: () => Date.now() + skew,
    credentials: [
      { accessKeyId: 'AKIDADMIN', secretAccessKey: 'admin-secret' },
      { accessKeyId: 'AKIDREADER', secretAccessKey: 'reader-secret', readOnly: true },
      { accessKeyId: 'AKIDSCOPED', secretAccessKey: 'scoped-secret', streams: ['mine'] },
    ],
  });
});
afterAll(async () => {
  await broker.close();
});

function client(accessKeyId: string, secretAccessKey: string, http1: boolean): KinesisClient {
  return new KinesisClient({
    endpoint: broker.url,
    region: 'eu-west-1',
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey },
    ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return (error as Error).name;
  }
}

describe.each([
  ['HTTP/1.1', true],
  ['HTTP/2', false],
])('SigV4 over %s', (_label, http1) => {
  it('accepts valid signatures and rejects bad ones with the AWS error classes', async () => {
    const admin = client('AKIDADMIN', 'admin-secret', http1);
    const name = http1 ? 'mine' : 'other';
    await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    expect(
      (await admin.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamStatus,
    ).toBe('ACTIVE');
    expect(await failure(client('AKIDADMIN', 'wrong-secret', http1).send(new ListStreamsCommand({})))).toBe(
      'InvalidSignatureException',
    );
    expect(await failure(client('AKIDUNKNOWN', 'x', http1).send(new ListStreamsCommand({})))).toBe(
      'UnrecognizedClientException',
    );
    const reader = client('AKIDREADER', 'reader-secret', http1);
    expect(await failure(reader.send(new DescribeStreamSummaryCommand({ StreamName: name })))).toBe('no error');
    expect(
      await failure(reader.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from('x') }))),
    ).toBe('AccessDeniedException');
    skew = 20 * 60_000;
    try {
      expect(await failure(admin.send(new ListStreamsCommand({})))).toBe('InvalidSignatureException');
    } finally {
      skew = 0;
    }
    for (const c of [admin, reader]) c.destroy();
  });
});

it('limits credentials to their streams and never logs secrets', async () => {
  const scoped = client('AKIDSCOPED', 'scoped-secret', true);
  expect(
    await failure(scoped.send(new PutRecordCommand({ StreamName: 'mine', PartitionKey: 'k', Data: Buffer.from('x') }))),
  ).toBe('no error');
  expect(await failure(scoped.send(new DescribeStreamSummaryCommand({ StreamName: 'other' })))).toBe(
    'AccessDeniedException',
  );
  scoped.destroy();
  expect(logged.join('\n')).not.toMatch(/secret/);
});
