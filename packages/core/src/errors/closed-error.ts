import { ErrorCodes } from './error-codes.js';
import { ShardlineError } from './shardline-error.js';

/** The object was closed before (or while) the operation ran. */
export class ClosedError extends ShardlineError {
  constructor(message: string) {
    super(message, { code: ErrorCodes.CLOSED, retriable: false });
  }
}
