import type { PackedStrings } from './packed-strings.js';

const RETAINED_KEYS = 65_536;

/**
 * Deduplicates the keys of a PackedStrings by exact bytes, in order of first appearance, without
 * allocating per key: an open-addressing table of entry numbers over the packed buffer itself.
 * One instance is reused across calls (the codec is synchronous), so steady state allocates nothing.
 */
export class KeyInterner {
  /** Per input key: its table index, or -1 when the key is skipped (empty explicit hash key). */
  indexOf: Int32Array = new Int32Array(64);
  /** Per table index: the input position of the key's first appearance. */
  firstOf: Int32Array = new Int32Array(64);
  #slots: Int32Array = new Int32Array(16);
  #hashes: Int32Array = new Int32Array(64);

  /**
   * Drops arrays grown past RETAINED_KEYS entries, so one huge aggregate does not pin their memory
   * for the life of the process. Call once the results of intern() have been used.
   */
  trim(): void {
    if (this.indexOf.length <= RETAINED_KEYS) return;
    this.indexOf = new Int32Array(64);
    this.firstOf = new Int32Array(64);
    this.#hashes = new Int32Array(64);
    this.#slots = new Int32Array(16);
  }

  /**
   * Interns keys 0..count-1 and returns how many distinct keys there are. With `skipEmpty`, empty keys
   * get index -1 and are left out of the table.
   */
  intern(keys: PackedStrings, count: number, skipEmpty: boolean): number {
    if (this.indexOf.length < count) {
      const size = Math.max(count, this.indexOf.length * 2);
      this.indexOf = new Int32Array(size);
      this.firstOf = new Int32Array(size);
      this.#hashes = new Int32Array(size);
    }
    // A power of two at least twice the key count keeps probe chains short. Only that prefix of the
    // (possibly larger, reused) slot array is cleared, so a small call after a big one stays cheap.
    let slotCount = 16;
    while (slotCount < count * 2) slotCount *= 2;
    if (this.#slots.length < slotCount) this.#slots = new Int32Array(slotCount);
    else this.#slots.fill(0, 0, slotCount);
    const slots = this.#slots;
    const mask = slotCount - 1;
    const indexOf = this.indexOf;
    const firstOf = this.firstOf;
    const hashes = this.#hashes;
    const bytes = keys.bytes;
    const offsets = keys.offsets;
    let unique = 0;
    for (let i = 0; i < count; i++) {
      const start = offsets[i] as number;
      const end = offsets[i + 1] as number;
      if (skipEmpty && start === end) {
        indexOf[i] = -1;
        continue;
      }
      // FNV-1a, 32-bit.
      let h = 0x811c9dc5 | 0;
      for (let p = start; p < end; p++) h = Math.imul(h ^ (bytes[p] as number), 0x01000193);
      let slot = h & mask;
      for (;;) {
        const entry = slots[slot] as number;
        if (entry === 0) {
          slots[slot] = unique + 1;
          hashes[unique] = h;
          firstOf[unique] = i;
          indexOf[i] = unique;
          unique++;
          break;
        }
        const candidate = entry - 1;
        if (hashes[candidate] === h) {
          const first = firstOf[candidate] as number;
          const cStart = offsets[first] as number;
          if ((offsets[first + 1] as number) - cStart === end - start && sameBytes(bytes, cStart, start, end - start)) {
            indexOf[i] = candidate;
            break;
          }
        }
        slot = (slot + 1) & mask;
      }
    }
    return unique;
  }
}

function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) {
    if (bytes[a + k] !== bytes[b + k]) return false;
  }
  return true;
}
