import type { PutResult } from './user-record.js';

/**
 * The settlement of one putMany() call: one promise for all of its records, resolved with one outcome
 * per input, in input order, once the last of them settled. Records carry the batch and their index
 * instead of a resolve function each, so a batch costs one promise, not one per record.
 */
export class PutManyBatch {
  readonly #outcomes: PromiseSettledResult<PutResult>[];
  #left: number;
  readonly #done: (outcomes: PromiseSettledResult<PutResult>[]) => void;

  constructor(count: number, done: (outcomes: PromiseSettledResult<PutResult>[]) => void) {
    this.#outcomes = new Array(count);
    this.#left = count;
    this.#done = done;
  }

  fulfil(index: number, value: PutResult): void {
    this.#outcomes[index] = { status: 'fulfilled', value };
    this.#settled();
  }

  reject(index: number, reason: unknown): void {
    this.#outcomes[index] = { status: 'rejected', reason };
    this.#settled();
  }

  #settled(): void {
    if (--this.#left === 0) this.#done(this.#outcomes);
  }
}
