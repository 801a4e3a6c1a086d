/**
 * Error codes the producer adds to @shardline/core's ErrorCodes. Stable: match on `error.code`.
 * A removed code stays here, reserved, so it is never reused with another meaning.
 */
export const ProducerErrorCodes = Object.freeze({
  /** The record was still unsent, or its last attempt failed, when RecordTtl elapsed. */
  RECORD_EXPIRED: 'SHARDLINE_ERR_RECORD_EXPIRED',
  /** The buffer bound was reached and whenFull is 'fail'. */
  BUFFER_FULL: 'SHARDLINE_ERR_BUFFER_FULL',
} as const);
