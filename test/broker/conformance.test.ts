import { type Broker, startBroker } from '@shardline/broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RemoveTagsFromStreamCommand,
  SplitShardCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateMaxRecordSizeCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
} from '../../packages/broker/test/helpers/aws-sdk.js';
import { errorName, sdkClient } from './sdk-client.js';

const TWO_128 = 1n << 128n;
let offset = 0;
let broker: Broker;

beforeAll(async () => {
  broker = await startBroker({
    port: 0,
    limits: 'off',
    createStreamMs: 0,
    updateStreamMs: 0,
    deleteStreamMs: 0,
    shardLimit: 60,
    clock: () => Date.now() + offset,
  });
});
afterAll(async () => {
  await broker.close();
});

async function readAll(
  client: KinesisClient,
  stream: string,
  shardId: string,
): Promise<{ key: string; data: string; seq: string }[]> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const out: { key: string; data: string; seq: string }[] = [];
  let iterator = ShardIterator;
  for (let i = 0; i < 100 && iterator !== undefined; i++) {
    const r = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    for (const rec of r.Records ?? []) {
      out.push({
        key: rec.PartitionKey ?? '',
        data: Buffer.from(rec.Data ?? []).toString(),
        seq: rec.SequenceNumber ?? '',
      });
    }
    if ((r.Records ?? []).length === 0 && r.MillisBehindLatest === 0) break;
    iterator = r.NextShardIterator;
  }
  return out;
}

describe.each([
  ['HTTP/2 (SDK default)', false],
  ['HTTP/1.1', true],
])('data plane over %s', (label, http1) => {
  const stream = `data-${http1 ? 'h1' : 'h2'}`;
  let client: KinesisClient;
  beforeAll(async () => {
    client = sdkClient(broker.url, { http1 });
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 4 }));
  });
  afterAll(() => client.destroy());

  it(`creates, describes and lists (${label})`, async () => {
    const d = await client.send(new DescribeStreamCommand({ StreamName: stream }));
    const desc = d.StreamDescription;
    expect(desc?.StreamStatus).toBe('ACTIVE');
    expect(desc?.StreamARN).toBe(`arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`);
    expect(desc?.Shards?.map((s) => s.ShardId)).toEqual([0, 1, 2, 3].map((i) => `shardId-00000000000${i}`));
    expect(desc?.Shards?.[0]?.HashKeyRange?.EndingHashKey).toBe('85070591730234615865843651857942052863');
    expect(desc?.Shards?.[3]?.HashKeyRange?.EndingHashKey).toBe(String(TWO_128 - 1n));
    expect(desc?.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(Math.abs((desc?.StreamCreationTimestamp?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    const seq = desc?.Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber ?? '';
    expect(seq).toMatch(/^\d{56}$/);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    expect(summary.StreamDescriptionSummary?.OpenShardCount).toBe(4);
    expect(summary.StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(1024);
    const paged = await client.send(new DescribeStreamCommand({ StreamName: stream, Limit: 2 }));
    expect(paged.StreamDescription?.HasMoreShards).toBe(true);
    const rest = await client.send(
      new DescribeStreamCommand({ StreamName: stream, ExclusiveStartShardId: 'shardId-000000000001' }),
    );
    expect(rest.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual([
      'shardId-000000000002',
      'shardId-000000000003',
    ]);
    const list = await client.send(new ListStreamsCommand({}));
    expect(list.StreamNames).toContain(stream);
    expect(list.StreamSummaries?.find((s) => s.StreamName === stream)?.StreamStatus).toBe('ACTIVE');
  });

  it(`puts and gets records in order, routed by MD5 or explicit hash key (${label})`, async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({
      PartitionKey: `key-${i % 7}`,
      Data: Buffer.from(`value-${i}`),
    }));
    const put = await client.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
    expect(put.FailedRecordCount).toBe(0);
    expect(put.Records).toHaveLength(50);
    const explicit = await client.send(
      new PutRecordCommand({
        StreamName: stream,
        PartitionKey: 'any',
        Data: Buffer.from('explicit'),
        ExplicitHashKey: String(TWO_128 - 1n),
      }),
    );
    expect(explicit.ShardId).toBe('shardId-000000000003');
    const byArn = await client.send(
      new PutRecordCommand({
        StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
        PartitionKey: 'k',
        Data: new Uint8Array(),
      }),
    );
    expect(byArn.SequenceNumber).toMatch(/^\d{56}$/);
    const seen: string[] = [];
    for (let s = 0; s < 4; s++) {
      const got = await readAll(client, stream, `shardId-00000000000${s}`);
      for (let i = 1; i < got.length; i++) expect((got[i]?.seq ?? '') > (got[i - 1]?.seq ?? '')).toBe(true);
      seen.push(...got.map((r) => r.data));
    }
    for (let i = 0; i < 50; i++) expect(seen).toContain(`value-${i}`);
    expect(seen).toContain('explicit');
    // Per key, records come back in the order written.
    for (let k = 0; k < 7; k++) {
      const values = seen
        .filter((v) => v.startsWith('value-'))
        .map((v) => Number(v.slice(6)))
        .filter((n) => n % 7 === k);
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it(`serves every iterator type and MillisBehindLatest (${label})`, async () => {
    const shard = 'shardId-000000000000';
    const first = await client.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'x', Data: Buffer.from('a'), ExplicitHashKey: '1' }),
    );
    const second = await client.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'x', Data: Buffer.from('b'), ExplicitHashKey: '1' }),
    );
    const at = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: first.SequenceNumber,
      }),
    );
    const atRecords = await client.send(new GetRecordsCommand({ ShardIterator: at.ShardIterator, Limit: 1 }));
    expect(atRecords.Records?.map((r) => r.SequenceNumber)).toEqual([first.SequenceNumber]);
    expect(atRecords.MillisBehindLatest).toBeGreaterThanOrEqual(0);
    const after = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard,
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        StartingSequenceNumber: first.SequenceNumber,
      }),
    );
    const afterRecords = await client.send(new GetRecordsCommand({ ShardIterator: after.ShardIterator }));
    expect(afterRecords.Records?.[0]?.SequenceNumber).toBe(second.SequenceNumber);
    expect(afterRecords.MillisBehindLatest).toBe(0);
    const latest = await client.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard, ShardIteratorType: 'LATEST' }),
    );
    expect((await client.send(new GetRecordsCommand({ ShardIterator: latest.ShardIterator }))).Records).toEqual([]);
    const third = await client.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'x', Data: Buffer.from('c'), ExplicitHashKey: '1' }),
    );
    const fromLatest = await client.send(new GetRecordsCommand({ ShardIterator: latest.ShardIterator }));
    expect(fromLatest.Records?.map((r) => r.SequenceNumber)).toEqual([third.SequenceNumber]);
    const ts = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard,
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: new Date(Date.now() - 3_600_000),
      }),
    );
    const fromTs = await client.send(new GetRecordsCommand({ ShardIterator: ts.ShardIterator }));
    expect(fromTs.Records?.length).toBeGreaterThanOrEqual(3);
    expect(fromTs.Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    const trim = await client.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const partial = await client.send(new GetRecordsCommand({ ShardIterator: trim.ShardIterator, Limit: 1 }));
    expect(partial.Records).toHaveLength(1);
    expect(partial.MillisBehindLatest).toBeGreaterThanOrEqual(0);
  });

  it(`raises the exception classes AWS raises (${label})`, async () => {
    expect(await errorName(client.send(new DescribeStreamCommand({ StreamName: 'missing' })))).toBe(
      'ResourceNotFoundException',
    );
    expect(await errorName(client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 })))).toBe(
      'ResourceInUseException',
    );
    expect(await errorName(client.send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 1 })))).toBe(
      'ValidationException',
    );
    expect(await errorName(client.send(new CreateStreamCommand({ StreamName: 'too-many', ShardCount: 1000 })))).toBe(
      'LimitExceededException',
    );
    expect(
      await errorName(
        client.send(new PutRecordCommand({ StreamName: 'missing', PartitionKey: 'k', Data: Buffer.from('x') })),
      ),
    ).toBe('ResourceNotFoundException');
    expect(
      await errorName(
        client.send(new PutRecordCommand({ StreamName: stream, PartitionKey: '', Data: Buffer.from('x') })),
      ),
    ).toBe('ValidationException');
    expect(
      await errorName(
        client.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.alloc(1024 * 1024) })),
      ),
    ).toBe('ValidationException');
    expect(
      await errorName(
        client.send(
          new PutRecordCommand({
            StreamName: stream,
            PartitionKey: 'k',
            Data: Buffer.from('x'),
            ExplicitHashKey: String(TWO_128),
          }),
        ),
      ),
    ).toBe('InvalidArgumentException');
    const tooMany = Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: Buffer.from('x') }));
    expect(await errorName(client.send(new PutRecordsCommand({ StreamName: stream, Records: tooMany })))).toBe(
      'ValidationException',
    );
    expect(await errorName(client.send(new PutRecordsCommand({ StreamName: stream, Records: [] })))).toBe(
      'ValidationException',
    );
    expect(
      await errorName(
        client.send(
          new GetShardIteratorCommand({
            StreamName: stream,
            ShardId: 'shardId-000000000099',
            ShardIteratorType: 'LATEST',
          }),
        ),
      ),
    ).toBe('ResourceNotFoundException');
    expect(
      await errorName(
        client.send(
          new GetShardIteratorCommand({
            StreamName: stream,
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          }),
        ),
      ),
    ).toBe('InvalidArgumentException');
    expect(
      await errorName(
        client.send(
          new GetShardIteratorCommand({
            StreamName: stream,
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            StartingSequenceNumber: '12345',
          }),
        ),
      ),
    ).toBe('InvalidArgumentException');
    expect(
      await errorName(
        client.send(
          new GetShardIteratorCommand({
            StreamName: stream,
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'AT_TIMESTAMP',
            Timestamp: new Date(Date.now() + 3_600_000),
          }),
        ),
      ),
    ).toBe('InvalidArgumentException');
    expect(
      await errorName(
        client.send(new GetRecordsCommand({ ShardIterator: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })),
      ),
    ).toBe('InvalidArgumentException');
    const it0 = await client.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }),
    );
    const tampered = `${(it0.ShardIterator ?? '').slice(0, 10)}${(it0.ShardIterator ?? '').slice(10, 11) === 'A' ? 'B' : 'A'}${(it0.ShardIterator ?? '').slice(11)}`;
    expect(await errorName(client.send(new GetRecordsCommand({ ShardIterator: tampered })))).toBe(
      'InvalidArgumentException',
    );
    expect(
      await errorName(client.send(new GetRecordsCommand({ ShardIterator: it0.ShardIterator, Limit: 10_001 }))),
    ).toBe('InvalidArgumentException');
  });
});

describe('control plane', () => {
  const client = sdkClient('http://127.0.0.1:1');
  let c: KinesisClient;
  beforeAll(() => {
    c = sdkClient(broker.url);
  });
  afterAll(() => {
    c.destroy();
    client.destroy();
  });

  it('splits and merges shards, closing parents and linking children', async () => {
    await c.send(new CreateStreamCommand({ StreamName: 'reshard', ShardCount: 2 }));
    await c.send(
      new PutRecordCommand({
        StreamName: 'reshard',
        PartitionKey: 'p',
        Data: Buffer.from('before'),
        ExplicitHashKey: '5',
      }),
    );
    await c.send(
      new SplitShardCommand({
        StreamName: 'reshard',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: String(TWO_128 / 4n),
      }),
    );
    const shards = (await c.send(new ListShardsCommand({ StreamName: 'reshard' }))).Shards ?? [];
    expect(shards.map((s) => s.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
    ]);
    const parent = shards[0];
    expect(parent?.SequenceNumberRange?.EndingSequenceNumber).toMatch(/^\d{56}$/);
    expect(shards[2]?.ParentShardId).toBe('shardId-000000000000');
    expect(shards[2]?.HashKeyRange?.EndingHashKey).toBe(String(TWO_128 / 4n - 1n));
    expect(shards[3]?.HashKeyRange?.StartingHashKey).toBe(String(TWO_128 / 4n));
    expect(
      (shards[2]?.SequenceNumberRange?.StartingSequenceNumber ?? '') >
        (parent?.SequenceNumberRange?.EndingSequenceNumber ?? ''),
    ).toBe(true);
    // Reading the closed parent to its end yields the record, then no iterator and the children.
    const it = await c.send(
      new GetShardIteratorCommand({
        StreamName: 'reshard',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const end = await c.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
    expect(end.Records?.map((r) => Buffer.from(r.Data ?? []).toString())).toEqual(['before']);
    expect(end.NextShardIterator).toBeUndefined();
    expect(end.ChildShards?.map((s) => s.ShardId)).toEqual(['shardId-000000000002', 'shardId-000000000003']);
    expect(end.ChildShards?.[0]?.ParentShards).toEqual(['shardId-000000000000']);
    expect(
      await errorName(
        c.send(
          new SplitShardCommand({
            StreamName: 'reshard',
            ShardToSplit: 'shardId-000000000000',
            NewStartingHashKey: '100',
          }),
        ),
      ),
    ).toBe('InvalidArgumentException');
    expect(
      await errorName(
        c.send(
          new SplitShardCommand({
            StreamName: 'reshard',
            ShardToSplit: 'shardId-000000000002',
            NewStartingHashKey: '0',
          }),
        ),
      ),
    ).toBe('InvalidArgumentException');
    expect(
      await errorName(
        c.send(
          new MergeShardsCommand({
            StreamName: 'reshard',
            ShardToMerge: 'shardId-000000000002',
            AdjacentShardToMerge: 'shardId-000000000001',
          }),
        ),
      ),
    ).toBe('InvalidArgumentException');
    await c.send(
      new MergeShardsCommand({
        StreamName: 'reshard',
        ShardToMerge: 'shardId-000000000003',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    const merged =
      (await c.send(new ListShardsCommand({ StreamName: 'reshard', ShardFilter: { Type: 'AT_LATEST' } }))).Shards ?? [];
    expect(merged.map((s) => [s.ShardId, s.ParentShardId, s.AdjacentParentShardId])).toEqual([
      ['shardId-000000000002', 'shardId-000000000000', undefined],
      ['shardId-000000000004', 'shardId-000000000003', 'shardId-000000000001'],
    ]);
  });

  it('pages ListShards with NextToken and applies shard filters', async () => {
    const page = await c.send(new ListShardsCommand({ StreamName: 'reshard', MaxResults: 2 }));
    expect(page.Shards).toHaveLength(2);
    expect(page.NextToken).toBeDefined();
    const next = await c.send(new ListShardsCommand({ NextToken: page.NextToken, MaxResults: 10 }));
    expect(next.Shards?.map((s) => s.ShardId)).toEqual([
      'shardId-000000000002',
      'shardId-000000000003',
      'shardId-000000000004',
    ]);
    expect(await errorName(c.send(new ListShardsCommand({ StreamName: 'reshard', NextToken: page.NextToken })))).toBe(
      'InvalidArgumentException',
    );
    const after = await c.send(
      new ListShardsCommand({
        StreamName: 'reshard',
        ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000002' },
      }),
    );
    expect(after.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000003', 'shardId-000000000004']);
    const horizon = await c.send(
      new ListShardsCommand({ StreamName: 'reshard', ShardFilter: { Type: 'AT_TRIM_HORIZON' } }),
    );
    expect(horizon.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    const from = await c.send(
      new ListShardsCommand({ StreamName: 'reshard', ShardFilter: { Type: 'FROM_TRIM_HORIZON' } }),
    );
    expect(from.Shards).toHaveLength(5);
    const atTs = await c.send(
      new ListShardsCommand({
        StreamName: 'reshard',
        ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: new Date(Date.now() + 1000) },
      }),
    );
    expect(atTs.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000002', 'shardId-000000000004']);
    const streams = await c.send(new ListStreamsCommand({ Limit: 1 }));
    expect(streams.HasMoreStreams).toBe(true);
    const more = await c.send(new ListStreamsCommand({ NextToken: streams.NextToken }));
    expect(more.StreamNames?.[0]).not.toBe(streams.StreamNames?.[0]);
    const exclusive = await c.send(
      new ListShardsCommand({ StreamName: 'reshard', ExclusiveStartShardId: 'shardId-000000000003' }),
    );
    expect(exclusive.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000004']);
    offset += 301_000;
    try {
      expect(await errorName(c.send(new ListShardsCommand({ NextToken: page.NextToken })))).toBe(
        'ExpiredNextTokenException',
      );
    } finally {
      offset -= 301_000;
    }
  });

  it('scales uniformly with UpdateShardCount', async () => {
    await c.send(new CreateStreamCommand({ StreamName: 'scale', ShardCount: 3 }));
    const up = await c.send(
      new UpdateShardCountCommand({ StreamName: 'scale', TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' }),
    );
    expect([up.CurrentShardCount, up.TargetShardCount]).toEqual([3, 5]);
    const open =
      (await c.send(new ListShardsCommand({ StreamName: 'scale', ShardFilter: { Type: 'AT_LATEST' } }))).Shards ?? [];
    expect(open).toHaveLength(5);
    const step = TWO_128 / 5n;
    const starts = open.map((s) => BigInt(s.HashKeyRange?.StartingHashKey ?? '-1')).sort((a, b) => (a < b ? -1 : 1));
    expect(starts.map(String)).toEqual([0n, 1n, 2n, 3n, 4n].map((i) => String(i * step)));
    expect(open.every((s) => s.ParentShardId !== undefined)).toBe(true);
    await c.send(
      new UpdateShardCountCommand({ StreamName: 'scale', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }),
    );
    const down =
      (await c.send(new ListShardsCommand({ StreamName: 'scale', ShardFilter: { Type: 'AT_LATEST' } }))).Shards ?? [];
    expect(down).toHaveLength(3);
    expect(
      await errorName(
        c.send(
          new UpdateShardCountCommand({ StreamName: 'scale', TargetShardCount: 7, ScalingType: 'UNIFORM_SCALING' }),
        ),
      ),
    ).toBe('InvalidArgumentException');
  });

  it('changes retention, tags, encryption, mode, record size and monitoring', async () => {
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/scale';
    await c.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'scale', RetentionPeriodHours: 48 }));
    expect(
      await errorName(
        c.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'scale', RetentionPeriodHours: 30 })),
      ),
    ).toBe('InvalidArgumentException');
    await c.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'scale', RetentionPeriodHours: 24 }));
    expect(
      await errorName(
        c.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'scale', RetentionPeriodHours: 12 })),
      ),
    ).toBe('InvalidArgumentException');
    await c.send(new AddTagsToStreamCommand({ StreamName: 'scale', Tags: { team: 'data', env: 'test' } }));
    await c.send(new RemoveTagsFromStreamCommand({ StreamName: 'scale', TagKeys: ['env'] }));
    expect((await c.send(new ListTagsForStreamCommand({ StreamName: 'scale' }))).Tags).toEqual([
      { Key: 'team', Value: 'data' },
    ]);
    await c.send(new TagResourceCommand({ ResourceARN: arn, Tags: { owner: 'me' } }));
    await c.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['team'] }));
    expect((await c.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([
      { Key: 'owner', Value: 'me' },
    ]);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(await errorName(c.send(new AddTagsToStreamCommand({ StreamName: 'scale', Tags: many })))).toBe(
      'InvalidArgumentException',
    );
    await c.send(
      new StartStreamEncryptionCommand({ StreamName: 'scale', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }),
    );
    let summary = (await c.send(new DescribeStreamSummaryCommand({ StreamName: 'scale' }))).StreamDescriptionSummary;
    expect([summary?.EncryptionType, summary?.KeyId]).toEqual(['KMS', 'alias/aws/kinesis']);
    const put = await c.send(new PutRecordCommand({ StreamName: 'scale', PartitionKey: 'k', Data: Buffer.from('x') }));
    expect(put.EncryptionType).toBe('KMS');
    await c.send(
      new StopStreamEncryptionCommand({ StreamName: 'scale', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }),
    );
    await c.send(new UpdateMaxRecordSizeCommand({ StreamARN: arn, MaxRecordSizeInKiB: 2048 }));
    const big = await c.send(
      new PutRecordCommand({ StreamName: 'scale', PartitionKey: 'k', Data: Buffer.alloc(1536 * 1024) }),
    );
    expect(big.SequenceNumber).toBeDefined();
    expect(
      await errorName(c.send(new UpdateMaxRecordSizeCommand({ StreamARN: arn, MaxRecordSizeInKiB: 20_000 }))),
    ).toBe('ValidationException');
    await c.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
    summary = (await c.send(new DescribeStreamSummaryCommand({ StreamName: 'scale' }))).StreamDescriptionSummary;
    expect(summary?.StreamModeDetails?.StreamMode).toBe('ON_DEMAND');
    expect(
      await errorName(
        c.send(
          new SplitShardCommand({ StreamName: 'scale', ShardToSplit: 'shardId-000000000020', NewStartingHashKey: '5' }),
        ),
      ),
    ).toBe('ValidationException');
    const enabled = await c.send(
      new EnableEnhancedMonitoringCommand({ StreamName: 'scale', ShardLevelMetrics: ['IncomingBytes'] }),
    );
    expect(enabled.DesiredShardLevelMetrics).toEqual(['IncomingBytes']);
    const disabled = await c.send(
      new DisableEnhancedMonitoringCommand({ StreamName: 'scale', ShardLevelMetrics: ['ALL'] }),
    );
    expect(disabled.DesiredShardLevelMetrics).toEqual([]);
    const limits = await c.send(new DescribeLimitsCommand({}));
    expect(limits.ShardLimit).toBe(60);
    expect(limits.OnDemandStreamCount).toBe(1);
  });

  it('creates on-demand streams with four shards and a chosen record size', async () => {
    await c.send(
      new CreateStreamCommand({
        StreamName: 'ondemand',
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        MaxRecordSizeInKiB: 4096,
      }),
    );
    const summary = (await c.send(new DescribeStreamSummaryCommand({ StreamName: 'ondemand' })))
      .StreamDescriptionSummary;
    expect([summary?.StreamModeDetails?.StreamMode, summary?.OpenShardCount, summary?.MaxRecordSizeInKiB]).toEqual([
      'ON_DEMAND',
      4,
      4096,
    ]);
    const big = await c.send(
      new PutRecordCommand({ StreamName: 'ondemand', PartitionKey: 'k', Data: Buffer.alloc(3 * 1024 * 1024) }),
    );
    expect(big.ShardId).toMatch(/^shardId-00000000000[0-3]$/);
    expect(
      await errorName(
        c.send(
          new UpdateShardCountCommand({ StreamName: 'ondemand', TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' }),
        ),
      ),
    ).toBe('ValidationException');
    expect(await errorName(c.send(new CreateStreamCommand({ StreamName: 'no-count' })))).toBe('ValidationException');
  });

  it('expires iterators after five minutes and deletes streams', async () => {
    await c.send(new CreateStreamCommand({ StreamName: 'doomed', ShardCount: 1 }));
    const it = await c.send(
      new GetShardIteratorCommand({
        StreamName: 'doomed',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'LATEST',
      }),
    );
    offset += 301_000;
    try {
      expect(await errorName(c.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator })))).toBe(
        'ExpiredIteratorException',
      );
    } finally {
      offset -= 301_000;
    }
    await c.send(new DeleteStreamCommand({ StreamName: 'doomed' }));
    expect(await errorName(c.send(new DescribeStreamSummaryCommand({ StreamName: 'doomed' })))).toBe(
      'ResourceNotFoundException',
    );
    expect(await errorName(c.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator })))).toBe(
      'ResourceNotFoundException',
    );
    expect(await errorName(c.send(new DeleteStreamCommand({ StreamName: 'doomed' })))).toBe(
      'ResourceNotFoundException',
    );
  });

  it('drops records past retention and moves TRIM_HORIZON', async () => {
    await c.send(new CreateStreamCommand({ StreamName: 'retention', ShardCount: 1 }));
    await c.send(new PutRecordCommand({ StreamName: 'retention', PartitionKey: 'k', Data: Buffer.from('old') }));
    offset += 23 * 3_600_000;
    try {
      await c.send(new PutRecordCommand({ StreamName: 'retention', PartitionKey: 'k', Data: Buffer.from('new') }));
      offset += 2 * 3_600_000;
      const got = await readAll(c, 'retention', 'shardId-000000000000');
      expect(got.map((r) => r.data)).toEqual(['new']);
    } finally {
      offset -= 25 * 3_600_000;
    }
  });
});
