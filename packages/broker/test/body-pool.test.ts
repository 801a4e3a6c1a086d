import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Broker, startBroker } from '../src/index.js';
import { BodyPool } from '../src/server/body-pool.js';

let broker: Broker;
beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0 });
});
afterAll(async () => {
  await broker.close();
});

function call(op: string, input: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = Buffer.from(JSON.stringify(input));
  return new Promise((resolve, reject) => {
    const req = http.request(
      broker.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Kinesis_20131202.${op}`,
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

it('reuses buffers only after a request is done with them', () => {
  const pool = new BodyPool();
  const a = pool.acquire(100_000);
  const b = pool.acquire(100_000);
  // Identity checks on plain booleans: matchers would compare or print the megabyte buffers.
  expect(a === b).toBe(false);
  expect(a.length).toBeGreaterThanOrEqual(100_000);
  pool.release(a);
  expect(pool.acquire(50_000) === a).toBe(true);
  expect(pool.acquire(50_000) === a).toBe(false);
});

it('keeps concurrent large bodies apart, and survives a body cut short', async () => {
  expect((await call('CreateStream', { StreamName: 'pool', ShardCount: 1 })).status).toBe(200);
  // A client that declares 400 kB, sends half and goes away.
  await new Promise<void>((resolve) => {
    const socket = net.connect(broker.port, '127.0.0.1', () => {
      socket.write(
        'POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-amz-json-1.1\r\n' +
          'x-amz-target: Kinesis_20131202.PutRecords\r\ncontent-length: 400000\r\n\r\n',
      );
      socket.write(Buffer.alloc(200_000, 0x41), () => {
        socket.destroy();
        resolve();
      });
    });
  });
  const sent: string[] = [];
  for (let round = 0; round < 3; round++) {
    await Promise.all(
      Array.from({ length: 4 }, async (_, c) => {
        const key = `r${round}c${c}`;
        const data = Buffer.alloc(300_000 + c * 1000, `${key}-`).toString('base64');
        sent.push(key);
        const r = await call('PutRecords', { StreamName: 'pool', Records: [{ PartitionKey: key, Data: data }] });
        expect(r.status).toBe(200);
        expect(r.body.FailedRecordCount).toBe(0);
      }),
    );
  }
  const iterator = (
    await call('GetShardIterator', {
      StreamName: 'pool',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    })
  ).body.ShardIterator;
  const got = await call('GetRecords', { ShardIterator: iterator });
  const records = got.body.Records as { PartitionKey: string; Data: string }[];
  expect(records.map((r) => r.PartitionKey).sort()).toEqual([...sent].sort());
  for (const r of records) {
    const c = Number(r.PartitionKey.slice(-1));
    expect(Buffer.from(r.Data, 'base64').equals(Buffer.alloc(300_000 + c * 1000, `${r.PartitionKey}-`))).toBe(true);
  }
});

it('receives large bodies over h2c, with and without a declared length', async () => {
  expect((await call('CreateStream', { StreamName: 'pool-h2', ShardCount: 1 })).status).toBe(200);
  const session = http2.connect(broker.url);
  const put = (key: string, declare: boolean): Promise<number> => {
    const body = Buffer.from(
      JSON.stringify({
        StreamName: 'pool-h2',
        Records: [{ PartitionKey: key, Data: Buffer.alloc(200_000, key).toString('base64') }],
      }),
    );
    return new Promise((resolve, reject) => {
      const headers: http2.OutgoingHttpHeaders = {
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecords',
      };
      if (declare) headers['content-length'] = body.length;
      const stream = session.request(headers);
      let status = 0;
      stream.on('response', (h) => {
        status = Number(h[':status']);
      });
      stream.on('data', () => {});
      stream.on('end', () => resolve(status));
      stream.on('error', reject);
      stream.end(body);
    });
  };
  try {
    expect(await Promise.all([put('a', true), put('b', false), put('c', true)])).toEqual([200, 200, 200]);
  } finally {
    session.close();
  }
  const iterator = (
    await call('GetShardIterator', {
      StreamName: 'pool-h2',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    })
  ).body.ShardIterator;
  const records = (await call('GetRecords', { ShardIterator: iterator })).body.Records as {
    PartitionKey: string;
    Data: string;
  }[];
  expect(records.map((r) => r.PartitionKey).sort()).toEqual(['a', 'b', 'c']);
  for (const r of records)
    expect(Buffer.from(r.Data, 'base64').equals(Buffer.alloc(200_000, r.PartitionKey))).toBe(true);
});
