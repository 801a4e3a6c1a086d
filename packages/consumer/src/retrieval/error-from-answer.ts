import { AwsServiceError } from '@shardline/core';
import { Decoder } from 'cbor-x';

let decoder: Decoder | undefined;

function errorBody(contentType: string, body: Buffer): Record<string, unknown> | undefined {
  try {
    let value: unknown;
    if (contentType.includes('cbor')) {
      decoder ??= new Decoder({ useRecords: false, mapsAsObjects: true } as ConstructorParameters<typeof Decoder>[0]);
      value = decoder.decode(body);
    } else {
      value = JSON.parse(body.toString('utf8'));
    }
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The AwsServiceError of a non-200 answer, named as the SDK names it: `__type` of the body (CBOR or
 * JSON), else the x-amzn-ErrorType header, with any `namespace#` prefix and `:url` suffix removed.
 */
export function errorFromAnswer(
  statusCode: number,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): AwsServiceError {
  const parsed = errorBody(headerValue(headers['content-type']) ?? '', body);
  let type = typeof parsed?.__type === 'string' ? parsed.__type : (headerValue(headers['x-amzn-errortype']) ?? '');
  const hash = type.lastIndexOf('#');
  if (hash >= 0) type = type.slice(hash + 1);
  const colon = type.indexOf(':');
  if (colon >= 0) type = type.slice(0, colon);
  if (type === '') type = statusCode >= 500 ? 'InternalFailure' : `Http${statusCode}`;
  const message = parsed?.message ?? parsed?.Message;
  const requestId = headerValue(headers['x-amzn-requestid']);
  return new AwsServiceError(type, typeof message === 'string' && message !== '' ? message : `HTTP ${statusCode}`, {
    statusCode,
    ...(requestId === undefined ? {} : { requestId }),
  });
}
