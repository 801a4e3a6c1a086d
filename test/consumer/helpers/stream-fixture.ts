import http from 'node:http';
import { startBroker } from '@shardline/broker';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  NodeHttpHandler,
  PutRecordsCommand,
  SplitShardCommand,
} from '../../../packages/consumer/test/helpers/aws-sdk.js';
import { startTestDynamoDb, TEST_DYNAMODB_CREDENTIALS } from '../../../packages/consumer/test/helpers/test-dynamodb.js';

// Not frozen: the SDK writes feature markers onto the credentials object it is given.
export const CREDENTIALS = { ...TEST_DYNAMODB_CREDENTIALS };

export interface StreamFixture {
  readonly url: string;
  /** A DynamoDB (embedded, or SHARDLINE_TEST_DYNAMODB_ENDPOINT) shared by every worker of a test. */
  readonly dynamoDbEndpoint: string;
  readonly kinesis: KinesisClient;
  createStream(name: string, shards: number): Promise<void>;
  put(
    stream: string,
    records: readonly { partitionKey: string; data: Uint8Array; explicitHashKey?: string }[],
  ): Promise<string[]>;
  shards(
    stream: string,
  ): Promise<
    { shardId: string; parent?: string; adjacentParent?: string; start: string; end: string; closed: boolean }[]
  >;
  split(stream: string, shardId: string, newStartingHashKey: string): Promise<void>;
  merge(stream: string, shardId: string, adjacentShardId: string): Promise<void>;
  waitActive(stream: string): Promise<void>;
  close(): Promise<void>;
}

export async function startStreamFixture(): Promise<StreamFixture> {
  const broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0, updateStreamMs: 0 });
  const kinesis = new KinesisClient({
    endpoint: broker.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  });
  const dynamo = await startTestDynamoDb();
  const fixture: StreamFixture = {
    url: broker.url,
    dynamoDbEndpoint: dynamo.endpoint,
    kinesis,
    async createStream(name, shards) {
      await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      await fixture.waitActive(name);
    },
    async waitActive(name) {
      for (let i = 0; i < 200; i++) {
        const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`stream ${name} never became ACTIVE`);
    },
    async put(stream, records) {
      const sequenceNumbers: string[] = [];
      for (let i = 0; i < records.length; i += 500) {
        const chunk = records.slice(i, i + 500);
        const out = await kinesis.send(
          new PutRecordsCommand({
            StreamName: stream,
            Records: chunk.map((r) => ({
              PartitionKey: r.partitionKey,
              Data: r.data,
              ...(r.explicitHashKey === undefined ? {} : { ExplicitHashKey: r.explicitHashKey }),
            })),
          }),
        );
        if ((out.FailedRecordCount ?? 0) > 0) throw new Error(`PutRecords failed for ${out.FailedRecordCount} records`);
        for (const entry of out.Records ?? []) sequenceNumbers.push(entry.SequenceNumber ?? '');
      }
      return sequenceNumbers;
    },
    async shards(stream) {
      const out = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
      return (out.Shards ?? []).map((s) => ({
        shardId: s.ShardId ?? '',
        ...(s.ParentShardId === undefined ? {} : { parent: s.ParentShardId }),
        ...(s.AdjacentParentShardId === undefined ? {} : { adjacentParent: s.AdjacentParentShardId }),
        start: s.HashKeyRange?.StartingHashKey ?? '',
        end: s.HashKeyRange?.EndingHashKey ?? '',
        closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      }));
    },
    async split(stream, shardId, newStartingHashKey) {
      await kinesis.send(
        new SplitShardCommand({ StreamName: stream, ShardToSplit: shardId, NewStartingHashKey: newStartingHashKey }),
      );
      await fixture.waitActive(stream);
    },
    async merge(stream, shardId, adjacentShardId) {
      await kinesis.send(
        new MergeShardsCommand({ StreamName: stream, ShardToMerge: shardId, AdjacentShardToMerge: adjacentShardId }),
      );
      await fixture.waitActive(stream);
    },
    async close() {
      kinesis.destroy();
      await broker.close();
      await dynamo.close();
    },
  };
  return fixture;
}

/** Polls `predicate` every 20 ms until true or the deadline passes. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
