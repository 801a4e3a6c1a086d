/**
 * Writes `text` as UTF-8 at `pos` and returns the next position. `out` must have room for 3 bytes per
 * UTF-16 unit. Short ASCII strings (typical keys) are copied in JS, which beats the native call behind
 * Buffer#write; anything else goes through Buffer#write (lone surrogates become U+FFFD, as everywhere).
 */
export function writeUtf8(out: Buffer, pos: number, text: string): number {
  const length = text.length;
  if (length <= 64) {
    let i = 0;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      out[pos + i] = c;
    }
    if (i === length) return pos + length;
  }
  return pos + out.write(text, pos, 'utf8');
}
