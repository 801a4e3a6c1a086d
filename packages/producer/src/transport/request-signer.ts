import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CredentialsProvider, ProducerCredentials } from '../config/producer-config.js';

/** What a signed request needs besides its body. */
export interface SigningInput {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number | undefined;
  readonly path: string;
  readonly query?: Record<string, string> | undefined;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array | undefined;
}

/**
 * AWS Signature Version 4 through @smithy/signature-v4. The body's SHA-256 may be given in the
 * x-amz-content-sha256 header, which spares the signer a second pass over a large body.
 */
export class RequestSigner {
  readonly #signer: SignatureV4;

  constructor(options: {
    region: string;
    service: string;
    credentials: ProducerCredentials | CredentialsProvider;
    /** Add x-amz-content-sha256 when the caller did not (off for the AWS test-suite vectors). */
    applyChecksum?: boolean;
  }) {
    this.#signer = new SignatureV4({
      region: options.region,
      service: options.service,
      credentials: toIdentityProvider(options.credentials),
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: options.applyChecksum ?? true,
    });
  }

  /** Returns the headers to send: the input's plus x-amz-date, authorization and any session token. */
  async sign(request: SigningInput, signingDate?: Date): Promise<Record<string, string>> {
    const signed = await this.#signer.sign(
      {
        method: request.method,
        protocol: request.protocol,
        hostname: request.hostname,
        ...(request.port === undefined ? {} : { port: request.port }),
        path: request.path,
        query: request.query ?? {},
        headers: { ...request.headers },
        body: request.body,
      },
      signingDate === undefined ? {} : { signingDate },
    );
    return signed.headers as Record<string, string>;
  }
}

type Identity = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };

function toIdentity(credentials: ProducerCredentials): Identity {
  const identity: Identity = { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
  if (credentials.sessionToken !== undefined) identity.sessionToken = credentials.sessionToken;
  if (credentials.expiration !== undefined) identity.expiration = credentials.expiration;
  return identity;
}

function toIdentityProvider(
  credentials: ProducerCredentials | CredentialsProvider,
): Identity | (() => Promise<Identity>) {
  if (typeof credentials === 'function') return async () => toIdentity(await credentials());
  return toIdentity(credentials);
}
