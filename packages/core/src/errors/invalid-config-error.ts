import { ErrorCodes } from './error-codes.js';
import { InvalidArgumentError } from './invalid-argument-error.js';

/** A configuration object failed validation at construction. */
export class InvalidConfigError extends InvalidArgumentError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: ErrorCodes.INVALID_CONFIG });
  }
}
