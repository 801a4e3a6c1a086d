import { AbortedError, ClosedError } from '@shardline/core';

interface Waiter {
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  cleanup: (() => void) | undefined;
}

/**
 * The bound on accepted-but-unsettled records and bytes. Room is handed out first come, first served:
 * a new caller never overtakes one already waiting.
 */
export class BufferBudget {
  readonly maxBytes: number;
  readonly maxRecords: number;
  bytes = 0;
  records = 0;
  #waiters: Waiter[] = [];
  #head = 0;

  constructor(maxBytes: number, maxRecords: number) {
    this.maxBytes = maxBytes;
    this.maxRecords = maxRecords;
  }

  get waiting(): number {
    return this.#waiters.length - this.#head;
  }

  /** Takes room for one record at once when there is room and nobody is waiting. */
  tryAcquire(bytes: number): boolean {
    if (this.#head < this.#waiters.length || !this.#fits(bytes)) return false;
    this.bytes += bytes;
    this.records++;
    return true;
  }

  /** Waits for room for one record; rejects with AbortedError when `signal` fires or `timeout` ms pass. */
  acquire(bytes: number, signal: AbortSignal | undefined, timeout: number | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { bytes, resolve, reject, cleanup: undefined };
      const fail = (error: unknown): void => {
        const index = this.#waiters.indexOf(waiter, this.#head);
        if (index < 0) return;
        this.#waiters.splice(index, 1);
        waiter.cleanup?.();
        reject(error);
        // The waiter at the head may have been the one blocking others behind it.
        this.#wake();
      };
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void =>
        fail(new AbortedError('put() aborted while waiting for buffer room', { cause: signal?.reason }));
      if (signal !== undefined) signal.addEventListener('abort', onAbort, { once: true });
      if (timeout !== undefined) {
        timer = setTimeout(() => fail(new AbortedError(`no buffer room within ${timeout} ms`)), timeout);
      }
      waiter.cleanup = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.#waiters.push(waiter);
      this.#wake();
    });
  }

  /** Gives back the room of `count` records totalling `bytes`. */
  release(bytes: number, count: number): void {
    this.bytes -= bytes;
    this.records -= count;
    if (this.#head < this.#waiters.length) this.#wake();
  }

  /** Rejects every waiter (the producer is closing). */
  rejectAll(message: string): void {
    const waiters = this.#waiters.slice(this.#head);
    this.#waiters = [];
    this.#head = 0;
    for (const waiter of waiters) {
      waiter.cleanup?.();
      waiter.reject(new ClosedError(message));
    }
  }

  #fits(bytes: number): boolean {
    // A record larger than the whole byte bound may still go alone into an empty buffer.
    return this.records < this.maxRecords && (this.bytes + bytes <= this.maxBytes || this.records === 0);
  }

  #wake(): void {
    while (this.#head < this.#waiters.length) {
      const waiter = this.#waiters[this.#head] as Waiter;
      if (!this.#fits(waiter.bytes)) break;
      this.#head++;
      this.bytes += waiter.bytes;
      this.records++;
      waiter.cleanup?.();
      waiter.resolve();
    }
    if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head);
      this.#head = 0;
    }
  }
}
