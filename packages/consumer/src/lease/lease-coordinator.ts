import type { Clock, Logger } from '../types.js';
import { jittered } from '../util/backoff.js';
import { delay } from '../util/delay.js';
import { HeldLease } from './held-lease.js';
import type { Lease } from './lease.js';
import type { LeaseTable } from './lease-table.js';
import { planLeaseTaking } from './plan-lease-taking.js';
import type { WorkerRegistry } from './worker-registry.js';

export interface LeaseCoordinatorOptions {
  readonly table: LeaseTable;
  readonly workerId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly failoverTimeMillis: number;
  readonly renewalIntervalMillis: number;
  readonly takerIntervalMillis: number;
  readonly maxLeasesForWorker: number;
  readonly maxLeasesToStealAtOneTime: number;
  /** Leases this worker must not take (shards stopped by the handler-error policy). */
  readonly excluded?: ReadonlySet<string>;
  readonly onAcquired: (held: HeldLease, lease: Lease) => void;
  readonly onLost: (leaseKey: string, reason: string) => void;
  /** Called after each taker scan with everything seen (shard sync, audit and cleanup piggyback on it). */
  readonly onScan?: (leases: readonly Lease[]) => Promise<void> | void;
  /**
   * The fleet's worker registry. With it, this worker heartbeats there on every renewal cycle, counts
   * the registered live workers in the fair share, and waits `discoveryDelayMillis` (jittered) before
   * its first take so that workers started together see each other before any takes a lease.
   */
  readonly registry?: WorkerRegistry;
  readonly discoveryDelayMillis?: number;
}

interface Observation {
  counter: number;
  owner: string | undefined;
  seenAt: number;
}

export interface LeaseCounters {
  takenLeases: number;
  lostLeases: number;
  renewals: number;
  failedRenewals: number;
  expiredLeases: number;
  numWorkers: number;
  totalLeases: number;
}

/**
 * Runs the two lease loops of a worker: the renewer (heartbeat of every held lease) and the taker
 * (scan, judge expiry by this worker's own monotonic clock, take up to the fair share, steal when
 * below it). Expiry never compares clocks across hosts: a lease is expired when this observer has not
 * seen its counter change for failoverTimeMillis.
 */
export class LeaseCoordinator {
  readonly #o: LeaseCoordinatorOptions;
  readonly #held = new Map<string, HeldLease>();
  readonly #observed = new Map<string, Observation>();
  readonly #workerHeartbeats = new Map<string, { heartbeat: number; seenAt: number }>();
  readonly #stop = new AbortController();
  readonly #counters: LeaseCounters = {
    takenLeases: 0,
    lostLeases: 0,
    renewals: 0,
    failedRenewals: 0,
    expiredLeases: 0,
    numWorkers: 1,
    totalLeases: 0,
  };
  #latest: readonly Lease[] = [];
  #liveWorkers: readonly string[] = [];
  #loops: Promise<void>[] = [];
  #takingPaused = false;
  #wake: (() => void) | undefined;

  constructor(options: LeaseCoordinatorOptions) {
    this.#o = options;
  }

  get counters(): Readonly<LeaseCounters> {
    return this.#counters;
  }

  /** Leases from the last scan. */
  get latestLeases(): readonly Lease[] {
    return this.#latest;
  }

  /** Live registered workers and owners of unexpired leases at the last scan, plus this one, sorted. */
  get liveWorkers(): readonly string[] {
    return this.#liveWorkers;
  }

  /** The elected worker for shard sync and cleanup: the smallest live worker id. */
  isLeader(): boolean {
    return this.#liveWorkers.length === 0 || this.#liveWorkers[0] === this.#o.workerId;
  }

  heldLease(leaseKey: string): HeldLease | undefined {
    return this.#held.get(leaseKey);
  }

  heldKeys(): string[] {
    return [...this.#held.keys()];
  }

  start(): void {
    this.#loops.push(
      this.#loop(
        () => this.renewAll(),
        () => this.#o.renewalIntervalMillis,
      ),
    );
    const discovery = this.#o.registry === undefined ? 0 : jittered(this.#o.discoveryDelayMillis ?? 0);
    this.#loops.push(
      this.#loop(
        () => this.takeLeases(),
        () => jittered(this.#o.takerIntervalMillis),
        true,
        discovery,
      ),
    );
  }

  /** Creates the registry table if needed and registers this worker (before start()). */
  async register(): Promise<void> {
    const registry = this.#o.registry;
    if (registry === undefined) return;
    await registry.ensureTable(this.#stop.signal);
    await registry.heartbeat(this.#o.workerId);
  }

  /** Removes this worker from the registry (graceful shutdown); failures only delay others' view. */
  async deregister(): Promise<void> {
    try {
      await this.#o.registry?.deregister(this.#o.workerId);
    } catch (error) {
      this.#o.logger.warn(
        { err: error, worker: this.#o.workerId },
        'worker deregistration failed; others drop it after the failover time',
      );
    }
  }

  /** Stops both loops; waits for a cycle in flight. Leases stay held until released or dropped. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake?.();
    await Promise.all(this.#loops);
    this.#loops = [];
  }

  /** No more taking (graceful shutdown in progress); renewals continue. */
  pauseTaking(): void {
    this.#takingPaused = true;
  }

  /** Runs the next taker cycle now (a lease was released in this process). */
  nudgeTaker(): void {
    this.#wake?.();
  }

  async #loop(cycle: () => Promise<unknown>, period: () => number, wakeable = false, initialDelay = 0): Promise<void> {
    const signal = this.#stop.signal;
    // Not wakeable: a nudge during discovery must not cut it short.
    if (initialDelay > 0) await delay(initialDelay, signal);
    while (!signal.aborted) {
      try {
        await cycle();
      } catch (error) {
        this.#o.logger.warn({ err: error, worker: this.#o.workerId }, 'lease cycle failed; will retry next period');
      }
      if (signal.aborted) break;
      if (wakeable) {
        const wake = new AbortController();
        this.#wake = () => wake.abort();
        await delay(period(), AbortSignal.any([signal, wake.signal]));
        this.#wake = undefined;
      } else {
        await delay(period(), signal);
      }
    }
  }

  /** One renewer cycle: every held lease renewed, or dropped when it expired locally. */
  async renewAll(): Promise<void> {
    await Promise.all([
      this.#heartbeat(),
      ...[...this.#held.values()].map(async (held) => {
        if (held.checkExpiry()) return;
        try {
          await held.write((counter) => this.#o.table.renew(held.leaseKey, this.#o.workerId, counter));
          this.#counters.renewals++;
        } catch (error) {
          if (held.held) {
            this.#counters.failedRenewals++;
            this.#o.logger.warn({ err: error, leaseKey: held.leaseKey }, 'lease renewal failed; retrying next period');
          }
        }
      }),
    ]);
  }

  async #heartbeat(): Promise<void> {
    const registry = this.#o.registry;
    if (registry === undefined || this.#stop.signal.aborted) return;
    try {
      await registry.heartbeat(this.#o.workerId);
    } catch (error) {
      this.#o.logger.warn({ err: error, worker: this.#o.workerId }, 'worker heartbeat failed; retrying next period');
    }
  }

  /**
   * Registered workers whose heartbeat this observer saw change within the failover time (judged like
   * leases, by this worker's own clock), plus this worker.
   */
  async #liveRegisteredWorkers(scanStart: number): Promise<string[]> {
    const registry = this.#o.registry;
    if (registry === undefined) return [];
    const workers = await registry.listWorkers();
    const now = this.#o.clock.now();
    const seen = new Set<string>();
    const live: string[] = [this.#o.workerId];
    for (const { workerId, heartbeat } of workers) {
      seen.add(workerId);
      const previous = this.#workerHeartbeats.get(workerId);
      if (previous === undefined || previous.heartbeat !== heartbeat) {
        this.#workerHeartbeats.set(workerId, { heartbeat, seenAt: scanStart });
      } else if (now - previous.seenAt > this.#o.failoverTimeMillis) {
        // Killed workers leave their item behind; the elected worker removes it (conditionally).
        if (this.isLeader() && workerId !== this.#o.workerId) {
          await registry.removeStale(workerId, heartbeat).catch((error: unknown) => {
            this.#o.logger.debug({ err: error, workerId }, 'stale worker not removed from the registry');
          });
        }
        continue;
      }
      live.push(workerId);
    }
    for (const key of this.#workerHeartbeats.keys()) if (!seen.has(key)) this.#workerHeartbeats.delete(key);
    return live;
  }

  /** One taker cycle: scan, observe counters, take and steal per planLeaseTaking. */
  async takeLeases(): Promise<void> {
    const scanStart = this.#o.clock.now();
    const [leases, registered] = await Promise.all([
      this.#o.table.listLeases(),
      this.#liveRegisteredWorkers(scanStart),
    ]);
    const now = this.#o.clock.now();
    const seen = new Set<string>();
    for (const lease of leases) {
      seen.add(lease.leaseKey);
      const previous = this.#observed.get(lease.leaseKey);
      if (previous === undefined || previous.counter !== lease.leaseCounter || previous.owner !== lease.leaseOwner) {
        // Stamped with the scan's start: the change happened no later than that as far as we can prove.
        this.#observed.set(lease.leaseKey, { counter: lease.leaseCounter, owner: lease.leaseOwner, seenAt: scanStart });
      }
    }
    for (const key of this.#observed.keys()) if (!seen.has(key)) this.#observed.delete(key);
    this.#latest = leases;
    const isExpired = (lease: Lease): boolean => {
      const observation = this.#observed.get(lease.leaseKey);
      return observation !== undefined && now - observation.seenAt > this.#o.failoverTimeMillis;
    };
    const live = new Set<string>(registered);
    live.add(this.#o.workerId);
    for (const lease of leases) {
      if (lease.leaseOwner !== undefined && lease.checkpoint.sequenceNumber !== 'SHARD_END' && !isExpired(lease))
        live.add(lease.leaseOwner);
    }
    this.#liveWorkers = [...live].sort();
    if (!this.#takingPaused && !this.#stop.signal.aborted) {
      const plan = planLeaseTaking({
        leases,
        workerId: this.#o.workerId,
        held: new Set(this.#held.keys()),
        excluded: this.#o.excluded ?? new Set(),
        isExpired,
        maxLeasesForWorker: this.#o.maxLeasesForWorker,
        maxLeasesToStealAtOneTime: this.#o.maxLeasesToStealAtOneTime,
        liveWorkers: registered,
      });
      this.#counters.numWorkers = plan.numWorkers;
      this.#counters.totalLeases = plan.totalLeases;
      this.#counters.expiredLeases = plan.expiredLeases;
      for (const lease of [...plan.take, ...plan.steal]) await this.#take(lease, plan.steal.includes(lease));
    }
    await this.#o.onScan?.(leases);
  }

  async #take(lease: Lease, stealing: boolean): Promise<void> {
    if (this.#takingPaused || this.#stop.signal.aborted) return;
    const sentAt = this.#o.clock.now();
    const result = await this.#o.table.take(lease.leaseKey, this.#o.workerId, lease.leaseCounter);
    if (!result.ok) {
      this.#o.logger.debug({ leaseKey: lease.leaseKey }, 'lease moved before we could take it');
      return;
    }
    if (this.#takingPaused || this.#stop.signal.aborted) {
      await this.#o.table.release(lease.leaseKey, this.#o.workerId, result.counter).catch(() => undefined);
      return;
    }
    this.#counters.takenLeases++;
    const held = new HeldLease({
      leaseKey: lease.leaseKey,
      counter: result.counter,
      sentAt,
      clock: this.#o.clock,
      failoverMillis: this.#o.failoverTimeMillis,
      onLost: (lost, reason) => this.#lost(lost, reason),
    });
    this.#held.set(lease.leaseKey, held);
    this.#o.logger.info(
      { leaseKey: lease.leaseKey, worker: this.#o.workerId, stolenFrom: stealing ? lease.leaseOwner : undefined },
      stealing ? 'lease stolen' : 'lease taken',
    );
    this.#o.onAcquired(held, { ...lease, leaseOwner: this.#o.workerId, leaseCounter: result.counter });
  }

  #lost(held: HeldLease, reason: string): void {
    if (this.#held.get(held.leaseKey) !== held) return;
    this.#held.delete(held.leaseKey);
    this.#counters.lostLeases++;
    this.#o.logger.warn({ leaseKey: held.leaseKey, worker: this.#o.workerId, reason }, 'lease lost');
    this.#o.onLost(held.leaseKey, reason);
  }

  /** Clears the owner in the table so another worker can take the lease at once. */
  async release(leaseKey: string): Promise<void> {
    const held = this.#held.get(leaseKey);
    if (held === undefined) return;
    try {
      await held.write((counter) => this.#o.table.release(leaseKey, this.#o.workerId, counter), { releases: true });
    } catch (error) {
      this.#o.logger.warn({ err: error, leaseKey }, 'lease release failed; successors wait for the failover time');
      held.drop();
    } finally {
      if (this.#held.get(leaseKey) === held) this.#held.delete(leaseKey);
    }
  }

  /** Forgets a lease locally after a write that already released it (SHARD_END checkpoint). */
  forget(leaseKey: string): void {
    const held = this.#held.get(leaseKey);
    if (held === undefined) return;
    this.#held.delete(leaseKey);
    held.drop();
  }
}
