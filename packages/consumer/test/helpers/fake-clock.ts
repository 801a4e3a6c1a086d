import type { Clock } from '../../src/types.js';

/** A monotonic clock that only moves when told to. */
export class FakeClock implements Clock {
  #now = 1_000_000;

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
