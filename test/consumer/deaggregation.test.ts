import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ConsumerRecord, KinesisConsumer } from '@shardline/consumer';
import { encodeAggregatedRecord } from '@shardline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsKinesisAgg } from '../../packages/consumer/test/helpers/aws-sdk.js';
import { CREDENTIALS, type StreamFixture, startStreamFixture, waitFor } from './helpers/stream-fixture.js';

const HALF = 1n << 127n;
let fixture: StreamFixture;
beforeAll(async () => {
  fixture = await startStreamFixture();
});
afterAll(async () => {
  await fixture.close();
});

function consumerFor(
  stream: string,
  app: string,
  extra: Partial<ConstructorParameters<typeof KinesisConsumer>[0]> = {},
) {
  return new KinesisConsumer({
    streamName: stream,
    applicationName: app,
    endpoint: fixture.url,
    credentials: CREDENTIALS,
    dynamoDbEndpoint: fixture.dynamoDbEndpoint,
    initialPosition: 'TRIM_HORIZON',
    idleTimeBetweenReadsMillis: 50,
    minTimeBetweenReadsMillis: 0,
    leaseTakerIntervalMillis: 200,
    ...extra,
  });
}

async function collect(
  consumer: KinesisConsumer,
  until: (records: ConsumerRecord[]) => boolean,
): Promise<ConsumerRecord[]> {
  const records: ConsumerRecord[] = [];
  await consumer.run({
    eachBatch: ({ records: batch }) => {
      records.push(...batch);
    },
  });
  await waitFor(() => until(records), 10_000, 'records');
  return records;
}

describe('de-aggregation against the broker', () => {
  it('reads our aggregates and aws-kinesis-agg aggregates; drops a misrouted aggregate whole; passes a bad checksum through', async () => {
    await fixture.createStream('agg', 2);
    const ours = Array.from({ length: 10 }, (_, i) => ({
      partitionKey: `ours-${i}`,
      explicitHashKey: String(1000 + i),
      data: Buffer.from(`ours ${i}`),
    }));
    const aggregator = new awsKinesisAgg.RecordAggregator();
    for (let i = 0; i < 5; i++) {
      aggregator.addUserRecord({
        partitionKey: `aws-${i}`,
        explicitHashKey: String((1n << 40n) + BigInt(i)),
        data: Buffer.from(`aws ${i}`),
      });
    }
    const theirs = aggregator.build().data;
    // One sub-record belongs to shard 1 although the aggregate is put to shard 0 (a stale shard map).
    const misrouted = encodeAggregatedRecord([
      { partitionKey: 'm0', explicitHashKey: '5', data: Buffer.from('misrouted 0') },
      { partitionKey: 'm1', explicitHashKey: (HALF + 5n).toString(), data: Buffer.from('misrouted 1') },
    ]);
    const corrupt = Buffer.from(
      encodeAggregatedRecord([{ partitionKey: 'c', explicitHashKey: '7', data: Buffer.from('corrupt') }]),
    );
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] as number) ^ 0xff;
    const [oursSeq] = await fixture.put('agg', [
      { partitionKey: 'outer', explicitHashKey: '0', data: encodeAggregatedRecord(ours) },
      { partitionKey: 'outer', explicitHashKey: '1', data: theirs },
      { partitionKey: 'outer', explicitHashKey: '2', data: misrouted },
      { partitionKey: 'outer', explicitHashKey: '3', data: corrupt },
    ]);
    const consumer = consumerFor('agg', 'agg-app', { autoCheckpoint: false });
    const records = await collect(consumer, (r) => r.length >= 16);
    await new Promise((r) => setTimeout(r, 300));
    expect(records).toHaveLength(16);
    expect(
      records
        .slice(0, 10)
        .map((r) => [r.partitionKey, r.explicitHashKey, r.data.toString(), r.subSequenceNumber, r.sequenceNumber]),
    ).toEqual(ours.map((o, i) => [o.partitionKey, o.explicitHashKey, o.data.toString(), i, oursSeq]));
    expect(records.slice(10, 15).map((r) => r.data.toString())).toEqual(['aws 0', 'aws 1', 'aws 2', 'aws 3', 'aws 4']);
    expect(records.slice(10, 15).map((r) => r.subSequenceNumber)).toEqual([0, 1, 2, 3, 4]);
    const passed = records[15] as ConsumerRecord;
    expect(passed.partitionKey).toBe('outer');
    expect(passed.subSequenceNumber).toBe(0);
    expect(passed.data.equals(corrupt)).toBe(true);
    expect(records.some((r) => r.data.toString().startsWith('misrouted'))).toBe(false);
    expect(consumer.metrics().DroppedAggregates).toBe(1);
    await consumer.close();
  });

  it('resumes inside an aggregate: only sub-records after the checkpointed one are redelivered', async () => {
    await fixture.createStream('resume', 1);
    const user = Array.from({ length: 8 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.from(`u${i}`) }));
    await fixture.put('resume', [
      { partitionKey: 'a', data: encodeAggregatedRecord(user) },
      { partitionKey: 'b', data: Buffer.from('plain after') },
    ]);
    const first = consumerFor('resume', 'resume-app', { autoCheckpoint: false });
    let checkpointed = false;
    await first.run({
      eachBatch: async ({ records, checkpoint }) => {
        if (!checkpointed) {
          await checkpoint(records[3] as ConsumerRecord);
          checkpointed = true;
        }
      },
    });
    await waitFor(() => checkpointed, 10_000, 'checkpoint');
    await first.close();
    const second = consumerFor('resume', 'resume-app');
    const records = await collect(second, (r) => r.length >= 5);
    await new Promise((r) => setTimeout(r, 300));
    expect(records.map((r) => r.data.toString())).toEqual(['u4', 'u5', 'u6', 'u7', 'plain after']);
    expect(records.map((r) => r.subSequenceNumber)).toEqual([4, 5, 6, 7, 0]);
    await second.close();
  });

  it('hands big answers over in batches of at most maxBatchRecords, in order, shard end with the last one', async () => {
    await fixture.createStream('pieces', 1);
    const aggregates = [0, 1, 2].map((a) =>
      encodeAggregatedRecord(
        Array.from({ length: 7 }, (_, i) => ({ partitionKey: `a${a}-${i}`, data: Buffer.from(`a${a} ${i}`) })),
      ),
    );
    await fixture.put('pieces', [
      ...aggregates.map((data, a) => ({ partitionKey: `outer-${a}`, data })),
      { partitionKey: 'plain', data: Buffer.from('plain') },
    ]);
    const expected = [...[0, 1, 2].flatMap((a) => Array.from({ length: 7 }, (_, i) => `a${a} ${i}`)), 'plain'];
    const [shard] = await fixture.shards('pieces');
    // Closing the shard makes its last answer carry shard end.
    await fixture.split('pieces', shard?.shardId ?? '', (1n << 127n).toString());
    const batches: { data: string[]; isAtShardEnd: boolean }[] = [];
    const first = consumerFor('pieces', 'pieces-app', { maxBatchRecords: 5, autoCheckpoint: false });
    let checkpointed = false;
    await first.run({
      processorFactory: () => ({
        processRecords: async ({ records, checkpointer, isAtShardEnd }) => {
          batches.push({ data: records.map((r) => r.data.toString()), isAtShardEnd });
          // Checkpoint the middle of the third batch (inside the second aggregate), once.
          if (batches.length === 3 && !checkpointed) {
            await checkpointer.checkpoint(records[2]?.sequenceNumber, records[2]?.subSequenceNumber);
            checkpointed = true;
          }
        },
        shutdownRequested: () => {},
        shardEnded: async ({ checkpointer }) => {
          batches.push({ data: ['<shard end>'], isAtShardEnd: true });
          await checkpointer.checkpoint();
        },
      }),
    });
    await waitFor(() => batches.some((b) => b.data[0] === '<shard end>'), 10_000, 'shard end');
    await first.close();
    const parentBatches = batches.filter((b) => b.data[0] !== '<shard end>');
    expect(parentBatches.every((b) => b.data.length >= 1 && b.data.length <= 5)).toBe(true);
    expect(parentBatches.flatMap((b) => b.data)).toEqual(expected);
    // Only the answer's last batch says the shard ended.
    expect(parentBatches.map((b) => b.isAtShardEnd)).toEqual(
      parentBatches.map((_, i) => i === parentBatches.length - 1),
    );
    expect(checkpointed).toBe(true);
  });

  it('resumes after a checkpoint taken inside a bounded batch', async () => {
    await fixture.createStream('pieces-resume', 1);
    const user = Array.from({ length: 9 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.from(`u${i}`) }));
    await fixture.put('pieces-resume', [{ partitionKey: 'a', data: encodeAggregatedRecord(user) }]);
    const first = consumerFor('pieces-resume', 'pieces-resume-app', { maxBatchRecords: 4, autoCheckpoint: false });
    const seen: string[][] = [];
    await first.run({
      eachBatch: async ({ records, checkpoint }) => {
        seen.push(records.map((r) => r.data.toString()));
        // The second batch is u4..u7: checkpoint u5.
        if (seen.length === 2) await checkpoint(records[1] as ConsumerRecord);
      },
    });
    await waitFor(() => seen.flat().length >= 9, 10_000, 'first pass');
    await first.close();
    expect(seen).toEqual([['u0', 'u1', 'u2', 'u3'], ['u4', 'u5', 'u6', 'u7'], ['u8']]);
    const second = consumerFor('pieces-resume', 'pieces-resume-app', { maxBatchRecords: 4 });
    const records = await collect(second, (r) => r.length >= 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(records.map((r) => r.data.toString())).toEqual(['u6', 'u7', 'u8']);
    await second.close();
  });

  it('golden KPL fixtures from @shardline/core de-aggregate to their described records', async () => {
    const dir = fileURLToPath(new URL('../../packages/core/test/fixtures/', import.meta.url));
    const names = readdirSync(dir)
      .filter((name) => name.endsWith('.bin'))
      .map((name) => name.slice(0, -4))
      .sort();
    expect(names.length).toBeGreaterThan(0);
    await fixture.createStream('golden', 1);
    const expected: { partitionKey: string; explicitHashKey?: string; data: string }[] = [];
    for (const name of names) {
      const described = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as {
        records: { partitionKey: string; explicitHashKey?: string; data: string }[];
      };
      expected.push(...described.records);
      await fixture.put('golden', [{ partitionKey: name, data: readFileSync(`${dir}${name}.bin`) }]);
    }
    const consumer = consumerFor('golden', 'golden-app');
    const records = await collect(consumer, (r) => r.length >= expected.length);
    expect(
      records.map((r) => ({
        partitionKey: r.partitionKey,
        ...(r.explicitHashKey === undefined ? {} : { explicitHashKey: r.explicitHashKey }),
        data: r.data.toString('base64'),
      })),
    ).toEqual(expected);
    await consumer.close();
  });
});
