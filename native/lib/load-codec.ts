import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { type Codec, InvalidConfigError, NativeLoadError, typescriptCodec } from '@shardline/core';
import type { CodecInfo, LoadAttempt } from './codec-info.js';
import { asNativeBinding, type NativeBinding } from './native-binding.js';
import { createNativeCodec } from './native-codec.js';
import { packageRoot } from './package-root.js';
import { platformTag } from './platform-tag.js';

export interface LoadCodecOptions {
  /**
   * Path of a shardline_native.node to use instead of searching (relative paths resolve against the
   * working directory). Also settable with the env variable SHARDLINE_NATIVE_BINDING; this option wins.
   * An explicit binding that fails to load throws NativeLoadError instead of falling back.
   */
  readonly nativeBinding?: string;
  /** Environment consulted for SHARDLINE_NATIVE and SHARDLINE_NATIVE_BINDING. Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder holding prebuilds/ and build/Release/. Default: the @shardline/native package folder. */
  readonly packageRoot?: string;
}

export const ADDON_FILE = 'shardline_native.node';
export const FALLBACK_WARNING_CODE = 'SHARDLINE_NATIVE_FALLBACK';

const loaded = new WeakMap<Codec, CodecInfo>();
/** The addon behind each native Codec, for the few calls that are not codec work (retainFreedMemory). */
const bindings = new WeakMap<Codec, NativeBinding>();
const requireNative = createRequire(import.meta.url);

/**
 * Loads a Codec now, in this order: the explicit binding (option, then SHARDLINE_NATIVE_BINDING), the
 * prebuild for this platform, the local build, and finally typescriptCodec, announced by one process
 * warning (code SHARDLINE_NATIVE_FALLBACK) listing why each candidate failed. SHARDLINE_NATIVE=0
 * selects typescriptCodec silently. Prefer getCodec(), which does this once per process.
 */
export function loadCodec(options: LoadCodecOptions = {}): Codec {
  checkOptions(options);
  const env = options.env ?? process.env;
  if (isDisabled(env.SHARDLINE_NATIVE)) {
    return remember(typescriptCodec, {
      implementation: 'typescript',
      source: undefined,
      fallbackReasons: [],
      disabled: true,
    });
  }

  const explicit = options.nativeBinding ?? nonEmpty(env.SHARDLINE_NATIVE_BINDING);
  if (explicit !== undefined) {
    const label = options.nativeBinding !== undefined ? 'nativeBinding option' : 'SHARDLINE_NATIVE_BINDING';
    const path = isAbsolute(explicit) ? explicit : resolve(explicit);
    const result = tryLoad(path);
    if (typeof result === 'string') {
      const attempts = [{ source: `${path} (${label})`, reason: result }];
      throw new NativeLoadError(`could not load the native codec from ${path}: ${result}`, attempts);
    }
    return result;
  }

  const root = options.packageRoot ?? packageRoot();
  const candidates = [join(root, 'prebuilds', platformTag(), ADDON_FILE), join(root, 'build', 'Release', ADDON_FILE)];
  const attempts: LoadAttempt[] = [];
  for (const path of candidates) {
    const result = tryLoad(path, attempts);
    if (typeof result !== 'string') return result;
    attempts.push({ source: path, reason: result });
  }

  const reasons = attempts.map((a) => `\n  - ${a.source}: ${a.reason}`).join('');
  process.emitWarning(
    `@shardline/native: using the TypeScript codec (same output, slower); no native addon could be loaded:${reasons}`,
    { code: FALLBACK_WARNING_CODE },
  );
  return remember(typescriptCodec, {
    implementation: 'typescript',
    source: undefined,
    fallbackReasons: attempts,
    disabled: false,
  });
}

/** How `codec` was loaded, for codecs returned by loadCodec()/getCodec(); undefined for any other object. */
export function describeCodec(codec: Codec): CodecInfo | undefined {
  return loaded.get(codec);
}

/** The addon behind `codec` when loadCodec() loaded it natively; undefined otherwise. */
export function bindingOf(codec: Codec): NativeBinding | undefined {
  return bindings.get(codec);
}

/** The native Codec at `path`, or a one-line reason it cannot be used. */
function tryLoad(path: string, previous: readonly LoadAttempt[] = []): Codec | string {
  let exports: unknown;
  try {
    exports = requireNative(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND') return 'not found';
    return `failed to load: ${firstLine(error)}`;
  }
  try {
    const binding = asNativeBinding(exports);
    const codec = createNativeCodec(binding);
    bindings.set(codec, binding);
    return remember(codec, { implementation: 'native', source: path, fallbackReasons: previous, disabled: false });
  } catch (error) {
    return `unusable: ${firstLine(error)}`;
  }
}

function remember(codec: Codec, info: CodecInfo): Codec {
  // typescriptCodec is one shared object; the latest description of how it was chosen wins.
  loaded.set(codec, Object.freeze({ ...info, fallbackReasons: Object.freeze([...info.fallbackReasons]) }));
  return codec;
}

function checkOptions(options: LoadCodecOptions): void {
  if (options === null || typeof options !== 'object')
    throw new InvalidConfigError('loadCodec options must be an object');
  for (const name of ['nativeBinding', 'packageRoot'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new InvalidConfigError(`${name} must be a non-empty path string`);
    }
  }
  if (options.env !== undefined && (options.env === null || typeof options.env !== 'object')) {
    throw new InvalidConfigError('env must be an object of strings');
  }
}

function isDisabled(value: string | undefined): boolean {
  return value === '0' || value?.toLowerCase() === 'false';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? message;
}
