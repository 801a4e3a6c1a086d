import { ErrorCodes } from './error-codes.js';
import { ShardlineError } from './shardline-error.js';

/** The caller's AbortSignal fired, or its timeout elapsed, before the operation completed. */
export class AbortedError extends ShardlineError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: ErrorCodes.ABORTED, retriable: false, cause: options.cause });
  }
}
