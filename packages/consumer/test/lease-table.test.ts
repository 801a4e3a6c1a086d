import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseTableAccessError } from '../src/errors/lease-table-access-error.js';
import { LeaseTable } from '../src/lease/lease-table.js';
import { silentLogger } from '../src/observability/silent-logger.js';
import { type DynamoFixture, lease, startDynamo } from './helpers/lease-fixtures.js';

let fixture: DynamoFixture;
beforeAll(async () => {
  fixture = await startDynamo();
});
afterAll(async () => {
  await fixture.close();
});

describe('LeaseTable', () => {
  it('creates the table on demand with the KCL key schema and PAY_PER_REQUEST', async () => {
    const table = await fixture.table('kcl-schema-app');
    const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
    const out = await fixture.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    expect(out.Table?.KeySchema).toEqual([{ AttributeName: 'leaseKey', KeyType: 'HASH' }]);
    expect(out.Table?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST').toBe('PAY_PER_REQUEST');
    await table.ensureTable();
  });

  it('round-trips a lease with KCL attribute types (parentShardId as a string set)', async () => {
    const table = await fixture.table();
    const created = lease('shardId-000000000002', {
      parentShardIds: ['shardId-000000000000', 'shardId-000000000001'],
      startingHashKey: '0',
      endingHashKey: '340282366920938463463374607431768211455',
      checkpointTimestamp: 1234,
    });
    expect(await table.createLeaseIfAbsent(created)).toBe(true);
    expect(await table.createLeaseIfAbsent(created)).toBe(false);
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const raw = await fixture.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { leaseKey: { S: created.leaseKey } } }),
    );
    expect(raw.Item?.parentShardId?.SS?.sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect(raw.Item?.leaseCounter?.N).toBe('0');
    expect(raw.Item?.checkpoint?.S).toBe('TRIM_HORIZON');
    expect(raw.Item?.checkpointSubSequenceNumber?.N).toBe('0');
    expect(raw.Item?.leaseOwner).toBeUndefined();
    const read = await table.getLease(created.leaseKey);
    expect(read).toEqual(created);
  });

  it('fences every write on the counter: take, renew, checkpoint, release', async () => {
    const table = await fixture.table();
    await table.createLeaseIfAbsent(lease('s1'));
    const taken = await table.take('s1', 'a', 0);
    expect(taken).toEqual({ ok: true, counter: 1 });
    expect(await table.renew('s1', 'a', 1)).toEqual({ ok: true, counter: 2 });
    // b steals at counter 2; a's next write with its old counter fails.
    expect(await table.take('s1', 'b', 2)).toEqual({ ok: true, counter: 3 });
    const stale = await table.checkpoint('s1', 'a', 2, { sequenceNumber: '100', subSequenceNumber: 0 });
    expect(stale.ok).toBe(false);
    const renewStale = await table.renew('s1', 'a', 2);
    expect(renewStale.ok).toBe(false);
    const current = await table.getLease('s1');
    expect(current?.leaseOwner).toBe('b');
    expect(current?.leaseCounter).toBe(3);
    expect(current?.ownerSwitchesSinceCheckpoint).toBe(2);
    expect((await table.checkpoint('s1', 'b', 3, { sequenceNumber: '100', subSequenceNumber: 4 })).ok).toBe(true);
    const afterCheckpoint = await table.getLease('s1');
    expect(afterCheckpoint?.checkpoint).toEqual({ sequenceNumber: '100', subSequenceNumber: 4 });
    expect(afterCheckpoint?.ownerSwitchesSinceCheckpoint).toBe(0);
    expect((await table.release('s1', 'b', 4)).ok).toBe(true);
    expect((await table.getLease('s1'))?.leaseOwner).toBeUndefined();
  });

  it('prepareCheckpoint writes only the pending fields; a checkpoint clears them', async () => {
    const table = await fixture.table();
    await table.createLeaseIfAbsent(lease('s1'));
    await table.take('s1', 'a', 0);
    expect(
      (
        await table.prepareCheckpoint(
          's1',
          'a',
          1,
          { sequenceNumber: '50', subSequenceNumber: 2 },
          Buffer.from('state'),
        )
      ).ok,
    ).toBe(true);
    let read = await table.getLease('s1');
    expect(read?.checkpoint.sequenceNumber).toBe('TRIM_HORIZON');
    expect(read?.pendingCheckpoint).toEqual({ sequenceNumber: '50', subSequenceNumber: 2 });
    expect(read?.pendingCheckpointState?.toString()).toBe('state');
    await table.checkpoint('s1', 'a', 2, { sequenceNumber: '50', subSequenceNumber: 2 });
    read = await table.getLease('s1');
    expect(read?.pendingCheckpoint).toBeUndefined();
    expect(read?.pendingCheckpointState).toBeUndefined();
  });

  it('detects a write that failed on the wire but succeeded in the table', async () => {
    // The first UpdateItem reaches the table, then the response is replaced by a network error; the retry
    // fails its condition and the re-read shows our own write.
    let failNextResponse = true;
    const flaky = new DynamoDBClient({
      endpoint: fixture.dynamo.endpoint,
      region: 'us-east-1',
      credentials: { ...fixture.credentials },
      maxAttempts: 1,
    });
    flaky.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'UpdateItemCommand' && failNextResponse) {
          failNextResponse = false;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return result;
      },
      { step: 'deserialize', name: 'dropResponse' },
    );
    const table = new LeaseTable({
      client: flaky,
      tableName: 'flaky-table',
      retries: 3,
      backoffBaseMillis: 1,
      logger: silentLogger,
    });
    await table.ensureTable();
    await table.createLeaseIfAbsent(lease('s1', { leaseOwner: 'a', leaseCounter: 5 }));
    expect(await table.renew('s1', 'a', 5)).toEqual({ ok: true, counter: 6 });
    expect((await table.getLease('s1'))?.leaseCounter).toBe(6);
    expect(table.calls).toBeGreaterThanOrEqual(3);
    flaky.destroy();
  });

  it('retries throttling errors and reports a clear error on AccessDenied', async () => {
    let throttles = 2;
    let deny = false;
    const client = new DynamoDBClient({
      endpoint: fixture.dynamo.endpoint,
      region: 'us-east-1',
      credentials: { ...fixture.credentials },
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (deny && context.commandName === 'CreateTableCommand') {
          throw Object.assign(new Error('User is not authorized to perform: dynamodb:CreateTable'), {
            name: 'AccessDeniedException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        if (context.commandName === 'UpdateItemCommand' && throttles > 0) {
          throttles--;
          throw Object.assign(new Error('Rate exceeded'), {
            name: 'ThrottlingException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'inject' },
    );
    const table = new LeaseTable({
      client,
      tableName: 'throttled-table',
      retries: 4,
      backoffBaseMillis: 1,
      logger: silentLogger,
    });
    await table.ensureTable();
    await table.createLeaseIfAbsent(lease('s1'));
    expect((await table.take('s1', 'a', 0)).ok).toBe(true);
    expect(throttles).toBe(0);
    deny = true;
    const denied = new LeaseTable({
      client,
      tableName: 'never-created',
      retries: 4,
      backoffBaseMillis: 1,
      logger: silentLogger,
    });
    const error = await denied.ensureTable().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseTableAccessError);
    expect((error as LeaseTableAccessError).code).toBe('SHARDLINE_ERR_LEASE_TABLE_ACCESS');
    expect((error as Error).message).toMatch(/dynamodb:CreateTable/);
    client.destroy();
  });

  it('deletes only finished leases', async () => {
    const table = await fixture.table();
    await table.createLeaseIfAbsent(lease('open'));
    await table.createLeaseIfAbsent(
      lease('done', { checkpoint: { sequenceNumber: 'SHARD_END', subSequenceNumber: 0 } }),
    );
    expect(await table.deleteFinishedLease('open')).toBe(false);
    expect(await table.deleteFinishedLease('done')).toBe(true);
    expect((await table.listLeases()).map((l) => l.leaseKey)).toEqual(['open']);
  });
});
