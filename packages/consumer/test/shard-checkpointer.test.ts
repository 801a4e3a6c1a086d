import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareExtended } from '../src/checkpoint/extended-sequence-number.js';
import { ShardCheckpointer } from '../src/checkpoint/shard-checkpointer.js';
import { InvalidCheckpointError } from '../src/errors/invalid-checkpoint-error.js';
import { HeldLease } from '../src/lease/held-lease.js';
import { FakeClock } from './helpers/fake-clock.js';
import { type DynamoFixture, lease, startDynamo } from './helpers/lease-fixtures.js';

let fixture: DynamoFixture;
beforeAll(async () => {
  fixture = await startDynamo();
});
afterAll(async () => {
  await fixture.close();
});

async function setup() {
  const table = await fixture.table();
  await table.createLeaseIfAbsent(lease('s0'));
  const taken = await table.take('s0', 'a', 0);
  if (!taken.ok) throw new Error('take failed');
  const clock = new FakeClock();
  const held = new HeldLease({
    leaseKey: 's0',
    counter: taken.counter,
    sentAt: clock.now(),
    clock,
    failoverMillis: 10_000,
    onLost: () => {},
  });
  const seen: string[] = [];
  const checkpointer = new ShardCheckpointer({
    shardId: 's0',
    table,
    held,
    workerId: 'a',
    initial: { sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0 },
    onCheckpoint: (_, value) => seen.push(`${value.sequenceNumber}/${value.subSequenceNumber}`),
  });
  return { table, held, checkpointer, seen };
}

describe('ShardCheckpointer', () => {
  it('orders sentinels as the KCL does', () => {
    const order = [
      'AT_TIMESTAMP',
      'TRIM_HORIZON',
      'LATEST',
      '5',
      '49590338271490256608559692538361571095921575989136588898',
      'SHARD_END',
    ];
    for (let i = 1; i < order.length; i++) {
      expect(
        compareExtended(
          { sequenceNumber: order[i - 1]!, subSequenceNumber: 0 },
          { sequenceNumber: order[i]!, subSequenceNumber: 0 },
        ),
      ).toBeLessThan(0);
    }
    expect(
      compareExtended({ sequenceNumber: '7', subSequenceNumber: 2 }, { sequenceNumber: '7', subSequenceNumber: 1 }),
    ).toBeGreaterThan(0);
  });

  it('checkpoint() stores the last delivered position; explicit positions are validated', async () => {
    const { table, checkpointer, seen } = await setup();
    checkpointer.advanceDelivered({ sequenceNumber: '100', subSequenceNumber: 3 });
    await expect(checkpointer.checkpoint('101')).rejects.toBeInstanceOf(InvalidCheckpointError);
    await expect(checkpointer.checkpoint('100', 4)).rejects.toBeInstanceOf(InvalidCheckpointError);
    await expect(checkpointer.checkpoint('abc')).rejects.toBeInstanceOf(InvalidCheckpointError);
    await expect(checkpointer.checkpoint('100', -1)).rejects.toBeInstanceOf(InvalidCheckpointError);
    await checkpointer.checkpoint('100', 1);
    await expect(checkpointer.checkpoint('99')).rejects.toBeInstanceOf(InvalidCheckpointError);
    await checkpointer.checkpoint();
    // The same value again is a no-op, not a write.
    const counter = (await table.getLease('s0'))?.leaseCounter;
    await checkpointer.checkpoint('100', 3);
    expect((await table.getLease('s0'))?.leaseCounter).toBe(counter);
    expect(seen).toEqual(['100/1', '100/3']);
    expect((await table.getLease('s0'))?.checkpoint).toEqual({ sequenceNumber: '100', subSequenceNumber: 3 });
  });

  it('checkpoint(record) uses the record position including its sub-sequence', async () => {
    const { table, checkpointer } = await setup();
    checkpointer.advanceDelivered({ sequenceNumber: '200', subSequenceNumber: 9 });
    await checkpointer.checkpoint({
      partitionKey: 'k',
      data: Buffer.alloc(0),
      sequenceNumber: '200',
      subSequenceNumber: 4,
      approximateArrivalTimestamp: new Date(),
      shardId: 's0',
    });
    expect((await table.getLease('s0'))?.checkpoint).toEqual({ sequenceNumber: '200', subSequenceNumber: 4 });
  });

  it('prepareCheckpoint is two-phase', async () => {
    const { table, checkpointer } = await setup();
    checkpointer.advanceDelivered({ sequenceNumber: '300', subSequenceNumber: 0 });
    const prepared = await checkpointer.prepareCheckpoint(undefined, undefined, Buffer.from('app'));
    expect((await table.getLease('s0'))?.pendingCheckpoint).toEqual({ sequenceNumber: '300', subSequenceNumber: 0 });
    expect((await table.getLease('s0'))?.checkpoint.sequenceNumber).toBe('TRIM_HORIZON');
    await prepared.checkpoint();
    const stored = await table.getLease('s0');
    expect(stored?.checkpoint.sequenceNumber).toBe('300');
    expect(stored?.pendingCheckpoint).toBeUndefined();
  });

  it('SHARD_END only inside shardEnded, and it records the children and releases the lease', async () => {
    const { table, checkpointer, held } = await setup();
    await expect(checkpointer.checkpoint('SHARD_END')).rejects.toBeInstanceOf(InvalidCheckpointError);
    checkpointer.markShardEnded(['child-1', 'child-2']);
    await checkpointer.checkpoint();
    const stored = await table.getLease('s0');
    expect(stored?.checkpoint.sequenceNumber).toBe('SHARD_END');
    expect([...(stored?.childShardIds ?? [])].sort()).toEqual(['child-1', 'child-2']);
    expect(stored?.leaseOwner).toBeUndefined();
    expect(held.held).toBe(false);
    expect(checkpointer.shardEndCheckpointed).toBe(true);
  });
});
