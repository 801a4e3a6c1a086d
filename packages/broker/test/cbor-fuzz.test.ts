import http2 from 'node:http2';
import { Encoder, Tag } from 'cbor-x';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Broker, startBroker } from '../src/index.js';

let broker: Broker;
let session: http2.ClientHttp2Session;
const encoder = new Encoder({ useRecords: false, tagUint8Array: false });

beforeAll(async () => {
  broker = await startBroker({ port: 0, createStreamMs: 0, updateStreamMs: 0, deleteStreamMs: 0 });
  session = http2.connect(broker.url);
});
afterAll(async () => {
  session.close();
  await broker.close();
});

function h2(target: string, body: Buffer, type: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': '/', 'content-type': type, 'x-amz-target': target });
    let status = 0;
    stream.on('response', (h) => {
      status = Number(h[':status']);
    });
    stream.on('data', () => {});
    stream.on('end', () => resolve(status));
    stream.on('error', reject);
    stream.end(body);
  });
}

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.constantFrom(
      'fuzz',
      'shardId-000000000000',
      'TRIM_HORIZON',
      'LATEST',
      'AT_TIMESTAMP',
      '00',
      '340282366920938463463374607431768211456',
    ),
    fc.uint8Array({ maxLength: 64 }),
    fc.integer().map((n) => new Tag(n, 1)),
    fc.array(tie('any'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'StreamName',
        'ShardCount',
        'Records',
        'PartitionKey',
        'Data',
        'ShardId',
        'ShardIteratorType',
        'Timestamp',
        'ShardIterator',
        'Limit',
        'ShardFilter',
        'Type',
        'Tags',
      ),
      tie('any'),
      { maxKeys: 5 },
    ),
  ),
})).any;

const OPS = [
  'CreateStream',
  'PutRecord',
  'PutRecords',
  'GetShardIterator',
  'GetRecords',
  'ListShards',
  'DescribeStream',
  'AddTagsToStream',
  'SplitShard',
];

it('answers random CBOR and JSON bodies over h2c with 4xx or 200, never 5xx', async () => {
  expect(
    await h2(
      'Kinesis_20131202.CreateStream',
      encoder.encode({ StreamName: 'fuzz', ShardCount: 1 }),
      'application/x-amz-cbor-1.1',
    ),
  ).toBe(200);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...OPS), value, fc.boolean(), async (op, input, cbor) => {
      const body = cbor ? encoder.encode(input) : Buffer.from(JSON.stringify(input) ?? 'null');
      const status = await h2(
        `Kinesis_20131202.${op}`,
        body,
        cbor ? 'application/x-amz-cbor-1.1' : 'application/x-amz-json-1.1',
      );
      expect(status).toBeLessThan(500);
    }),
    { numRuns: 800 },
  );
  expect(await h2('Kinesis_20131202.ListStreams', encoder.encode({}), 'application/x-amz-cbor-1.1')).toBe(200);
});
