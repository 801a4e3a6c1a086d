/**
 * Growable buffers reused by every call of one packing function. Calls are synchronous and the packed
 * result is consumed before returning, so one set per module is safe, and reuse avoids first-touch
 * page faults on fresh memory, which cost more than the packing itself.
 */
export class ScratchBytes {
  #buffer: Buffer = Buffer.allocUnsafeSlow(4096);

  get buffer(): Buffer {
    return this.#buffer;
  }

  /** Makes room for `needed` bytes, keeping the first `used` bytes. Returns the (possibly new) buffer. */
  reserve(needed: number, used: number): Buffer {
    if (needed <= this.#buffer.length) return this.#buffer;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.#buffer.length * 2));
    this.#buffer.copy(grown, 0, 0, used);
    this.#buffer = grown;
    return grown;
  }
}

export class ScratchOffsets {
  #array: Uint32Array = new Uint32Array(1024);

  /** An array of at least `length` entries; contents are unspecified. */
  reserve(length: number): Uint32Array {
    if (length > this.#array.length) this.#array = new Uint32Array(Math.max(length, this.#array.length * 2));
    return this.#array;
  }
}
