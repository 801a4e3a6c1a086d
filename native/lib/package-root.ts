import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the @shardline/native package folder. Every module sits one level below it, in
 * lib/ (tests run the sources) or dist/ (the published build), so the parent works for both.
 */
export function packageRoot(): string {
  return fileURLToPath(new URL('..', import.meta.url));
}
