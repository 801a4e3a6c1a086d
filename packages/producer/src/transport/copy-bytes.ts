/**
 * Copies the few bytes of a fixed body fragment (a member name, a separator) to `out` at `o`; returns the
 * offset after them. A loop beats Buffer#copy's and Buffer#write's fixed cost at this size.
 */
export function copyBytes(bytes: Uint8Array, out: Uint8Array, o: number): number {
  for (let i = 0; i < bytes.length; i++) out[o + i] = bytes[i] as number;
  return o + bytes.length;
}
