import type { Codec } from '@shardline/core';
import type { CodecInfo } from './codec-info.js';
import { describeCodec, loadCodec } from './load-codec.js';

let current: { readonly codec: Codec; readonly info: CodecInfo | undefined } | undefined;

/**
 * The process-wide Codec, loaded on first call (never at import) and reused afterwards. Throws
 * NativeLoadError only when SHARDLINE_NATIVE_BINDING names a binary that cannot be loaded.
 */
export function getCodec(): Codec {
  return loadCurrent().codec;
}

/** Which implementation `codec` (default: getCodec()) is, where it came from, and any fallback reasons. */
export function codecInfo(codec?: Codec): CodecInfo {
  // The process codec's description is captured when it loads: typescriptCodec is one shared object
  // that later loadCodec() calls may describe differently.
  const info = codec === undefined || codec === current?.codec ? loadCurrent().info : describeCodec(codec);
  if (info !== undefined) return info;
  return Object.freeze({
    implementation: (codec ?? getCodec()).implementation,
    source: undefined,
    fallbackReasons: Object.freeze([]),
    disabled: false,
  });
}

function loadCurrent(): { readonly codec: Codec; readonly info: CodecInfo | undefined } {
  if (current === undefined) {
    const codec = loadCodec();
    current = { codec, info: describeCodec(codec) };
  }
  return current;
}
