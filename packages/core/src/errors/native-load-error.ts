import { ErrorCodes } from './error-codes.js';
import { ShardlineError } from './shardline-error.js';

/** The native addon could not be loaded from an explicitly requested location. */
export class NativeLoadError extends ShardlineError {
  /** Every candidate that was tried, with why it failed. */
  readonly attempts: readonly { readonly source: string; readonly reason: string }[];
  constructor(
    message: string,
    attempts: readonly { source: string; reason: string }[],
    options: { cause?: unknown } = {},
  ) {
    super(message, { code: ErrorCodes.NATIVE_LOAD, retriable: false, cause: options.cause });
    this.attempts = attempts;
  }
}
