const MIB = 1024 * 1024;
/** Smaller bodies come from Node's own buffer pool, which is already cheap. */
export const POOLED_BODY_BYTES = 64 * 1024;
/** Free buffers kept for reuse, in bytes: a few 10 MiB PutRecords bodies in flight. */
const MAX_FREE_BYTES = 64 * MIB;

/**
 * Reusable receive buffers for large request bodies. A fresh multi-megabyte allocation costs a page
 * fault per 4 KiB on first touch plus its later collection, which for big PutRecords was a large part
 * of the broker's CPU per MiB; a reused buffer is already mapped. A buffer is handed back only after
 * the request that held it is completely done with it (handlers copy record data into the shard logs).
 */
export class BodyPool {
  #free: Buffer[] = [];
  #freeBytes = 0;

  /** A buffer of at least `size` bytes whose contents are undefined. */
  acquire(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const b = this.#free[i] as Buffer;
      if (b.length >= size && (best < 0 || b.length < (this.#free[best] as Buffer).length)) best = i;
    }
    if (best >= 0) {
      const b = this.#free[best] as Buffer;
      this.#free.splice(best, 1);
      this.#freeBytes -= b.length;
      return b;
    }
    // Whole MiB, so that bodies of similar sizes share buffers.
    return Buffer.allocUnsafeSlow(Math.ceil(size / MIB) * MIB);
  }

  release(buffer: Buffer): void {
    if (this.#freeBytes + buffer.length > MAX_FREE_BYTES) return;
    this.#free.push(buffer);
    this.#freeBytes += buffer.length;
  }
}
