/** Reference point of the pipeline clock, read once when the module loads. */
const ORIGIN = Date.now();

/**
 * Milliseconds since the module loaded. Record timestamps stay small integers, which V8 keeps unboxed
 * in object fields (epoch milliseconds would be a heap number per field per record).
 */
export function clock(): number {
  return Date.now() - ORIGIN;
}
