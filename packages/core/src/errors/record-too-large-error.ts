import { ErrorCodes } from './error-codes.js';
import { InvalidArgumentError } from './invalid-argument-error.js';

/** A record (or batch) whose byte size exceeds a hard limit. */
export class RecordTooLargeError extends InvalidArgumentError {
  readonly size: number;
  readonly limit: number;
  constructor(message: string, size: number, limit: number) {
    super(message, { code: ErrorCodes.RECORD_TOO_LARGE });
    this.size = size;
    this.limit = limit;
  }
}
