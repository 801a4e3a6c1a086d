/** Up to this size a loop copies fastest: TypedArray#set's fixed cost is higher. */
const LOOP_COPY = 64;
/**
 * From this size on, Buffer#fill instead of TypedArray#set. V8 copies to or from a SharedArrayBuffer
 * with relaxed atomic loads and stores, byte by byte unless source and target share their alignment:
 * ~308 ns for 1 KiB, ~1,150 ns for 4 KiB. Node's fill with a Buffer value as long as the range is one
 * plain memcpy in C++ (~81 and ~131 ns), after a fixed cost that set beats below a few hundred bytes
 * (100 B: 43 ns by set, 63 by fill).
 */
const FILL_COPY = 192;

/**
 * Copies `source` into `target` at `offset` where either side may be shared memory (the packed
 * request's columns); returns the offset after the copy.
 */
export function copyShared(source: Uint8Array, target: Buffer, offset: number): number {
  const length = source.length;
  if (length <= LOOP_COPY) {
    for (let k = 0; k < length; k++) target[offset + k] = source[k] as number;
  } else if (length < FILL_COPY) {
    target.set(source, offset);
  } else {
    target.fill(source, offset, offset + length);
  }
  return offset + length;
}
