/**
 * Longest ASCII key copied by a JS loop. Keys are short (at most 256 characters, usually a few dozen),
 * where Buffer#write's fixed cost (encoding dispatch plus a native call) exceeds the copy itself.
 */
const LOOP_MAX = 64;

/**
 * Writes `key` into `out` at `offset` as UTF-8 and returns the number of bytes written. `ascii` says
 * the key has only characters below 0x80 (found once at validation), so each one is one byte.
 */
export function writeKey(key: string, ascii: boolean, out: Uint8Array, offset: number): number {
  const length = key.length;
  if (ascii && length <= LOOP_MAX) {
    for (let i = 0; i < length; i++) out[offset + i] = key.charCodeAt(i);
    return length;
  }
  return (out as Buffer).write(key, offset, ascii ? 'latin1' : 'utf8');
}
