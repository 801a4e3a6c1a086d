/**
 * Accumulates u32 indexes into a packed little-endian byte array, the wire form of per-record reports.
 * Four bytes per record keeps IPC far below the cost of the records themselves.
 */
export class IndexPacker {
  #buffer: Uint32Array;
  #length = 0;

  constructor(initialCapacity = 16_384) {
    this.#buffer = new Uint32Array(initialCapacity);
  }

  get length(): number {
    return this.#length;
  }

  push(index: number): void {
    if (this.#length === this.#buffer.length) {
      const bigger = new Uint32Array(this.#buffer.length * 2);
      bigger.set(this.#buffer);
      this.#buffer = bigger;
    }
    this.#buffer[this.#length++] = index;
  }

  /** Returns the packed bytes of everything pushed since the last take, and starts over. */
  take(): Uint8Array {
    const out = new Uint8Array(this.#length * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < this.#length; i++) view.setUint32(i * 4, this.#buffer[i] as number, true);
    this.#length = 0;
    return out;
  }
}

/** Calls `visit` with each index of a packed array made by IndexPacker. */
export function forEachPackedIndex(packed: Uint8Array, visit: (index: number) => void): void {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const n = packed.byteLength >>> 2;
  for (let i = 0; i < n; i++) visit(view.getUint32(i * 4, true));
}
