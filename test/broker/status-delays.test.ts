import { type Broker, startBroker } from '@shardline/broker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  SplitShardCommand,
} from '../../packages/broker/test/helpers/aws-sdk.js';
import { errorName, sdkClient } from './sdk-client.js';

let broker: Broker;
let client: KinesisClient;

beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 800, updateStreamMs: 800, deleteStreamMs: 800 });
  client = sdkClient(broker.url);
});
afterAll(async () => {
  client.destroy();
  await broker.close();
});

const status = async (): Promise<string> =>
  (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'slow' }))).StreamDescriptionSummary
    ?.StreamStatus ?? '';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it('goes CREATING → ACTIVE → UPDATING → ACTIVE → DELETING → gone, refusing what AWS refuses in each state', async () => {
  await client.send(new CreateStreamCommand({ StreamName: 'slow', ShardCount: 2 }));
  expect(await status()).toBe('CREATING');
  expect(await errorName(client.send(new ListShardsCommand({ StreamName: 'slow' })))).toBe('ResourceInUseException');
  expect(
    await errorName(
      client.send(new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'k', Data: Buffer.from('x') })),
    ),
  ).toBe('ResourceNotFoundException');
  await sleep(1200);
  expect(await status()).toBe('ACTIVE');
  await client.send(
    new SplitShardCommand({ StreamName: 'slow', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }),
  );
  expect(await status()).toBe('UPDATING');
  // Writes go on during UPDATING, to the parent until the split takes effect.
  const during = await client.send(
    new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'k', Data: Buffer.from('x'), ExplicitHashKey: '5' }),
  );
  expect(during.ShardId).toBe('shardId-000000000000');
  expect(
    await errorName(
      client.send(
        new SplitShardCommand({
          StreamName: 'slow',
          ShardToSplit: 'shardId-000000000001',
          NewStartingHashKey: String(3n << 126n),
        }),
      ),
    ),
  ).toBe('ResourceInUseException');
  await sleep(1200);
  expect(await status()).toBe('ACTIVE');
  const open = await client.send(new ListShardsCommand({ StreamName: 'slow', ShardFilter: { Type: 'AT_LATEST' } }));
  expect(open.Shards?.map((s) => s.ShardId)).toEqual([
    'shardId-000000000001',
    'shardId-000000000002',
    'shardId-000000000003',
  ]);
  await client.send(new DeleteStreamCommand({ StreamName: 'slow' }));
  expect(await status()).toBe('DELETING');
  expect(
    await errorName(
      client.send(new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'k', Data: Buffer.from('x') })),
    ),
  ).toBe('ResourceNotFoundException');
  await sleep(1200);
  expect(await errorName(status())).toBe('ResourceNotFoundException');
});
