import { ErrorCodes } from './error-codes.js';
import { ShardlineError } from './shardline-error.js';

/** No answer arrived (refused, reset, timed out). The request may still have taken effect. */
export class NetworkError extends ShardlineError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: ErrorCodes.NETWORK, retriable: true, cause: options.cause });
  }
}
