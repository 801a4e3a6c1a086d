import { ShardlineError } from '@shardline/core';
import { ConsumerErrorCodes } from './consumer-error-codes.js';

/** The worker can no longer prove it owns the lease; processing of the shard stops here. */
export class LeaseLostError extends ShardlineError {
  readonly shardId: string;

  constructor(shardId: string, reason: string, options: { cause?: unknown } = {}) {
    super(`lease for ${shardId} is no longer held: ${reason}`, {
      code: ConsumerErrorCodes.LEASE_LOST,
      retriable: false,
      cause: options.cause,
    });
    this.shardId = shardId;
  }
}
