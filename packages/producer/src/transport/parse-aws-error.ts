import { AwsServiceError } from '@shardline/core';

/** Errors after which repeating the request with fresh credentials or later may succeed. */
const ALSO_RETRIABLE = new Set(['ExpiredTokenException', 'RequestExpired', 'IDPCommunicationError']);

/**
 * Builds an AwsServiceError from a JSON 1.1 or CBOR 1.1 error answer (`__type` may carry a namespace
 * prefix): `decoded` is the answer's decoded body, undefined when it could not be decoded, in which
 * case the start of `text` (the raw answer, when read as text) becomes the message.
 */
export function parseAwsError(
  status: number,
  headers: Record<string, unknown>,
  decoded: unknown,
  text = '',
): AwsServiceError {
  let type: string | undefined;
  let message = '';
  if (decoded !== null && typeof decoded === 'object') {
    const body = decoded as Record<string, unknown>;
    if (typeof body.__type === 'string') type = body.__type;
    const m = body.message ?? body.Message;
    if (typeof m === 'string') message = m;
  } else {
    message = text.slice(0, 200);
  }
  const header = headers['x-amzn-errortype'];
  if (type === undefined && typeof header === 'string') type = header;
  let code = type ?? (status >= 500 ? 'InternalFailure' : `Http${status}`);
  const hash = code.lastIndexOf('#');
  if (hash >= 0) code = code.slice(hash + 1);
  const colon = code.indexOf(':');
  if (colon >= 0) code = code.slice(0, colon);
  const requestId = headers['x-amzn-requestid'];
  return new AwsServiceError(code, message || `HTTP ${status}`, {
    statusCode: status,
    ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(ALSO_RETRIABLE.has(code) ? { retriable: true } : {}),
  });
}
