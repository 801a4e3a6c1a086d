import http from 'node:http';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Broker, startBroker } from '../src/index.js';

let broker: Broker;
const encoder = new Encoder({ useRecords: false, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true, int64AsNumber: true } as ConstructorParameters<
  typeof Decoder
>[0]);

beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0 });
});
afterAll(async () => {
  await broker.close();
});

function call(
  op: string,
  input: unknown,
): Promise<{ status: number; type: string; body: Record<string, unknown>; raw: Buffer }> {
  const body = encoder.encode(input);
  return new Promise((resolve, reject) => {
    const req = http.request(
      broker.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-cbor-1.1',
          'x-amz-target': `Kinesis_20131202.${op}`,
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            body: decoder.decode(raw),
            raw,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

it('speaks CBOR 1.1: byte-string blobs, tag 1 over epoch milliseconds, CBOR errors', async () => {
  expect((await call('CreateStream', { StreamName: 'cbor', ShardCount: 1 })).status).toBe(200);
  const data = Buffer.from([0, 1, 2, 255, 254]);
  const put = await call('PutRecord', { StreamName: 'cbor', PartitionKey: 'k', Data: data });
  expect(put.type).toBe('application/x-amz-cbor-1.1');
  expect(put.body.ShardId).toBe('shardId-000000000000');
  const before = Date.now();
  // Timestamp sent as AWS does: tag 1 wrapping integer epoch ms.
  const iterator = await call('GetShardIterator', {
    StreamName: 'cbor',
    ShardId: 'shardId-000000000000',
    ShardIteratorType: 'AT_TIMESTAMP',
    Timestamp: new Tag(BigInt(before - 60_000), 1),
  });
  expect(iterator.status).toBe(200);
  const got = await call('GetRecords', { ShardIterator: iterator.body.ShardIterator });
  const records = got.body.Records as Record<string, unknown>[];
  expect(records).toHaveLength(1);
  expect(Buffer.from(records[0]?.Data as Uint8Array).equals(data)).toBe(true);
  // The decoder reads tag 1 as seconds, so an epoch-ms value appears 1000x later than it is.
  const ts = records[0]?.ApproximateArrivalTimestamp as Date;
  expect(Math.abs(ts.getTime() / 1000 - before)).toBeLessThan(60_000);
  // Raw bytes: 0xc1 (tag 1) followed by an 8-byte unsigned integer (0x1b), not a float.
  expect(got.raw.includes(Buffer.from([0xc1, 0x1b]))).toBe(true);
  const described = await call('DescribeStreamSummary', { StreamName: 'cbor' });
  const created = (described.body.StreamDescriptionSummary as Record<string, unknown>).StreamCreationTimestamp as Date;
  expect(Math.abs(created.getTime() / 1000 - before)).toBeLessThan(60_000);
  const missing = await call('DescribeStream', { StreamName: 'nope' });
  expect(missing.status).toBe(400);
  expect(missing.body.__type).toBe('ResourceNotFoundException');
  const wrongType = await call('PutRecord', { StreamName: 'cbor', PartitionKey: 'k', Data: 12 });
  expect(wrongType.body.__type).toBe('SerializationException');
});
