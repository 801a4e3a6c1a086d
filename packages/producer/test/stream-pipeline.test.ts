import { createHash } from 'node:crypto';
import { splitHashKeyRange } from '@shardline/core';
import { getCodec } from '@shardline/native';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve-config.js';
import { clock } from '../src/pipeline/clock.js';
import type { KinesisRecord } from '../src/pipeline/kinesis-record.js';
import type { ShardDescription } from '../src/pipeline/shard-map.js';
import { type PipelineHost, StreamPipeline } from '../src/pipeline/stream-pipeline.js';
import type { UserRecord } from '../src/pipeline/user-record.js';
import { makeRecord } from './make-record.js';

const pipelines: StreamPipeline[] = [];
afterEach(() => {
  for (const pipeline of pipelines.splice(0)) pipeline.close(new Error('test over'));
});

function shards(count: number): ShardDescription[] {
  return splitHashKeyRange(count).map((range, i) => ({ shardId: `shardId-${i}`, ...range }));
}

function setup(options: Parameters<typeof resolveConfig>[0], map: ShardDescription[] | undefined) {
  const batches: KinesisRecord[][] = [];
  const failed: UserRecord[] = [];
  const inFlight = { count: Number.POSITIVE_INFINITY };
  let mapReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    mapReady = resolve;
  });
  const host: PipelineHost = {
    config: resolveConfig({ region: 'us-east-1', shardMapRefreshInterval: 0, ...options }, {}),
    codec: getCodec(),
    dispatch: (_pipeline, batch) => batches.push(batch),
    succeed: () => {},
    fail: (record) => failed.push(record),
    dropExpired: (records) => records,
    listShards: () => (map === undefined ? new Promise<ShardDescription[]>(() => {}) : Promise.resolve(map)),
    onShardMap: () => mapReady(),
    onShardMapError: () => {},
    onMisrouted: () => {},
    // Busy unless a test says otherwise: the fill-or-deadline rules apply alone.
    requestsInFlight: () => inFlight.count,
    wake: () => {},
  };
  const pipeline = new StreamPipeline('s', host);
  pipelines.push(pipeline);
  return { pipeline, batches, failed, ready, inFlight };
}

describe('StreamPipeline', () => {
  it('cuts PutRecords batches at 500 records, never more', async () => {
    const { pipeline, batches, ready } = setup({ aggregationEnabled: false, rateLimit: 1_000_000 }, shards(4));
    await ready;
    for (let i = 0; i < 1_234; i++) pipeline.accept(makeRecord(`k${i}`, new Uint8Array(10)));
    pipeline.processIncoming();
    pipeline.tick(clock(), true);
    expect(batches.map((b) => b.length)).toEqual([500, 500, 234]);
  });

  it('cuts at collectionMaxSize counting partition key plus data', async () => {
    const { pipeline, batches, ready } = setup(
      { aggregationEnabled: false, rateLimit: 1_000_000, collectionMaxSize: 60_000 },
      shards(1),
    );
    await ready;
    // 10-byte keys + 990 bytes of data: 60 records fit in 60,000 bytes, the 61st starts a new batch.
    for (let i = 0; i < 150; i++) pipeline.accept(makeRecord(`key-${String(i).padStart(6, '0')}`, new Uint8Array(990)));
    pipeline.processIncoming();
    pipeline.tick(clock(), true);
    expect(batches.map((b) => b.length)).toEqual([60, 60, 30]);
    for (const batch of batches) expect(batch.reduce((sum, r) => sum + r.size, 0)).toBeLessThanOrEqual(60_000);
  });

  it('aggregates per predicted shard within aggregationMaxSize', async () => {
    const { pipeline, batches, ready } = setup({ rateLimit: 1_000_000, aggregationMaxSize: 4_096 }, shards(4));
    await ready;
    for (let i = 0; i < 2_000; i++) pipeline.accept(makeRecord(`k${i}`, new Uint8Array(50)));
    pipeline.processIncoming();
    pipeline.tick(clock(), true);
    const records = batches.flat();
    expect(records.reduce((sum, r) => sum + r.records.length, 0)).toBe(2_000);
    for (const record of records) {
      expect(record.dataSize).toBeLessThanOrEqual(4_096);
      const shard = record.shard?.index as number;
      for (const user of record.records) {
        const hash = BigInt(
          `0x${Buffer.from(user.hashes.subarray(user.hashOffset, user.hashOffset + 16)).toString('hex')}`,
        );
        const range = shards(4)[shard] as ShardDescription;
        expect(hash >= range.startingHashKey && hash <= range.endingHashKey).toBe(true);
      }
    }
  });

  it('hashes and stages every partition key, past the 64 KiB key buffer and the 8,192-record batch, in any encoding', async () => {
    const { pipeline, batches, ready } = setup({ rateLimit: 1_000_000 }, shards(8));
    await ready;
    // 250 three-byte characters (750 bytes) in every 7th key outgrow the 64 KiB buffer the keys are packed into for
    // hashing; 9,000 records cross the 8,192-record hashing batch; escapes and explicit hash keys mix in.
    const keyOf = (i: number): string =>
      i % 7 === 0 ? `${'\u20ac'.repeat(250)}${i}` : i % 5 === 0 ? `"q\\${i}` : `k${i}`;
    const ehkOf = (i: number): string | undefined => (i % 11 === 0 ? String(BigInt(i) * 2n ** 100n) : undefined);
    for (let i = 0; i < 9_000; i++) pipeline.accept(makeRecord(keyOf(i), new Uint8Array(8), ehkOf(i)));
    pipeline.processIncoming();
    pipeline.tick(clock(), true);
    for (const record of batches.flat()) {
      // Each Kinesis record carries its members' keys, data and explicit hash keys as its builder staged them.
      const staged = record.staged;
      expect(staged).toBeDefined();
      expect(Buffer.from(staged?.keys ?? []).toString('utf8')).toBe(record.records.map((r) => r.partitionKey).join(''));
      expect(staged?.data).toEqual(record.records.map((r) => r.data));
      const ehks = record.records.map((r) => r.explicitHashKey);
      expect(staged?.explicitHashKeys ?? ehks.map(() => undefined)).toEqual(ehks);
    }
    const users = batches.flat().flatMap((r) => r.records.map((user) => ({ user, shard: r.shard?.index as number })));
    expect(users).toHaveLength(9_000);
    const seen = new Set<string>();
    for (const { user, shard } of users) {
      const hash = Buffer.from(user.hashes.subarray(user.hashOffset, user.hashOffset + 16)).toString('hex');
      const expected =
        user.explicitHashKey === undefined
          ? createHash('md5').update(user.partitionKey, 'utf8').digest('hex')
          : BigInt(user.explicitHashKey).toString(16).padStart(32, '0');
      expect(hash).toBe(expected);
      const range = shards(8)[shard] as ShardDescription;
      expect(BigInt(`0x${hash}`) >= range.startingHashKey && BigInt(`0x${hash}`) <= range.endingHashKey).toBe(true);
      seen.add(user.partitionKey);
    }
    expect(seen.size).toBe(9_000);
  });

  it('the rate limiter holds records back per shard at RateLimit %', async () => {
    const { pipeline, batches, ready } = setup({ aggregationEnabled: false, rateLimit: 10 }, shards(1));
    await ready;
    // 10 % of 1000 records/s: a burst of 100 passes, the rest waits for tokens.
    for (let i = 0; i < 300; i++) pipeline.accept(makeRecord(`k${i}`, new Uint8Array(10)));
    pipeline.processIncoming();
    pipeline.tick(clock(), true);
    expect(batches.flat().length).toBe(100);
    expect(pipeline.buffered).toBe(true);
  });

  it('records rerouted out of a Kinesis record take its attempts along; a record retried whole keeps them', async () => {
    const { pipeline, batches, ready } = setup({ rateLimit: 1_000_000 }, shards(1));
    await ready;
    for (let i = 0; i < 3; i++) pipeline.accept(makeRecord(`r${i}`, new Uint8Array([i])));
    pipeline.processIncoming();
    pipeline.tick(clock(), true);
    const sent = batches.flat()[0] as KinesisRecord;
    expect(sent.records).toHaveLength(3);
    sent.attempts = 2;
    // Retried whole: the same Kinesis record goes again, carrying the count itself.
    pipeline.retry(sent, sent.records);
    pipeline.tick(clock(), true);
    expect(batches.flat()[1]).toBe(sent);
    expect(sent.records.map((r) => r.attempts)).toEqual([0, 0, 0]);
    // Two survivors (the third expired) leave it for a new aggregate and take its two attempts along.
    pipeline.retry(sent, sent.records.slice(0, 2));
    pipeline.tick(clock(), true);
    const rerouted = batches.flat()[2] as KinesisRecord;
    expect(rerouted).not.toBe(sent);
    expect(rerouted.attempts).toBe(0);
    expect(rerouted.records.map((r) => r.attempts)).toEqual([2, 2]);
    expect(sent.records[2]?.attempts).toBe(0);
  });

  it('ordered mode keeps one Kinesis record per shard in flight and retries it first', async () => {
    const { pipeline, batches, ready } = setup(
      { ordered: true, aggregationEnabled: false, rateLimit: 1_000_000 },
      shards(1),
    );
    await ready;
    for (let i = 0; i < 3; i++) pipeline.accept(makeRecord('same', new Uint8Array([i])));
    pipeline.processIncoming();
    pipeline.tick(clock(), true);
    expect(batches.flat().map((r) => r.records[0]?.data[0])).toEqual([0]);
    const first = batches[0]?.[0] as KinesisRecord;
    pipeline.retry(first, first.records);
    pipeline.tick(clock(), true);
    expect(batches.flat().map((r) => r.records[0]?.data[0])).toEqual([0, 0]);
    pipeline.release(first);
    pipeline.tick(clock(), true);
    expect(batches.flat().map((r) => r.records[0]?.data[0])).toEqual([0, 0, 1]);
  });

  it('sends collected records at once while fewer than minRequestsInFlight requests are in flight', async () => {
    // An eighth of a request is 10 records here.
    const { pipeline, batches, ready, inFlight } = setup(
      { aggregationEnabled: false, rateLimit: 1_000_000, collectionMaxCount: 80 },
      shards(2),
    );
    await ready;
    inFlight.count = 0;
    for (let i = 0; i < 9; i++) pipeline.accept(makeRecord(`j${i}`, new Uint8Array(10)));
    pipeline.processIncoming();
    // Below an eighth of a request, records wait for more or for their deadline even with idle connections.
    expect(batches).toHaveLength(0);
    pipeline.tick(clock(), true);
    batches.length = 0;
    inFlight.count = 3;
    for (let i = 0; i < 10; i++) pipeline.accept(makeRecord(`k${i}`, new Uint8Array(10)));
    pipeline.processIncoming();
    // Three in flight is below the default of 4: no waiting for a full request or the deadline.
    expect(batches.map((b) => b.length)).toEqual([10]);
    inFlight.count = 4;
    for (let i = 0; i < 10; i++) pipeline.accept(makeRecord(`m${i}`, new Uint8Array(10)));
    pipeline.processIncoming();
    pipeline.tick(clock(), false);
    expect(batches.map((b) => b.length)).toEqual([10]);
    // A request answered: the producer asks every pipeline to send what it holds.
    inFlight.count = 3;
    pipeline.sendIfIdle();
    expect(batches.map((b) => b.length)).toEqual([10, 10]);
    expect(pipeline.buffered).toBe(false);
  });

  it('sends only finished aggregates early: a partly filled one waits for its deadline', async () => {
    const { pipeline, batches, ready, inFlight } = setup(
      { rateLimit: 1_000_000, aggregationMaxSize: 1_024, collectionMaxCount: 16 },
      shards(1),
    );
    await ready;
    inFlight.count = 0;
    // 25 records of ~112 bytes each: two full aggregates of 9-10 records and a partial one.
    for (let i = 0; i < 25; i++) pipeline.accept(makeRecord(`key-${String(i).padStart(4, '0')}`, new Uint8Array(100)));
    pipeline.processIncoming();
    const early = batches.flat();
    expect(early.length).toBeGreaterThanOrEqual(2);
    for (const record of early) expect(record.dataSize).toBeGreaterThan(1_024 - 130);
    expect(pipeline.buffered).toBe(true);
    pipeline.tick(clock(), true);
    expect(batches.flat().reduce((sum, r) => sum + r.records.length, 0)).toBe(25);
  });

  it('with minRequestsInFlight 0, collection waits for a full request or the deadline alone', async () => {
    const { pipeline, batches, ready, inFlight } = setup(
      { aggregationEnabled: false, rateLimit: 1_000_000, collectionMaxCount: 80, minRequestsInFlight: 0 },
      shards(2),
    );
    await ready;
    inFlight.count = 0;
    for (let i = 0; i < 10; i++) pipeline.accept(makeRecord(`k${i}`, new Uint8Array(10)));
    pipeline.processIncoming();
    pipeline.sendIfIdle();
    pipeline.tick(clock(), false);
    expect(batches).toHaveLength(0);
    pipeline.tick(clock(), true);
    expect(batches.map((b) => b.length)).toEqual([10]);
  });

  it('without a shard map, records wait for it and go out unaggregated only when flushed', () => {
    const { pipeline, batches } = setup({ rateLimit: 1_000_000 }, undefined);
    for (let i = 0; i < 10; i++) pipeline.accept(makeRecord(`k${i}`, new Uint8Array(10)));
    pipeline.processIncoming();
    pipeline.tick(clock(), false);
    expect(batches).toHaveLength(0);
    pipeline.tick(clock(), true);
    expect(batches.flat().map((r) => r.records.length)).toEqual(Array(10).fill(1));
    expect(batches.flat().every((r) => r.shard === undefined)).toBe(true);
  });
});
