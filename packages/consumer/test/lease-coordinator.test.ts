import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShardCheckpointer } from '../src/checkpoint/shard-checkpointer.js';
import { LeaseLostError } from '../src/errors/lease-lost-error.js';
import type { HeldLease } from '../src/lease/held-lease.js';
import { LeaseCoordinator } from '../src/lease/lease-coordinator.js';
import type { LeaseTable } from '../src/lease/lease-table.js';
import { silentLogger } from '../src/observability/silent-logger.js';
import { FakeClock } from './helpers/fake-clock.js';
import { type DynamoFixture, lease, startDynamo } from './helpers/lease-fixtures.js';

const F = 10_000;
let fixture: DynamoFixture;
beforeAll(async () => {
  fixture = await startDynamo();
});
afterAll(async () => {
  await fixture.close();
});

function worker(table: LeaseTable, workerId: string, clock: FakeClock) {
  const acquired = new Map<string, HeldLease>();
  const lost: string[] = [];
  const coordinator = new LeaseCoordinator({
    table,
    workerId,
    clock,
    logger: silentLogger,
    failoverTimeMillis: F,
    renewalIntervalMillis: 3_308,
    takerIntervalMillis: 1_500,
    maxLeasesForWorker: 1000,
    maxLeasesToStealAtOneTime: 1,
    onAcquired: (held) => acquired.set(held.leaseKey, held),
    onLost: (key) => lost.push(key),
  });
  return { coordinator, acquired, lost };
}

describe('LeaseCoordinator (fake clock: no real waiting)', () => {
  it('shares leases fairly without a bootstrap grab and converges by bounded stealing', async () => {
    const table = await fixture.table();
    for (let i = 0; i < 6; i++) await table.createLeaseIfAbsent(lease(`s${i}`));
    const clock = new FakeClock();
    const a = worker(table, 'a', clock);
    const b = worker(table, 'b', clock);
    const c = worker(table, 'c', clock);
    await a.coordinator.takeLeases();
    // Alone, a takes everything it sees; b and c then steal one per cycle until balanced.
    expect(a.coordinator.heldKeys()).toHaveLength(6);
    for (let round = 0; round < 6; round++) {
      await a.coordinator.renewAll();
      await b.coordinator.takeLeases();
      await c.coordinator.takeLeases();
      await a.coordinator.takeLeases();
      clock.advance(1_500);
    }
    const counts = [a, b, c].map((w) => w.coordinator.heldKeys().length);
    expect(counts).toEqual([2, 2, 2]);
    // Stable: more cycles move nothing.
    const taken = [a, b, c].map((w) => w.coordinator.counters.takenLeases);
    for (let round = 0; round < 3; round++) {
      for (const w of [a, b, c]) {
        await w.coordinator.renewAll();
        await w.coordinator.takeLeases();
      }
    }
    expect([a, b, c].map((w) => w.coordinator.counters.takenLeases)).toEqual(taken);
    expect(a.lost.length + b.lost.length + c.lost.length).toBe(taken[0]! - 2);
  });

  it('judges expiry by the observer clock: a silent owner loses its leases only after the failover time', async () => {
    const table = await fixture.table();
    for (let i = 0; i < 2; i++) await table.createLeaseIfAbsent(lease(`s${i}`));
    const clockA = new FakeClock();
    const clockB = new FakeClock();
    clockB.advance(123_456_789); // unrelated clocks never get compared
    const a = worker(table, 'a', clockA);
    const b = worker(table, 'b', clockB);
    await a.coordinator.takeLeases();
    await b.coordinator.takeLeases();
    // b sees a as live and needs one lease: it steals, since none is free.
    expect(b.coordinator.heldKeys()).toHaveLength(1);
    const [stolen] = b.coordinator.heldKeys();
    await a.coordinator.renewAll();
    expect(a.lost).toEqual([stolen]);
    // b observes a's renewal of its remaining lease; then a goes silent. Just under F by b's clock: nothing to take.
    await b.coordinator.takeLeases();
    clockB.advance(F - 1);
    await b.coordinator.takeLeases();
    await b.coordinator.renewAll();
    expect(b.coordinator.heldKeys()).toHaveLength(1);
    clockB.advance(2);
    await b.coordinator.takeLeases();
    expect(b.coordinator.heldKeys()).toHaveLength(2);
  });

  it('fencing: a paused worker cannot checkpoint after another took its lease', async () => {
    const table = await fixture.table();
    await table.createLeaseIfAbsent(lease('s0'));
    const clockA = new FakeClock();
    const clockB = new FakeClock();
    const a = worker(table, 'a', clockA);
    const b = worker(table, 'b', clockB);
    await a.coordinator.takeLeases();
    const heldA = a.acquired.get('s0') as HeldLease;
    const checkpointerA = new ShardCheckpointer({
      shardId: 's0',
      table,
      held: heldA,
      workerId: 'a',
      initial: { sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0 },
      onCheckpoint: () => {},
    });
    checkpointerA.advanceDelivered({ sequenceNumber: '10', subSequenceNumber: 0 });
    await checkpointerA.checkpoint();
    // b starts observing, then a "pauses" (GC, stalled DynamoDB): its clock does not move, b's does.
    await b.coordinator.takeLeases();
    expect(b.coordinator.heldKeys()).toHaveLength(0);
    clockB.advance(F + 1);
    await b.coordinator.takeLeases();
    expect(b.coordinator.heldKeys()).toEqual(['s0']);
    // a resumes without noticing any time passed: its local view says valid, the table fence says no.
    checkpointerA.advanceDelivered({ sequenceNumber: '20', subSequenceNumber: 0 });
    const error = await checkpointerA.checkpoint().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(heldA.signal.aborted).toBe(true);
    expect(a.lost).toEqual(['s0']);
    expect((await table.getLease('s0'))?.checkpoint.sequenceNumber).toBe('10');
    expect((await table.getLease('s0'))?.leaseOwner).toBe('b');
  });

  it('a holder stops (AbortSignal) once it cannot renew within the failover time, and never renews after', async () => {
    const table = await fixture.table();
    await table.createLeaseIfAbsent(lease('s0'));
    const clock = new FakeClock();
    const a = worker(table, 'a', clock);
    await a.coordinator.takeLeases();
    const held = a.acquired.get('s0') as HeldLease;
    clock.advance(F);
    expect(held.isValid()).toBe(false);
    const counterBefore = (await table.getLease('s0'))?.leaseCounter;
    await a.coordinator.renewAll();
    expect(held.signal.aborted).toBe(true);
    expect(a.lost).toEqual(['s0']);
    expect((await table.getLease('s0'))?.leaseCounter).toBe(counterBefore);
    expect(a.coordinator.counters.lostLeases).toBe(1);
  });

  it('a released lease is taken on the successor next cycle, without waiting for the failover time', async () => {
    const table = await fixture.table();
    await table.createLeaseIfAbsent(lease('s0'));
    const clock = new FakeClock();
    const a = worker(table, 'a', clock);
    const b = worker(table, 'b', clock);
    await a.coordinator.takeLeases();
    await b.coordinator.takeLeases();
    expect(b.coordinator.heldKeys()).toHaveLength(0);
    await a.coordinator.release('s0');
    await b.coordinator.takeLeases();
    expect(b.coordinator.heldKeys()).toEqual(['s0']);
    expect(a.lost).toEqual([]);
  });
});
