import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiError } from '../errors/api-error.js';
import type { BrokerCredential } from '../options/broker-options.js';

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.:-]+),\s*Signature=([0-9a-f]{64})$/;

export interface SignedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * Verifies AWS Signature Version 4 on requests, recomputing the signature with the maintained smithy
 * signer over exactly the headers the client signed, and comparing in constant time.
 */
export class SigV4Verifier {
  readonly #credentials: ReadonlyMap<string, BrokerCredential>;
  readonly #skewMs: number;

  constructor(credentials: readonly BrokerCredential[], skewMs: number) {
    this.#credentials = new Map(credentials.map((c) => [c.accessKeyId, c]));
    this.#skewMs = skewMs;
  }

  /** Resolves to the caller's credential, or rejects with the AWS error AWS would answer. */
  async verify(request: SignedRequest, now: number): Promise<BrokerCredential> {
    const authorization = header(request.headers, 'authorization');
    if (authorization === undefined) {
      throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    }
    const m = AUTH.exec(authorization.trim());
    if (m === null) {
      throw new ApiError(
        'IncompleteSignatureException',
        'Authorization header requires Credential, SignedHeaders and Signature parameters, and the AWS4-HMAC-SHA256 algorithm.',
        403,
      );
    }
    const [, keyId, day, region, service, signedList, signature] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const credential = this.#credentials.get(keyId);
    if (credential === undefined) {
      throw new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    }
    const amzDate = header(request.headers, 'x-amz-date') ?? '';
    const signedAt = parseAmzDate(amzDate);
    if (!Number.isFinite(signedAt) || !amzDate.startsWith(day)) {
      throw new ApiError(
        'IncompleteSignatureException',
        'X-Amz-Date is missing or does not match the credential scope.',
        403,
      );
    }
    if (Math.abs(now - signedAt) > this.#skewMs) {
      throw new ApiError(
        'InvalidSignatureException',
        `Signature expired: ${amzDate} is now earlier or later than the allowed clock skew of ${this.#skewMs / 60000} minutes.`,
        403,
      );
    }
    const signedNames = signedList.split(';');
    const headers: Record<string, string> = {};
    for (const name of signedNames) {
      const value =
        name === 'host'
          ? (header(request.headers, 'host') ?? header(request.headers, ':authority'))
          : header(request.headers, name);
      if (value === undefined) {
        throw new ApiError('IncompleteSignatureException', `Signed header ${name} is missing from the request.`, 403);
      }
      headers[name] = value;
    }
    const [path = '/', queryText = ''] = request.url.split('?', 2);
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(queryText)) query[k] = v;
    const signer = new SignatureV4({
      credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
      region,
      service,
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: 'https:',
        hostname: headers.host ?? '',
        path,
        query,
        headers,
        body: request.body,
      },
      { signingDate: new Date(signedAt), signableHeaders: new Set(signedNames) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
    const ok = expected.length === 64 && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
    if (!ok) {
      throw new ApiError(
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        400,
      );
    }
    return credential;
  }
}
