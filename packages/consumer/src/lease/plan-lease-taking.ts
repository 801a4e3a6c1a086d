import type { Lease } from './lease.js';

export interface LeaseTakingInput {
  /** Every lease in the table, as just scanned. */
  readonly leases: readonly Lease[];
  readonly workerId: string;
  /** Leases this worker holds right now. */
  readonly held: ReadonlySet<string>;
  /** Leases never to take or steal. */
  readonly excluded?: ReadonlySet<string>;
  /** True when this observer has not seen the lease's counter change for longer than the failover time. */
  readonly isExpired: (lease: Lease) => boolean;
  readonly maxLeasesForWorker: number;
  readonly maxLeasesToStealAtOneTime: number;
  /**
   * Workers known to be alive besides lease owners (the worker registry), so a worker that holds no
   * lease yet still counts in the fair share.
   */
  readonly liveWorkers?: Iterable<string>;
  /** Random source (tests make it deterministic). */
  readonly random?: () => number;
}

export interface LeaseTakingPlan {
  /** Unowned, expired, or owned-by-this-worker-but-not-held leases to take. */
  readonly take: readonly Lease[];
  /** Leases to steal from the most loaded worker. */
  readonly steal: readonly Lease[];
  readonly target: number;
  readonly numWorkers: number;
  /** Leases that count for balancing: not finished, not waiting on a parent. */
  readonly totalLeases: number;
  readonly expiredLeases: number;
}

/** A lease is finished once its checkpoint is SHARD_END; it needs no worker. */
export function isFinished(lease: Lease): boolean {
  return lease.checkpoint.sequenceNumber === 'SHARD_END';
}

/**
 * A child waits while any parent lease still exists unfinished; a parent that has no lease (never
 * leased, or cleaned up) does not block. Waiting leases are left alone so they take no worker slot.
 */
export function isBlockedByParents(lease: Lease, byKey: ReadonlyMap<string, Lease>): boolean {
  for (const parent of lease.parentShardIds) {
    const parentLease = byKey.get(parent);
    if (parentLease !== undefined && !isFinished(parentLease)) return true;
  }
  return false;
}

function addTo(counts: Map<string, Lease[]>, owner: string, lease: Lease): void {
  let list = counts.get(owner);
  if (list === undefined) {
    list = [];
    counts.set(owner, list);
  }
  list.push(lease);
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * One taker decision. Target is ⌈active leases / live workers⌉: free leases are taken only up to it
 * (a first worker does not grab every lease at bootstrap), and when none are free a worker below
 * target steals from the single most loaded one, at most maxLeasesToStealAtOneTime per cycle and only
 * what the victim holds above target (or 1 when this worker lacks more than one), so a fleet settles
 * at ⌈N/W⌉ ± 1 each and then stops moving leases.
 */
export function planLeaseTaking(input: LeaseTakingInput): LeaseTakingPlan {
  const random = input.random ?? Math.random;
  const byKey = new Map(input.leases.map((lease) => [lease.leaseKey, lease]));
  const active = input.leases.filter((lease) => !isFinished(lease) && !isBlockedByParents(lease, byKey));
  const counts = new Map<string, Lease[]>();
  const available: Lease[] = [];
  let expiredLeases = 0;
  let mine = 0;
  for (const lease of active) {
    if (input.held.has(lease.leaseKey)) {
      mine++;
      continue;
    }
    const owner = lease.leaseOwner;
    if (input.excluded?.has(lease.leaseKey) === true) {
      if (owner !== undefined && owner !== input.workerId && !input.isExpired(lease)) addTo(counts, owner, lease);
      continue;
    }
    if (owner === undefined || owner === input.workerId) {
      available.push(lease);
      continue;
    }
    if (input.isExpired(lease)) {
      expiredLeases++;
      available.push(lease);
      continue;
    }
    addTo(counts, owner, lease);
  }
  const workers = new Set(counts.keys());
  workers.add(input.workerId);
  for (const worker of input.liveWorkers ?? []) workers.add(worker);
  const numWorkers = workers.size;
  const totalLeases = active.length;
  let target = numWorkers >= totalLeases ? Math.min(1, totalLeases) : Math.ceil(totalLeases / numWorkers);
  target = Math.min(target, input.maxLeasesForWorker);
  const needed = target - mine;
  const base = { target, numWorkers, totalLeases, expiredLeases };
  if (needed <= 0) return { take: [], steal: [], ...base };
  if (available.length > 0) {
    // When N/W is not whole only some workers may hold ⌈N/W⌉: a worker takes beyond ⌊N/W⌋ only the
    // free leases that the other workers do not need to reach ⌊N/W⌋, so nobody ends up two short of
    // the target and has to steal (bootstrap without stealing).
    const floor = Math.min(Math.floor(totalLeases / numWorkers), target);
    let count = needed;
    if (floor < target) {
      let othersShort = 0;
      for (const worker of workers) {
        if (worker !== input.workerId) othersShort += Math.max(0, floor - (counts.get(worker)?.length ?? 0));
      }
      const ownShort = Math.max(0, floor - mine);
      count = Math.min(needed, ownShort + Math.max(0, available.length - ownShort - othersShort));
    }
    // Unowned first (nobody is working on them), then expired ones.
    const unowned = shuffle(
      available.filter((lease) => lease.leaseOwner === undefined || lease.leaseOwner === input.workerId),
      random,
    );
    const expired = shuffle(
      available.filter((lease) => lease.leaseOwner !== undefined && lease.leaseOwner !== input.workerId),
      random,
    );
    return { take: [...unowned, ...expired].slice(0, count), steal: [], ...base };
  }
  let victim: Lease[] | undefined;
  const excluded = input.excluded;
  for (const all of counts.values()) {
    const list = excluded === undefined ? all : all.filter((lease) => !excluded.has(lease.leaseKey));
    if (victim === undefined || list.length > victim.length) victim = list;
  }
  if (victim === undefined) return { take: [], steal: [], ...base };
  const excess = victim.length - target;
  let count = excess > 0 ? Math.min(needed, excess) : needed > 1 && victim.length > mine + 1 ? 1 : 0;
  count = Math.min(count, input.maxLeasesToStealAtOneTime);
  return { take: [], steal: shuffle([...victim], random).slice(0, count), ...base };
}
