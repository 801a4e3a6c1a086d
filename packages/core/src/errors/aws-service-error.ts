import { ErrorCodes } from './error-codes.js';
import { ShardlineError } from './shardline-error.js';

/** AWS error names after which the same request may succeed later. */
const RETRIABLE_AWS_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'KMSThrottlingException',
  'ExpiredIteratorException',
  'ResourceInUseException',
  'TransactionConflictException',
]);

export function isRetriableAwsError(awsErrorCode: string, statusCode?: number): boolean {
  if (RETRIABLE_AWS_ERRORS.has(awsErrorCode)) return true;
  return statusCode !== undefined && statusCode >= 500;
}

/**
 * An error answered by an AWS service or a compatible server. `awsErrorCode` is AWS's own name
 * (for example ProvisionedThroughputExceededException), kept verbatim so AWS documentation applies.
 */
export class AwsServiceError extends ShardlineError {
  readonly awsErrorCode: string;
  readonly statusCode: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    awsErrorCode: string,
    message: string,
    options: { statusCode?: number; requestId?: string; retriable?: boolean; cause?: unknown } = {},
  ) {
    super(`${awsErrorCode}: ${message}`, {
      code: ErrorCodes.AWS_SERVICE,
      retriable: options.retriable ?? isRetriableAwsError(awsErrorCode, options.statusCode),
      cause: options.cause,
    });
    this.awsErrorCode = awsErrorCode;
    this.statusCode = options.statusCode;
    this.requestId = options.requestId;
  }
}
