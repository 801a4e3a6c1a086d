const CHUNK_BITS = 1 << 23;
const CHUNK_BYTES = CHUNK_BITS >>> 3;

/** A set of non-negative integer indexes, one bit each, grown in 1 MiB chunks as higher indexes arrive. */
export class IndexBitmap {
  readonly #chunks: (Uint8Array | undefined)[] = [];
  #size = 0;

  /** Number of indexes in the set. */
  get size(): number {
    return this.#size;
  }

  /** Adds `index`; returns false when it was already present. */
  add(index: number): boolean {
    const chunkIndex = Math.floor(index / CHUNK_BITS);
    let chunk = this.#chunks[chunkIndex];
    if (chunk === undefined) {
      chunk = new Uint8Array(CHUNK_BYTES);
      this.#chunks[chunkIndex] = chunk;
    }
    const bit = index - chunkIndex * CHUNK_BITS;
    const mask = 1 << (bit & 7);
    const at = bit >>> 3;
    const byte = chunk[at] as number;
    if ((byte & mask) !== 0) return false;
    chunk[at] = byte | mask;
    this.#size++;
    return true;
  }

  has(index: number): boolean {
    const chunkIndex = Math.floor(index / CHUNK_BITS);
    const chunk = this.#chunks[chunkIndex];
    if (chunk === undefined) return false;
    const bit = index - chunkIndex * CHUNK_BITS;
    return ((chunk[bit >>> 3] as number) & (1 << (bit & 7))) !== 0;
  }

  /** Calls `visit` for every index in the set, in increasing order. */
  each(visit: (index: number) => void): void {
    for (let c = 0; c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c];
      if (chunk === undefined) continue;
      for (let at = 0; at < chunk.length; at++) {
        const byte = chunk[at] as number;
        if (byte === 0) continue;
        for (let b = 0; b < 8; b++) if ((byte & (1 << b)) !== 0) visit(c * CHUNK_BITS + at * 8 + b);
      }
    }
  }
}
