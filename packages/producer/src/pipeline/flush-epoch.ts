/**
 * Records accepted between two flush() calls. flush() closes the current epoch and waits for it and
 * for every earlier epoch not yet drained: exactly "everything accepted before the call".
 */
export class FlushEpoch {
  pending = 0;
  #closed = false;
  #drained: Promise<void> | undefined;
  #resolve: (() => void) | undefined;

  get drained(): boolean {
    return this.#closed && this.pending === 0;
  }

  /** Closes the epoch; the promise settles once none of its records is unsettled. */
  close(): Promise<void> {
    this.#closed = true;
    this.#drained ??=
      this.pending === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.#resolve = resolve;
          });
    return this.#drained;
  }

  /** `count` (default 1) of this epoch's records settled. */
  release(count = 1): void {
    this.pending -= count;
    if (this.pending === 0 && this.#resolve !== undefined) {
      const resolve = this.#resolve;
      this.#resolve = undefined;
      resolve();
    }
  }
}
