/**
 * Error codes specific to @shardline/consumer, in addition to the shared ErrorCodes of @shardline/core.
 * Codes are a public contract: match on `error.code`. Removed codes stay listed, reserved.
 */
export const ConsumerErrorCodes = Object.freeze({
  /** The worker no longer holds the shard's lease (expired locally, taken, or released); the KCL's ShutdownException. */
  LEASE_LOST: 'SHARDLINE_ERR_LEASE_LOST',
  /** A checkpoint value is malformed, goes backwards, or lies beyond the last record delivered. */
  INVALID_CHECKPOINT: 'SHARDLINE_ERR_INVALID_CHECKPOINT',
  /** The lease table cannot be read, written or created with the caller's credentials. */
  LEASE_TABLE_ACCESS: 'SHARDLINE_ERR_LEASE_TABLE_ACCESS',
  /** A record handler or KCL processor threw; `shardId` names the shard, `cause` holds the thrown value. */
  HANDLER_FAILED: 'SHARDLINE_ERR_HANDLER_FAILED',
  /** `shardEnded` returned without checkpointing SHARD_END, so the shard's children would stay blocked. */
  SHARD_END_NOT_CHECKPOINTED: 'SHARDLINE_ERR_SHARD_END_NOT_CHECKPOINTED',
} as const);

export type ConsumerErrorCode = (typeof ConsumerErrorCodes)[keyof typeof ConsumerErrorCodes];
