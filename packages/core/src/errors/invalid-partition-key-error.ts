import { ErrorCodes } from './error-codes.js';
import { InvalidArgumentError } from './invalid-argument-error.js';

/** A partition key that is not a string of 1 to 256 characters. */
export class InvalidPartitionKeyError extends InvalidArgumentError {
  constructor(message: string) {
    super(message, { code: ErrorCodes.INVALID_PARTITION_KEY });
  }
}
