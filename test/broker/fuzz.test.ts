import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { type Broker, startBroker } from '@shardline/broker';
import { afterAll, beforeAll, expect, it } from 'vitest';

let broker: Broker;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'aws', createStreamMs: 0, updateStreamMs: 0, deleteStreamMs: 0 });
});
afterAll(async () => {
  agent.destroy();
  await broker.close();
});

/** Deterministic PRNG so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function post(
  target: string | undefined,
  body: Buffer | string,
  contentType = 'application/x-amz-json-1.1',
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
    };
    if (target !== undefined) headers['x-amz-target'] = target;
    const req = http.request(broker.url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          type: String(res.headers['content-type']),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const OPS = [
  'CreateStream',
  'DeleteStream',
  'DescribeStream',
  'DescribeStreamSummary',
  'ListStreams',
  'ListShards',
  'PutRecord',
  'PutRecords',
  'GetShardIterator',
  'GetRecords',
  'SplitShard',
  'MergeShards',
  'UpdateShardCount',
  'IncreaseStreamRetentionPeriod',
  'DecreaseStreamRetentionPeriod',
  'AddTagsToStream',
  'RemoveTagsFromStream',
  'ListTagsForStream',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'StartStreamEncryption',
  'StopStreamEncryption',
  'UpdateStreamMode',
  'UpdateMaxRecordSize',
  'DescribeLimits',
  'Nope',
];
const FIELDS = [
  'StreamName',
  'StreamARN',
  'ShardCount',
  'Records',
  'PartitionKey',
  'Data',
  'ExplicitHashKey',
  'ShardId',
  'ShardIteratorType',
  'StartingSequenceNumber',
  'Timestamp',
  'ShardIterator',
  'Limit',
  'NextToken',
  'MaxResults',
  'ShardFilter',
  'ShardToSplit',
  'NewStartingHashKey',
  'ShardToMerge',
  'AdjacentShardToMerge',
  'TargetShardCount',
  'ScalingType',
  'RetentionPeriodHours',
  'Tags',
  'TagKeys',
  'ResourceARN',
  'EncryptionType',
  'KeyId',
  'StreamModeDetails',
  'MaxRecordSizeInKiB',
  'ExclusiveStartShardId',
  'Type',
];

function randomValue(rand: () => number, depth: number): unknown {
  const pick = Math.floor(rand() * 14);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return Math.floor(rand() * 2 ** 40) - 2 ** 20;
    case 3:
      return rand() * 1e20;
    case 4:
      return 'fuzz';
    case 5:
      return 'shardId-000000000000';
    case 6:
      return 'AAAA';
    case 7:
      return '!!not base64!!';
    case 8:
      return 'x'.repeat(Math.floor(rand() * 3000));
    case 9:
      return String(2n ** 128n + BigInt(Math.floor(rand() * 10)));
    case 10:
      return 'TRIM_HORIZON';
    case 11:
      return depth > 2 ? [] : Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    case 12:
      return depth > 2 ? {} : randomObject(rand, depth + 1);
    default:
      return '\u0000\ud800é';
  }
}

function randomObject(rand: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) out[FIELDS[Math.floor(rand() * FIELDS.length)] ?? 'X'] = randomValue(rand, depth);
  if (rand() < 0.6) out.StreamName = rand() < 0.8 ? 'fuzz' : randomValue(rand, depth);
  return out;
}

function randomBody(rand: () => number): Buffer | string {
  const kind = rand();
  if (kind < 0.55) return JSON.stringify(randomObject(rand, 0));
  if (kind < 0.65) return JSON.stringify(randomObject(rand, 0)).slice(0, Math.floor(rand() * 40));
  if (kind < 0.75) return Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
  if (kind < 0.8) return JSON.stringify([1, 2, 3]);
  if (kind < 0.85) return '"string"';
  if (kind < 0.9) return '';
  return JSON.stringify({
    StreamName: 'fuzz',
    Records: Array.from({ length: Math.floor(rand() * 3) }, () => randomObject(rand, 1)),
  });
}

it('answers thousands of malformed and random requests with 4xx, never 5xx, and keeps serving', async () => {
  const created = await post('Kinesis_20131202.CreateStream', JSON.stringify({ StreamName: 'fuzz', ShardCount: 2 }));
  expect(created.status).toBe(200);
  const rand = prng(20261121);
  const statuses = new Map<number, number>();
  const deadline = Date.now() + 8000;
  let sent = 0;
  while (sent < 3000 && Date.now() < deadline) {
    const batch = Array.from({ length: 20 }, () => {
      const op = OPS[Math.floor(rand() * OPS.length)] ?? 'Nope';
      const target = rand() < 0.05 ? undefined : rand() < 0.05 ? `Other_2013.${op}` : `Kinesis_20131202.${op}`;
      const type =
        rand() < 0.1 ? 'application/x-amz-cbor-1.1' : rand() < 0.05 ? 'text/plain' : 'application/x-amz-json-1.1';
      return post(target, randomBody(rand), type);
    });
    for (const r of await Promise.all(batch)) {
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status >= 500) throw new Error(`5xx for a client mistake: ${r.body}`);
      if (r.status !== 200 && r.type === 'application/x-amz-json-1.1') {
        expect(JSON.parse(r.body).__type ?? '').toMatch(/^[A-Za-z]+$/);
      }
    }
    sent += batch.length;
  }
  expect(sent).toBeGreaterThanOrEqual(1000);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(sent / 2);

  // Garbage that is not HTTP at all, and a half-sent request, must not disturb the server.
  await new Promise<void>((resolve) => {
    const socket = net.connect(broker.port, '127.0.0.1', () => {
      socket.write(Buffer.from('\x16\x03\x01garbage\r\n\r\n'));
      socket.write('POST / HTTP/1.1\r\nContent-Length: 99999\r\n\r\nabc');
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 50);
    });
    socket.on('error', () => resolve());
  });
  const oversized = await post('Kinesis_20131202.PutRecords', Buffer.alloc(17 * 1024 * 1024, 0x20));
  expect(oversized.status).toBe(413);
  // The same over h2c, where a body may arrive without a content-length.
  const session = http2.connect(broker.url);
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/',
        'x-amz-target': 'Kinesis_20131202.ListStreams',
      });
      stream.on('response', (h) => resolve(Number(h[':status'])));
      stream.on('error', reject);
      stream.write(Buffer.alloc(2 * 1024 * 1024, 0x20));
      stream.end();
    });
    expect(status).toBe(413);
  } finally {
    session.close();
  }
  const ok = await post('Kinesis_20131202.CreateStream', JSON.stringify({ StreamName: 'after-fuzz', ShardCount: 1 }));
  expect(ok.status).toBe(200);
  const put = await post(
    'Kinesis_20131202.PutRecord',
    JSON.stringify({ StreamName: 'after-fuzz', PartitionKey: 'k', Data: 'AAAA' }),
  );
  expect(JSON.parse(put.body).ShardId).toBe('shardId-000000000000');
});
