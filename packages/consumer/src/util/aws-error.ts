import { AwsServiceError, isRetriableAwsError, NetworkError, ShardlineError } from '@shardline/core';

/** AWS's error name of an SDK v3 error ('' when the value is not one). */
export function awsErrorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  // Thrown by our own transports (the CBOR GetRecords source): AWS's name is kept apart from the class name.
  if (error instanceof AwsServiceError) return error.awsErrorCode;
  const named = error as { name?: unknown; __type?: unknown; $metadata?: unknown };
  if (typeof named.name === 'string' && named.name !== 'Error') return named.name;
  if (typeof named.__type === 'string') return named.__type.split('#').pop() ?? '';
  return '';
}

function statusCode(error: unknown): number | undefined {
  if (error instanceof AwsServiceError) return error.statusCode;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_HTTP2_STREAM_ERROR',
]);

/** Converts whatever an SDK call threw into a ShardlineError, keeping AWS's error name. */
export function toShardlineError(error: unknown): ShardlineError {
  if (error instanceof ShardlineError) return error;
  const status = statusCode(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (status === undefined && typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new NetworkError(`${code}: ${(error as Error).message}`, { cause: error });
  }
  const name = awsErrorName(error);
  if (name === 'TimeoutError' || name === 'AbortError' || (status === undefined && name === '')) {
    return new NetworkError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  const options: { statusCode?: number; cause?: unknown } = { cause: error };
  if (status !== undefined) options.statusCode = status;
  return new AwsServiceError(name, message, options);
}

/** True when repeating the call may succeed: throttling, 5xx, network failures. */
export function isRetriable(error: unknown): boolean {
  const name = awsErrorName(error);
  if (name === 'ConditionalCheckFailedException') return false;
  if (isRetriableAwsError(name, statusCode(error))) return true;
  return toShardlineError(error).retriable;
}
