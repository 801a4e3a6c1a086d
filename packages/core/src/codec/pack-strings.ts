import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { PackedStrings } from './packed-strings.js';

/** Encodes `strings` as UTF-8 into one buffer with count + 1 offsets (lone surrogates become U+FFFD). */
export function packStrings(strings: readonly string[]): PackedStrings {
  if (!Array.isArray(strings)) throw new InvalidArgumentError('packStrings expects an array of strings');
  const count = strings.length;
  const offsets = new Uint32Array(count + 1);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const s = strings[i];
    if (typeof s !== 'string') {
      throw new InvalidArgumentError(`packStrings: entry ${i} must be a string, got ${s === null ? 'null' : typeof s}`);
    }
    total += Buffer.byteLength(s, 'utf8');
    if (total > 0xffff_ffff) throw new InvalidArgumentError('packStrings: more than 4 GiB of string bytes');
    offsets[i + 1] = total;
  }
  const bytes = Buffer.allocUnsafe(total);
  for (let i = 0; i < count; i++) {
    bytes.write(strings[i] as string, offsets[i] as number, 'utf8');
  }
  return { count, bytes, offsets };
}
