// Integration tests under /test resolve bare imports from the repository root, which does not depend on
// the AWS SDK; they import it through this file, which resolves from this package's dependencies.
export * from '@aws-sdk/client-dynamodb';
export {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
export { NodeHttpHandler } from '@smithy/node-http-handler';

import { createRequire } from 'node:module';

/** The part of aws-kinesis-agg 4.2.x used by tests (its own typings import aws-sdk v2). */
export interface AwsKinesisAgg {
  RecordAggregator: new () => {
    addUserRecord(record: { partitionKey: string; explicitHashKey?: string; data: Buffer }): void;
    build(): { partitionKey: string; data: Buffer; ExplicitHashKey?: string };
  };
}

export const awsKinesisAgg = createRequire(import.meta.url)('aws-kinesis-agg') as AwsKinesisAgg;
