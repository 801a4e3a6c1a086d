import { ShardlineError } from '@shardline/core';
import { ProducerErrorCodes } from './producer-error-codes.js';

/** RecordTtl elapsed before the record was stored; `cause` is the last attempt's error, if any. */
export class RecordExpiredError extends ShardlineError {
  readonly attempts: number;
  constructor(message: string, attempts: number, options: { cause?: unknown } = {}) {
    super(message, { code: ProducerErrorCodes.RECORD_EXPIRED, retriable: true, cause: options.cause });
    this.attempts = attempts;
  }
}
