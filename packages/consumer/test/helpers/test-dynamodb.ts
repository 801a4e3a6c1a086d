import { randomBytes } from 'node:crypto';
import { startEmbeddedDynamoDb } from '../../src/lease/embedded-dynamodb.js';

/**
 * Where the consumer tests keep their lease tables: an embedded DynamoDB per fixture, or the endpoint in
 * SHARDLINE_TEST_DYNAMODB_ENDPOINT (DynamoDB Local, real DynamoDB), which `pnpm test:dynamodb-local` sets.
 */
export const EXTERNAL_DYNAMODB = process.env.SHARDLINE_TEST_DYNAMODB_ENDPOINT || undefined;

/**
 * The credentials of this test file. DynamoDB Local keeps one database per access key, so against it each
 * file (each module instance) gets a key of its own and its table names cannot meet another file's.
 */
export const TEST_DYNAMODB_CREDENTIALS = {
  accessKeyId: EXTERNAL_DYNAMODB === undefined ? 'test' : `test${randomBytes(8).toString('hex')}`,
  secretAccessKey: 'test',
};

export interface TestDynamoDb {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startTestDynamoDb(): Promise<TestDynamoDb> {
  if (EXTERNAL_DYNAMODB !== undefined) return { endpoint: EXTERNAL_DYNAMODB, close: async () => {} };
  return startEmbeddedDynamoDb(undefined);
}
