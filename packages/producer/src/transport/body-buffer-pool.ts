/**
 * Request body buffers, reused once their request has finished: touching fresh memory costs more than
 * writing the body, so steady-state sending allocates none.
 */
export class BodyBufferPool {
  #free: Buffer[] = [];
  readonly #kept: number;

  /**
   * `kept`: most released buffers kept, as many as requests can be in flight (maxConnections). A
   * smaller pool is not a smaller footprint: with more requests in flight than it keeps, every request
   * still holds a buffer, but some of them are fresh pages, faulted in and later collected again.
   */
  constructor(kept: number) {
    this.#kept = kept;
  }

  /** A buffer of at least `size` bytes. */
  take(size: number): Buffer {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const candidate = this.#free[i] as Buffer;
      if (candidate.length >= size) {
        this.#free.splice(i, 1);
        return candidate;
      }
    }
    // Rounded up so a buffer is reusable for the next, slightly larger body.
    return Buffer.allocUnsafeSlow(Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(size))));
  }

  release(buffer: Buffer): void {
    if (this.#free.length < this.#kept) this.#free.push(buffer);
  }
}
