import { type Broker, type BrokerOptions, startBroker } from '@shardline/broker';
import { deaggregate } from '@shardline/core';
import { afterAll, beforeAll } from 'vitest';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  NodeHttpHandler,
  type Shard,
} from '../../../packages/producer/test/support/kinesis-sdk.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };

export interface BrokerFixture {
  readonly broker: Broker;
  readonly client: KinesisClient;
}

/**
 * A broker (limits off and streams ACTIVE at once unless `options` say otherwise) and an SDK client for
 * the tests of one file: started before them, closed after them.
 */
export function useBroker(options: BrokerOptions = {}): BrokerFixture {
  let broker: Broker | undefined;
  let client: KinesisClient | undefined;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0, ...options });
    client = sdkClient(broker.url);
  });
  afterAll(async () => {
    client?.destroy();
    await broker?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the broker fixture is used outside its tests');
    return value;
  };
  return {
    get broker() {
      return started(broker);
    },
    get client() {
      return started(client);
    },
  };
}

/** An SDK client for the broker at `url` (used to set up streams and to read back what was put). */
export function sdkClient(url: string): KinesisClient {
  return new KinesisClient({
    endpoint: url,
    region: 'us-east-1',
    // The SDK marks the object it is given; a copy keeps the shared constant clean.
    credentials: { ...TEST_CREDENTIALS },
    maxAttempts: 5,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 10_000 }),
  });
}

export async function createStream(client: KinesisClient, name: string, shardCount: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  await waitActive(client, name);
}

export async function waitActive(client: KinesisClient, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

export async function listAllShards(client: KinesisClient, name: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      token === undefined ? new ListShardsCommand({ StreamName: name }) : new ListShardsCommand({ NextToken: token }),
    );
    shards.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return shards;
}

/** One user record as a KCL-style reader sees it. */
export interface ReadRecord {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly data: Buffer;
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number;
}

export interface ReadResult {
  readonly records: ReadRecord[];
  /** Aggregates a KCL would drop because a sub-record lies outside the shard's range. */
  readonly droppedAggregates: number;
}

/**
 * Reads every shard (closed ones included) from TRIM_HORIZON to its end and de-aggregates as the KCL
 * does, dropping aggregates with a sub-record outside the shard's hash-key range.
 */
export async function readStream(client: KinesisClient, name: string): Promise<ReadResult> {
  const shards = await listAllShards(client, name);
  const records: ReadRecord[] = [];
  let droppedAggregates = 0;
  for (const shard of shards) {
    const shardId = shard.ShardId as string;
    const range = {
      startingHashKey: BigInt(shard.HashKeyRange?.StartingHashKey as string),
      endingHashKey: BigInt(shard.HashKeyRange?.EndingHashKey as string),
    };
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        const result = deaggregate(
          {
            data: record.Data as Uint8Array,
            partitionKey: record.PartitionKey as string,
            sequenceNumber: record.SequenceNumber as string,
          },
          { hashKeyRange: range },
        );
        if (result.droppedOutOfRange) droppedAggregates++;
        for (const user of result.records) {
          records.push({
            shardId,
            partitionKey: user.partitionKey,
            explicitHashKey: user.explicitHashKey,
            data: Buffer.from(user.data),
            sequenceNumber: user.sequenceNumber,
            subSequenceNumber: user.subSequenceNumber,
          });
        }
      }
      if ((page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return { records, droppedAggregates };
}

/** Fresh unique stream name per test. */
let counter = 0;
export function streamName(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}
