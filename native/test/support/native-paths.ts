import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from '../../lib/native-binding.js';

/** The local build the unit project tests (`pnpm run build:native` produces it). */
export const LOCAL_BUILD = fileURLToPath(new URL('../../build/Release/shardline_native.node', import.meta.url));

/** The raw addon, bypassing the loader, for tests that call its functions with malformed arguments. */
export function loadRawBinding(): NativeBinding {
  return createRequire(import.meta.url)(LOCAL_BUILD) as NativeBinding;
}
