import { type Broker, startBroker } from '@shardline/broker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '../../packages/broker/test/helpers/aws-sdk.js';
import { errorName, sdkClient } from './sdk-client.js';

let broker: Broker;
let client: KinesisClient;

beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'aws', createStreamMs: 0, updateStreamMs: 0 });
  client = sdkClient(broker.url, { http1: true });
});
afterAll(async () => {
  client.destroy();
  await broker.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function readAll(stream: string): Promise<string[]> {
  const out: string[] = [];
  let iterator = (
    await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
  ).ShardIterator;
  for (;;) {
    let r: GetRecordsCommandOutput;
    try {
      r = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    } catch (error) {
      if ((error as Error).name !== 'ProvisionedThroughputExceededException') throw error;
      await sleep(250);
      continue;
    }
    for (const rec of r.Records ?? [])
      out.push(
        Buffer.from(rec.Data ?? [])
          .subarray(0, 12)
          .toString(),
      );
    if ((r.Records ?? []).length === 0) return out;
    iterator = r.NextShardIterator;
  }
}

it('fails records over 1 MiB/s or 1000 records/s per shard individually and stores none twice', async () => {
  await client.send(new CreateStreamCommand({ StreamName: 'limited', ShardCount: 1 }));
  const payload = (i: number): Buffer =>
    Buffer.concat([Buffer.from(`rec-${String(i).padStart(8, '0')}`), Buffer.alloc(4000, 1)]);
  let pending: PutRecordsRequestEntry[] = Array.from({ length: 500 }, (_, i) => ({
    PartitionKey: `k${i}`,
    Data: payload(i),
  }));
  let firstFailed = -1;
  let attempts = 0;
  while (pending.length > 0) {
    attempts++;
    const out = await client.send(new PutRecordsCommand({ StreamName: 'limited', Records: pending }));
    if (firstFailed < 0) firstFailed = out.FailedRecordCount ?? 0;
    const failed = (out.Records ?? []).flatMap((r, i) =>
      r.ErrorCode === undefined ? [] : [pending[i] as PutRecordsRequestEntry],
    );
    for (const r of out.Records ?? []) {
      if (r.ErrorCode !== undefined) {
        expect(r.ErrorCode).toBe('ProvisionedThroughputExceededException');
        expect(r.ErrorMessage).toMatch(
          /^Rate exceeded for shard shardId-000000000000 in stream limited under account \d{12}\.$/,
        );
        expect(r.SequenceNumber).toBeUndefined();
      }
    }
    expect(out.FailedRecordCount).toBe(failed.length);
    pending = failed;
    if (pending.length > 0) await sleep(300);
  }
  // 500 x 4 KB = 2 MB against a 1 MiB/s bucket: about half must have been refused the first time.
  expect(firstFailed).toBeGreaterThan(100);
  expect(attempts).toBeGreaterThan(1);
  expect(
    await errorName(
      client.send(new PutRecordCommand({ StreamName: 'limited', PartitionKey: 'k', Data: Buffer.alloc(900_000) })),
    ),
  ).toBe('ProvisionedThroughputExceededException');
  const stored = await readAll('limited');
  expect(stored).toHaveLength(500);
  expect(new Set(stored).size).toBe(500);
});

it('limits records per second as well as bytes', async () => {
  await client.send(new CreateStreamCommand({ StreamName: 'counted', ShardCount: 1 }));
  let ok = 0;
  let failed = 0;
  for (let batch = 0; batch < 3; batch++) {
    const records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from('x') }));
    const out = await client.send(new PutRecordsCommand({ StreamName: 'counted', Records: records }));
    failed += out.FailedRecordCount ?? 0;
    ok += 500 - (out.FailedRecordCount ?? 0);
  }
  expect(failed).toBeGreaterThan(0);
  expect(ok).toBeLessThan(1200);
  expect(ok).toBeGreaterThanOrEqual(1000);
});

it('throttles GetRecords beyond 5 calls/s and GetShardIterator beyond 5 calls/s per shard', async () => {
  await client.send(new CreateStreamCommand({ StreamName: 'reads', ShardCount: 1 }));
  const names: string[] = [];
  let iterator: string | undefined;
  for (let i = 0; i < 6; i++) {
    try {
      iterator = (
        await client.send(
          new GetShardIteratorCommand({
            StreamName: 'reads',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'LATEST',
          }),
        )
      ).ShardIterator;
      names.push('ok');
    } catch (error) {
      names.push((error as Error).name);
    }
  }
  expect(names.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  expect(names[5]).toBe('ProvisionedThroughputExceededException');
  const reads: string[] = [];
  for (let i = 0; i < 6; i++)
    reads.push(await errorName(client.send(new GetRecordsCommand({ ShardIterator: iterator }))));
  expect(reads.slice(0, 5)).toEqual(['no error', 'no error', 'no error', 'no error', 'no error']);
  expect(reads[5]).toBe('ProvisionedThroughputExceededException');
});
