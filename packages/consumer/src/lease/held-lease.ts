import { LeaseLostError } from '../errors/lease-lost-error.js';
import type { Clock } from '../types.js';
import type { LeaseWriteResult } from './lease-table.js';

/**
 * A lease this worker holds: the counter it last wrote (the fencing token), when its last successful
 * write was sent, and an AbortSignal that fires the moment ownership can no longer be proven. Writes to
 * one lease are serialized so a renewal and a checkpoint never race each other's counter.
 */
export class HeldLease {
  readonly leaseKey: string;
  readonly #clock: Clock;
  readonly #failoverMillis: number;
  readonly #controller = new AbortController();
  readonly #onLost: (lease: HeldLease, reason: string) => void;
  #counter: number;
  #lastWriteSentAt: number;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(options: {
    leaseKey: string;
    counter: number;
    sentAt: number;
    clock: Clock;
    failoverMillis: number;
    onLost: (lease: HeldLease, reason: string) => void;
  }) {
    this.leaseKey = options.leaseKey;
    this.#counter = options.counter;
    this.#lastWriteSentAt = options.sentAt;
    this.#clock = options.clock;
    this.#failoverMillis = options.failoverMillis;
    this.#onLost = options.onLost;
    this.#arm();
  }

  get counter(): number {
    return this.#counter;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** False once lost or released. */
  get held(): boolean {
    return !this.#done;
  }

  /**
   * True while the last successful write was sent less than the failover time ago. Stamping the send
   * time (not the answer time) keeps this view earlier than any other worker's, whose clock starts
   * only when its scan sees the new counter.
   */
  isValid(): boolean {
    return !this.#done && this.#clock.now() - this.#lastWriteSentAt < this.#failoverMillis;
  }

  /** Marks the lease lost when its validity ran out; returns true if it did. */
  checkExpiry(): boolean {
    if (this.#done) return false;
    if (this.isValid()) return false;
    this.lose('not renewed within failoverTimeMillis');
    return true;
  }

  /**
   * Runs one counter-conditioned write. Rejects with LeaseLostError when the lease is no longer held,
   * before sending anything, or when the write proves another worker moved the lease on.
   */
  write(
    operation: (counter: number) => Promise<LeaseWriteResult>,
    options: { releases?: boolean } = {},
  ): Promise<number> {
    const run = async (): Promise<number> => {
      if (this.#done) throw new LeaseLostError(this.leaseKey, 'already lost or released');
      if (!this.isValid()) {
        this.lose('not renewed within failoverTimeMillis');
        throw new LeaseLostError(this.leaseKey, 'not renewed within failoverTimeMillis');
      }
      const sentAt = this.#clock.now();
      const result = await operation(this.#counter);
      if (!result.ok) {
        const owner = result.current?.leaseOwner;
        const reason =
          result.current === undefined
            ? 'lease deleted'
            : `now owned by ${owner ?? 'nobody'} at counter ${result.current.leaseCounter}`;
        this.lose(reason);
        throw new LeaseLostError(this.leaseKey, reason);
      }
      this.#counter = result.counter;
      if (options.releases === true) {
        // Anything still running for this lease (a handler past the shutdown timeout) must stop too.
        this.#finish();
        this.#controller.abort(new LeaseLostError(this.leaseKey, 'released'));
      } else {
        this.#lastWriteSentAt = Math.max(this.#lastWriteSentAt, sentAt);
        this.#arm();
      }
      return result.counter;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Ownership can no longer be proven: abort handlers, tell the coordinator. Idempotent. */
  lose(reason: string): void {
    if (this.#done) return;
    this.#finish();
    this.#controller.abort(new LeaseLostError(this.leaseKey, reason));
    this.#onLost(this, reason);
  }

  /** Stops tracking without reporting a loss (after a release, or when the worker closes). */
  #finish(): void {
    this.#done = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Forget the lease locally without touching the table (close() after a failed release). */
  drop(): void {
    if (this.#done) return;
    this.#finish();
    this.#controller.abort(new LeaseLostError(this.leaseKey, 'worker closed'));
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const remaining = this.#failoverMillis - (this.#clock.now() - this.#lastWriteSentAt);
    // The timer only prompts a re-check against the (possibly injected) clock.
    this.#timer = setTimeout(() => this.checkExpiry() || this.#arm(), Math.max(1, remaining + 1));
    this.#timer.unref();
  }
}
