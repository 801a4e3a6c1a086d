import type { Codec } from '@shardline/core';
import { getCodec } from '@shardline/native';

let loaded: Codec | null | undefined;

/**
 * The native codec, or null where only the TypeScript fallback exists (or the addon fails to load).
 * The broker uses it only where the addon beats what Node does by itself; the fallback codec would be
 * slower there, so callers keep their plain Node path for null. Loaded on first call, never at import.
 */
export function nativeCodec(): Codec | null {
  if (loaded === undefined) {
    try {
      const codec = getCodec();
      loaded = codec.implementation === 'native' ? codec : null;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}
