import { ErrorCodes } from './error-codes.js';
import { ShardlineError, type ShardlineErrorOptions } from './shardline-error.js';

/** A caller passed a value that can never be valid. Not retriable: the same call fails the same way. */
export class InvalidArgumentError extends ShardlineError {
  constructor(message: string, options: ShardlineErrorOptions = {}) {
    super(message, { code: ErrorCodes.INVALID_ARGUMENT, ...options, retriable: false });
  }
}
