import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../src/lease/embedded-dynamodb.js';
import type { Lease } from '../../src/lease/lease.js';
import { LeaseTable } from '../../src/lease/lease-table.js';
import { silentLogger } from '../../src/observability/silent-logger.js';

export interface DynamoFixture {
  readonly dynamo: EmbeddedDynamoDb;
  readonly client: DynamoDBClient;
  table(name?: string, client?: DynamoDBClient): Promise<LeaseTable>;
  close(): Promise<void>;
}

let tableCounter = 0;

export async function startDynamo(): Promise<DynamoFixture> {
  const dynamo = await startEmbeddedDynamoDb(undefined);
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    dynamo,
    client,
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
