import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker } from '../src/index.js';
import { CreateStreamCommand, KinesisClient, ListShardsCommand } from './helpers/aws-sdk.js';

let broker: Broker;
let client: KinesisClient;

// A clock that moves on every reading: whatever the broker stamps at "the same moment" with two
// readings ends up a millisecond apart, as happens at random with a real clock.
let t = Date.now();

beforeAll(async () => {
  broker = await startBroker({ port: 0, createStreamMs: 0, clock: () => t++ });
  client = new KinesisClient({
    endpoint: broker.url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDFILTERS', secretAccessKey: 'filters-secret' },
  });
});
afterAll(async () => {
  client.destroy();
  await broker.close();
});

describe('ListShards filters on a young stream', () => {
  it('AT_TRIM_HORIZON lists the shards the stream was created with', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'young', ShardCount: 3 }));
    const listed = await client.send(
      new ListShardsCommand({ StreamName: 'young', ShardFilter: { Type: 'AT_TRIM_HORIZON' } }),
    );
    expect(listed.Shards?.map((s) => s.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
  });
});
