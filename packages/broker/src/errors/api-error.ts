import { AwsServiceError } from '@shardline/core';
import { BrokerErrorCodes } from './broker-error-codes.js';

/**
 * An AWS error answered to the wire client: `awsErrorCode` becomes the `__type` of the response body,
 * `statusCode` its HTTP status. Thrown by operation handlers, caught by the request handler.
 */
export class ApiError extends AwsServiceError {
  constructor(awsErrorCode: string, message: string, statusCode = 400) {
    super(awsErrorCode, message, { statusCode });
    Object.defineProperty(this, 'code', { value: BrokerErrorCodes.API });
  }

  /** The message without the `Type: ` prefix AwsServiceError adds, as AWS sends it. */
  get wireMessage(): string {
    return this.message.slice(this.awsErrorCode.length + 2);
  }
}

export const validationError = (message: string): ApiError => new ApiError('ValidationException', message);
export const invalidArgument = (message: string): ApiError => new ApiError('InvalidArgumentException', message);
export const serializationError = (message: string): ApiError => new ApiError('SerializationException', message);
export const notFound = (message: string): ApiError => new ApiError('ResourceNotFoundException', message);
export const inUse = (message: string): ApiError => new ApiError('ResourceInUseException', message);
export const limitExceeded = (message: string): ApiError => new ApiError('LimitExceededException', message);
