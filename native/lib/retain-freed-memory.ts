import { InvalidArgumentError } from '@shardline/core';
import { getCodec } from './get-codec.js';
import { bindingOf } from './load-codec.js';

/** glibc takes the threshold as a C int. */
const MAX_RETAINED_BYTES = 2 ** 31 - 1;

/**
 * Lets this process's C allocator keep up to `bytes` of freed heap memory for reuse instead of handing
 * it back to the kernel at once, and serve blocks of up to 32 MiB from that heap rather than from
 * mappings of their own (glibc's M_TRIM_THRESHOLD and M_MMAP_THRESHOLD).
 *
 * Why a server wants this: Node copies every chunk of a request body into a fresh buffer, and glibc's
 * default returns such memory to the kernel as soon as it is freed, so each megabyte received costs
 * hundreds of page faults that zero memory it had a moment ago. On a VM those faults cost more than
 * the work done with the data. The price is a resident size that stays near its peak.
 *
 * Process-wide and sticky. Returns whether the settings were applied: false without the native addon
 * or with another C library (musl, macOS, Windows), where nothing changes.
 */
export function retainFreedMemory(bytes: number): boolean {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_RETAINED_BYTES) {
    throw new InvalidArgumentError(`bytes must be an integer in 0..${MAX_RETAINED_BYTES}, got ${String(bytes)}`);
  }
  const binding = bindingOf(getCodec());
  return binding === undefined ? false : binding.retainFreedMemory(bytes);
}
