import { ErrorCodes } from './error-codes.js';
import { InvalidArgumentError } from './invalid-argument-error.js';

/** An explicit hash key that is not a decimal integer in 0..2^128-1. */
export class InvalidHashKeyError extends InvalidArgumentError {
  constructor(message: string) {
    super(message, { code: ErrorCodes.INVALID_HASH_KEY });
  }
}
