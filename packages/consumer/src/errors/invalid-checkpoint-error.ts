import { InvalidArgumentError } from '@shardline/core';
import { ConsumerErrorCodes } from './consumer-error-codes.js';

/** A checkpoint that is malformed, earlier than the stored one, or later than anything delivered. */
export class InvalidCheckpointError extends InvalidArgumentError {
  constructor(message: string) {
    super(message, { code: ConsumerErrorCodes.INVALID_CHECKPOINT });
  }
}
