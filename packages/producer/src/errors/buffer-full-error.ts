import { ShardlineError } from '@shardline/core';
import { ProducerErrorCodes } from './producer-error-codes.js';

/** The producer's buffer bound (records or bytes) is reached and whenFull is 'fail'. */
export class BufferFullError extends ShardlineError {
  constructor(message: string) {
    super(message, { code: ProducerErrorCodes.BUFFER_FULL, retriable: true });
  }
}
