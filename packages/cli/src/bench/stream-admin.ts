import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  type Shard,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ConnectionConfig } from './ipc-messages.js';

export interface OpenShard {
  readonly shardId: string;
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Stream set-up and resharding for the orchestrator, through the AWS SDK against any endpoint. */
export class StreamAdmin {
  readonly #client: KinesisClient;
  readonly #streamName: string;

  constructor(connection: ConnectionConfig) {
    this.#streamName = connection.streamName;
    this.#client = new KinesisClient({
      endpoint: connection.endpoint,
      region: connection.region,
      // A copy: the SDK annotates the credentials object it is given.
      ...(connection.credentials === null ? {} : { credentials: { ...connection.credentials } }),
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
      maxAttempts: 5,
    });
  }

  /** True when the stream exists (it is then left as it is). */
  async exists(): Promise<boolean> {
    try {
      await this.#client.send(new DescribeStreamSummaryCommand({ StreamName: this.#streamName }));
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return false;
      throw error;
    }
  }

  async create(shards: number): Promise<void> {
    await this.#client.send(new CreateStreamCommand({ StreamName: this.#streamName, ShardCount: shards }));
    await this.waitActive(120_000);
  }

  async waitActive(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const out = await this.#client.send(new DescribeStreamSummaryCommand({ StreamName: this.#streamName }));
      if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
      if (Date.now() > deadline) throw new Error(`stream ${this.#streamName} is not ACTIVE after ${timeoutMs} ms`);
      await sleep(250);
    }
  }

  async openShards(): Promise<OpenShard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.#client.send(
        new ListShardsCommand(nextToken === undefined ? { StreamName: this.#streamName } : { NextToken: nextToken }),
      );
      shards.push(...(out.Shards ?? []));
      nextToken = out.NextToken;
    } while (nextToken !== undefined);
    return shards
      .filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined)
      .map((s) => ({
        shardId: s.ShardId as string,
        startingHashKey: BigInt(s.HashKeyRange?.StartingHashKey ?? '0'),
        endingHashKey: BigInt(s.HashKeyRange?.EndingHashKey ?? '0'),
      }))
      .sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1));
  }

  /** Splits the open shard with the widest hash range at its middle; returns the parent's id. */
  async splitWidest(): Promise<string[]> {
    const open = await this.openShards();
    let widest: OpenShard | undefined;
    for (const s of open) {
      if (widest === undefined || s.endingHashKey - s.startingHashKey > widest.endingHashKey - widest.startingHashKey) {
        widest = s;
      }
    }
    if (widest === undefined) throw new Error('the stream has no open shard to split');
    const middle = widest.startingHashKey + (widest.endingHashKey - widest.startingHashKey + 1n) / 2n;
    await this.#client.send(
      new SplitShardCommand({
        StreamName: this.#streamName,
        ShardToSplit: widest.shardId,
        NewStartingHashKey: middle.toString(),
      }),
    );
    await this.waitActive(120_000);
    return [widest.shardId];
  }

  /** Merges the first two adjacent open shards; returns their ids. */
  async mergeFirstAdjacent(): Promise<string[]> {
    const open = await this.openShards();
    for (let i = 0; i + 1 < open.length; i++) {
      const a = open[i] as OpenShard;
      const b = open[i + 1] as OpenShard;
      if (a.endingHashKey + 1n === b.startingHashKey) {
        await this.#client.send(
          new MergeShardsCommand({
            StreamName: this.#streamName,
            ShardToMerge: a.shardId,
            AdjacentShardToMerge: b.shardId,
          }),
        );
        await this.waitActive(120_000);
        return [a.shardId, b.shardId];
      }
    }
    throw new Error('the stream has no two adjacent open shards to merge');
  }

  async delete(): Promise<void> {
    await this.#client.send(new DeleteStreamCommand({ StreamName: this.#streamName, EnforceConsumerDeletion: true }));
  }

  close(): void {
    this.#client.destroy();
  }
}
