import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Lease } from '../src/lease/lease.js';
import { planLeaseTaking } from '../src/lease/plan-lease-taking.js';
import { lease } from './helpers/lease-fixtures.js';

const never = (): boolean => false;

function leasesOwnedBy(owners: (string | undefined)[]): Lease[] {
  return owners.map((owner, i) => lease(`shard-${i}`, { leaseOwner: owner, leaseCounter: 1 }));
}

describe('planLeaseTaking', () => {
  it('takes unowned leases only up to the fair share when other workers are live', () => {
    const leases = leasesOwnedBy([undefined, undefined, undefined, undefined, undefined, undefined, 'b', 'b']);
    const plan = planLeaseTaking({
      leases,
      workerId: 'a',
      held: new Set(),
      isExpired: never,
      maxLeasesForWorker: 100,
      maxLeasesToStealAtOneTime: 1,
    });
    expect(plan.numWorkers).toBe(2);
    expect(plan.target).toBe(4);
    expect(plan.take).toHaveLength(4);
    expect(plan.take.every((l) => l.leaseOwner === undefined)).toBe(true);
  });

  it('treats a lease as available only after this observer saw it unchanged for the failover time', () => {
    const leases = leasesOwnedBy(['dead', 'dead', 'live']);
    const expired = new Set(['shard-0', 'shard-1']);
    const plan = planLeaseTaking({
      leases,
      workerId: 'a',
      held: new Set(),
      isExpired: (l) => expired.has(l.leaseKey),
      maxLeasesForWorker: 100,
      maxLeasesToStealAtOneTime: 1,
    });
    // 'dead' owns only expired leases, so it does not count as a worker: a and live share 3 leases.
    expect(plan.numWorkers).toBe(2);
    expect(plan.expiredLeases).toBe(2);
    expect(plan.take.map((l) => l.leaseKey).sort()).toEqual(['shard-0', 'shard-1']);
  });

  it('steals at most maxLeasesToStealAtOneTime from the most loaded worker', () => {
    const leases = leasesOwnedBy(['b', 'b', 'b', 'b', 'b', 'b', 'c', 'c']);
    const plan = planLeaseTaking({
      leases,
      workerId: 'a',
      held: new Set(),
      isExpired: never,
      maxLeasesForWorker: 100,
      maxLeasesToStealAtOneTime: 1,
    });
    expect(plan.take).toHaveLength(0);
    expect(plan.steal).toHaveLength(1);
    expect(plan.steal[0]?.leaseOwner).toBe('b');
  });

  it('does not steal once within one of the fair share (no churn)', () => {
    const leases = leasesOwnedBy(['a', 'a', 'b', 'b', 'b']);
    const plan = planLeaseTaking({
      leases,
      workerId: 'a',
      held: new Set(['shard-0', 'shard-1']),
      isExpired: never,
      maxLeasesForWorker: 100,
      maxLeasesToStealAtOneTime: 5,
    });
    expect(plan.target).toBe(3);
    expect(plan.steal).toHaveLength(0);
  });

  it('skips finished leases and children whose parents are unfinished', () => {
    const leases = [
      lease('parent', { leaseOwner: 'b', leaseCounter: 3 }),
      lease('child', { parentShardIds: ['parent'] }),
      lease('done', { checkpoint: { sequenceNumber: 'SHARD_END', subSequenceNumber: 0 } }),
      lease('child-of-done', { parentShardIds: ['done'] }),
    ];
    const plan = planLeaseTaking({
      leases,
      workerId: 'a',
      held: new Set(),
      isExpired: never,
      maxLeasesForWorker: 100,
      maxLeasesToStealAtOneTime: 1,
    });
    expect(plan.totalLeases).toBe(2);
    expect(plan.take.map((l) => l.leaseKey)).toEqual(['child-of-done']);
  });

  it('never takes an excluded (stopped) lease', () => {
    const leases = leasesOwnedBy([undefined, undefined]);
    const plan = planLeaseTaking({
      leases,
      workerId: 'a',
      held: new Set(),
      excluded: new Set(['shard-0']),
      isExpired: never,
      maxLeasesForWorker: 100,
      maxLeasesToStealAtOneTime: 1,
    });
    expect(plan.take.map((l) => l.leaseKey)).toEqual(['shard-1']);
  });

  it('a simulated fleet converges to ⌈N/W⌉±1 each and then stops moving leases', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        (n, w, seed) => {
          let state = seed;
          const random = (): number => {
            state = (state * 1103515245 + 12345) % 2147483648;
            return state / 2147483648;
          };
          const owners: (string | undefined)[] = new Array(n).fill(undefined);
          const workers = Array.from({ length: w }, (_, i) => `w${i}`);
          let moves = 0;
          let quietRounds = 0;
          for (let round = 0; round < 200 && quietRounds < 3; round++) {
            let movedThisRound = 0;
            for (const worker of workers) {
              const leases = owners.map((owner, i) => lease(`s${i}`, { leaseOwner: owner, leaseCounter: 1 }));
              const held = new Set(leases.filter((l) => l.leaseOwner === worker).map((l) => l.leaseKey));
              const plan = planLeaseTaking({
                leases,
                workerId: worker,
                held,
                isExpired: never,
                maxLeasesForWorker: 1000,
                maxLeasesToStealAtOneTime: 1,
                random,
              });
              for (const l of [...plan.take, ...plan.steal]) {
                owners[Number(l.leaseKey.slice(1))] = worker;
                movedThisRound++;
              }
            }
            moves += movedThisRound;
            quietRounds = movedThisRound === 0 ? quietRounds + 1 : 0;
          }
          expect(quietRounds).toBeGreaterThanOrEqual(3);
          expect(owners.every((owner) => owner !== undefined)).toBe(true);
          const counts = workers.map((worker) => owners.filter((owner) => owner === worker).length);
          const fair = Math.ceil(n / w);
          for (const count of counts) {
            expect(count).toBeLessThanOrEqual(fair + 1);
            if (n >= w) expect(count).toBeGreaterThanOrEqual(Math.floor(n / w) - 1);
          }
          expect(moves).toBeLessThan(n * 3 + 10);
        },
      ),
      { numRuns: 150 },
    );
  });
  it('counts registered workers that hold no lease yet in the fair share', () => {
    const leases = leasesOwnedBy([undefined, undefined, undefined, undefined, undefined, undefined]);
    const plan = planLeaseTaking({
      leases,
      workerId: 'a',
      held: new Set(),
      isExpired: never,
      maxLeasesForWorker: 100,
      maxLeasesToStealAtOneTime: 1,
      liveWorkers: ['a', 'b', 'c'],
    });
    expect(plan.numWorkers).toBe(3);
    expect(plan.take).toHaveLength(2);
  });

  it('a registered fleet bootstrapping in any order takes at most ⌈N/W⌉ each and never steals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        (n, w, order) => {
          const owners: (string | undefined)[] = new Array(n).fill(undefined);
          const workers = Array.from({ length: w }, (_, i) => `w${i}`);
          let steals = 0;
          for (let step = 0; step < 40; step++) {
            const worker = workers[(order[step] as number) % w] as string;
            const leases = owners.map((owner, i) => lease(`s${i}`, { leaseOwner: owner, leaseCounter: 1 }));
            const held = new Set(leases.filter((l) => l.leaseOwner === worker).map((l) => l.leaseKey));
            const plan = planLeaseTaking({
              leases,
              workerId: worker,
              held,
              isExpired: never,
              maxLeasesForWorker: 1000,
              maxLeasesToStealAtOneTime: 1,
              liveWorkers: workers,
            });
            steals += plan.steal.length;
            for (const l of plan.take) owners[Number(l.leaseKey.slice(1))] = worker;
          }
          // Then every worker gets a cycle, in order, until nothing is free.
          for (let round = 0; round < 3; round++) {
            for (const worker of workers) {
              const leases = owners.map((owner, i) => lease(`s${i}`, { leaseOwner: owner, leaseCounter: 1 }));
              const held = new Set(leases.filter((l) => l.leaseOwner === worker).map((l) => l.leaseKey));
              const plan = planLeaseTaking({
                leases,
                workerId: worker,
                held,
                isExpired: never,
                maxLeasesForWorker: 1000,
                maxLeasesToStealAtOneTime: 1,
                liveWorkers: workers,
              });
              steals += plan.steal.length;
              for (const l of plan.take) owners[Number(l.leaseKey.slice(1))] = worker;
            }
          }
          expect(steals).toBe(0);
          expect(owners.every((owner) => owner !== undefined)).toBe(true);
          for (const worker of workers) {
            expect(owners.filter((owner) => owner === worker).length).toBeLessThanOrEqual(Math.ceil(n / w));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
