import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Lease } from '../../src/lease/lease.js';
import { LeaseTable } from '../../src/lease/lease-table.js';
import { silentLogger } from '../../src/observability/silent-logger.js';
import { startTestDynamoDb, TEST_DYNAMODB_CREDENTIALS, type TestDynamoDb } from './test-dynamodb.js';

export interface DynamoFixture {
  readonly dynamo: TestDynamoDb;
  readonly client: DynamoDBClient;
  /** What every client of this fixture's tables must sign with (DynamoDB Local: one database per key). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  table(name?: string, client?: DynamoDBClient): Promise<LeaseTable>;
  close(): Promise<void>;
}

let tableCounter = 0;

export async function startDynamo(): Promise<DynamoFixture> {
  const dynamo = await startTestDynamoDb();
  const credentials = TEST_DYNAMODB_CREDENTIALS;
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { ...credentials },
    maxAttempts: 1,
  });
  return {
    dynamo,
    client,
    credentials,
    async table(name = `leases-${++tableCounter}`, override = client) {
      const table = new LeaseTable({
        client: override,
        tableName: name,
        retries: 3,
        backoffBaseMillis: 1,
        logger: silentLogger,
      });
      await table.ensureTable();
      return table;
    },
    async close() {
      client.destroy();
      await dynamo.close();
    },
  };
}

export function lease(leaseKey: string, overrides: Partial<Lease> = {}): Lease {
  return {
    leaseKey,
    leaseOwner: undefined,
    leaseCounter: 0,
    checkpoint: { sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0 },
    pendingCheckpoint: undefined,
    pendingCheckpointState: undefined,
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [],
    childShardIds: [],
    startingHashKey: undefined,
    endingHashKey: undefined,
    checkpointTimestamp: undefined,
    ...overrides,
  };
}
