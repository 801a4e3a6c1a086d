import { AwsServiceError } from '@shardline/core';

/**
 * The error of a request that could not be signed because no credentials could be found or loaded:
 * not retriable, since repeating the same call fails the same way.
 */
export function credentialsError(cause: unknown): AwsServiceError {
  return new AwsServiceError('CredentialsError', `could not sign the request: ${(cause as Error).message}`, {
    retriable: false,
    cause,
  });
}
