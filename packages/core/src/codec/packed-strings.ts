/**
 * Many strings as one byte buffer plus offsets: what crosses into native code in a single call.
 * String i is `bytes.subarray(offsets[i], offsets[i + 1])`, UTF-8 encoded; `offsets` has count + 1
 * entries, starts at 0 and never decreases.
 */
export interface PackedStrings {
  readonly count: number;
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
}
