import { ShardlineError } from '@shardline/core';
import { BrokerErrorCodes } from './broker-error-codes.js';

/** The credentials file could not be read or is malformed. Never carries a secret in its message. */
export class CredentialsError extends ShardlineError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: BrokerErrorCodes.CREDENTIALS, retriable: false, cause: options.cause });
  }
}
