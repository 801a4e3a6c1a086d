import { ShardlineError } from '@shardline/core';
import { ConsumerErrorCodes } from './consumer-error-codes.js';

/** The lease table is unusable with these credentials (for example AccessDenied on CreateTable). */
export class LeaseTableAccessError extends ShardlineError {
  readonly tableName: string;

  constructor(tableName: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { code: ConsumerErrorCodes.LEASE_TABLE_ACCESS, retriable: false, cause: options.cause });
    this.tableName = tableName;
  }
}
