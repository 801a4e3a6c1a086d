import type { GetRecordsAnswer } from './get-records-answer.js';

/** Where a shard fetcher's GetRecords calls go; errors are thrown as the SDK or AwsServiceError throws them. */
export interface GetRecordsSource {
  getRecords(shardIterator: string, limit: number, signal: AbortSignal): Promise<GetRecordsAnswer>;
  /** Releases connections; no call may follow. */
  close(): Promise<void>;
}
