import { AwsServiceError, NetworkError } from '@shardline/core';

/** An error of a worker-thread request as plain data: posting a message keeps no error classes. */
export interface TransferableError {
  readonly kind: 'aws' | 'network' | 'other';
  readonly message: string;
  readonly awsErrorCode?: string | undefined;
  readonly statusCode?: number | undefined;
  readonly requestId?: string | undefined;
  readonly retriable?: boolean | undefined;
}

export function toTransferableError(error: unknown): TransferableError {
  if (error instanceof AwsServiceError) {
    const prefix = `${error.awsErrorCode}: `;
    return {
      kind: 'aws',
      message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message,
      awsErrorCode: error.awsErrorCode,
      statusCode: error.statusCode,
      requestId: error.requestId,
      retriable: error.retriable,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: error instanceof NetworkError ? 'network' : 'other', message };
}

/**
 * Rebuilds the typed error on the producer's thread. An unexpected error (a bug) becomes a retriable
 * NetworkError: whether the request reached Kinesis is unknown, and retrying is what a lost answer
 * calls for.
 */
export function fromTransferableError(error: TransferableError): Error {
  if (error.kind === 'aws') {
    return new AwsServiceError(error.awsErrorCode ?? 'InternalFailure', error.message, {
      ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      ...(error.retriable === undefined ? {} : { retriable: error.retriable }),
    });
  }
  if (error.kind === 'network') return new NetworkError(error.message);
  return new NetworkError(`PutRecords failed on the sending thread: ${error.message}`);
}
