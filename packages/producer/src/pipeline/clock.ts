/** Reference point of the pipeline clock, read once when the module loads. */
const ORIGIN = Date.now();
/**
 * First value past int32 (about 24.8 days after ORIGIN). Below it `| 0` is exact, and on 64-bit builds
 * without pointer compression (Node's own) the result is a small integer.
 */
const SMALL_INT_LIMIT = 2 ** 31;

/**
 * Milliseconds since the module loaded, as a small integer while it fits one. Date.now() is a heap
 * number, and so is a difference of two: stored as is, it turns every timestamp field of every record
 * into a boxed double (a 16-byte heap number per field per record for the young-generation collector
 * to copy). `| 0` makes it a small integer, which V8 keeps unboxed; past the limit it stays a double,
 * which is just as correct, only boxed.
 */
export function clock(): number {
  const elapsed = Date.now() - ORIGIN;
  return elapsed < SMALL_INT_LIMIT ? elapsed | 0 : elapsed;
}
