import { ShardlineError } from '@shardline/core';
import { BrokerErrorCodes } from './broker-error-codes.js';

/** The data directory could not be read, written or recovered. */
export class StorageError extends ShardlineError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: BrokerErrorCodes.STORAGE, retriable: false, cause: options.cause });
  }
}
