/**
 * Every stable error code in Shardline. Codes are part of the public contract: match on `error.code`,
 * never on messages. A removed code stays here, reserved, so it is never reused with another meaning.
 */
export const ErrorCodes = Object.freeze({
  /** Base code of ShardlineError when nothing more specific applies. */
  UNKNOWN: 'SHARDLINE_ERR',
  INVALID_ARGUMENT: 'SHARDLINE_ERR_INVALID_ARGUMENT',
  INVALID_CONFIG: 'SHARDLINE_ERR_INVALID_CONFIG',
  INVALID_PARTITION_KEY: 'SHARDLINE_ERR_INVALID_PARTITION_KEY',
  INVALID_HASH_KEY: 'SHARDLINE_ERR_INVALID_HASH_KEY',
  RECORD_TOO_LARGE: 'SHARDLINE_ERR_RECORD_TOO_LARGE',
  NATIVE_LOAD: 'SHARDLINE_ERR_NATIVE_LOAD',
  NATIVE_CALL: 'SHARDLINE_ERR_NATIVE_CALL',
  /** An error answered by Kinesis, DynamoDB or a compatible server; `awsErrorCode` holds AWS's name. */
  AWS_SERVICE: 'SHARDLINE_ERR_AWS_SERVICE',
  /** The request never got an answer: connection refused or reset, timeout. May have succeeded. */
  NETWORK: 'SHARDLINE_ERR_NETWORK',
  CLOSED: 'SHARDLINE_ERR_CLOSED',
  ABORTED: 'SHARDLINE_ERR_ABORTED',
} as const);

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
