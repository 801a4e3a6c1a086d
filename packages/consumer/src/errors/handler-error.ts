import { ShardlineError } from '@shardline/core';
import { ConsumerErrorCodes } from './consumer-error-codes.js';

/** Wraps whatever a handler or processor threw, with the shard and attempt it happened on. */
export class HandlerError extends ShardlineError {
  readonly shardId: string;
  readonly attempt: number;

  constructor(shardId: string, attempt: number, cause: unknown, code: string = ConsumerErrorCodes.HANDLER_FAILED) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`handler failed on ${shardId} (attempt ${attempt}): ${detail}`, { code, retriable: true, cause });
    this.shardId = shardId;
    this.attempt = attempt;
  }
}
