import type { Logger } from '../types.js';

const noop = (): void => {};

/** The default: a library never writes to stdout or stderr on its own. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
