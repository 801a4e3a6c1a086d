import { GetRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { GetRecordsAnswer } from './get-records-answer.js';
import type { GetRecordsSource } from './get-records-source.js';

/** GetRecords in JSON 1.1 through the Kinesis client itself, so its middleware sees every call. */
export class SdkGetRecordsSource implements GetRecordsSource {
  readonly #client: KinesisClient;

  constructor(client: KinesisClient) {
    this.#client = client;
  }

  async getRecords(shardIterator: string, limit: number, signal: AbortSignal): Promise<GetRecordsAnswer> {
    const out = await this.#client.send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: limit }), {
      abortSignal: signal,
    });
    return {
      Records: out.Records ?? [],
      NextShardIterator: out.NextShardIterator,
      MillisBehindLatest: out.MillisBehindLatest,
      ChildShards: out.ChildShards,
    };
  }

  async close(): Promise<void> {
    // The client belongs to the consumer (or its caller), which destroys it.
  }
}
