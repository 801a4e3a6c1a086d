import { AwsServiceError, NetworkError } from '@shardline/core';
import { Pool } from 'undici';
import type { CredentialsProvider, ProducerCredentials } from '../config/producer-config.js';
import { bodySha256Hex } from './body-sha256.js';
import { credentialsError } from './credentials-error.js';
import { decodeCbor } from './decode-cbor.js';
import { parseAwsError } from './parse-aws-error.js';
import { RequestSigner } from './request-signer.js';

/** One entry of a PutRecords answer. */
export interface PutRecordsResultEntry {
  readonly SequenceNumber?: string;
  readonly ShardId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

export interface PutRecordsResponse {
  readonly FailedRecordCount?: number;
  readonly Records: readonly PutRecordsResultEntry[];
}

const TARGET_PREFIX = 'Kinesis_20131202.';
const JSON_TYPE = 'application/x-amz-json-1.1';
const CBOR_TYPE = 'application/x-amz-cbor-1.1';

/**
 * Kinesis over JSON 1.1 (or CBOR 1.1 for PutRecords): an undici Pool with keep-alive, SigV4 on every
 * request, and no generic SDK serialisation; callers hand over finished bodies. Answers are decoded
 * by their content type.
 */
export class KinesisTransport {
  readonly #pool: Pool;
  readonly #signer: RequestSigner;
  readonly #url: URL;
  readonly #host: string;
  readonly #timeout: number;
  readonly #offThreadDigest: boolean;

  constructor(options: {
    endpoint: string;
    region: string;
    credentials: ProducerCredentials | CredentialsProvider;
    maxConnections: number;
    requestTimeout: number;
    /** Digest large bodies on libuv's pool (default) or on this thread (the PutRecords worker). */
    offThreadDigest?: boolean;
  }) {
    this.#offThreadDigest = options.offThreadDigest ?? true;
    this.#url = new URL(options.endpoint);
    this.#host = this.#url.host;
    this.#timeout = options.requestTimeout;
    this.#pool = new Pool(this.#url.origin, {
      connections: options.maxConnections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.requestTimeout,
      bodyTimeout: options.requestTimeout,
      connect: { timeout: options.requestTimeout },
    });
    this.#signer = new RequestSigner({ region: options.region, service: 'kinesis', credentials: options.credentials });
  }

  /**
   * Calls `operation` with a JSON body (or a CBOR one when `cbor`) and returns the decoded answer;
   * throws AwsServiceError or NetworkError.
   */
  async call(operation: string, body: Uint8Array | string, cbor = false): Promise<unknown> {
    return this.#send(operation, typeof body === 'string' ? Buffer.from(body) : body, cbor);
  }

  /** PutRecords with a body from PutRecordsBodyWriter (JSON) or PutRecordsCborWriter (`cbor`). */
  async putRecords(body: Uint8Array, cbor = false): Promise<PutRecordsResponse> {
    const parsed = (await this.call('PutRecords', body, cbor)) as PutRecordsResponse;
    if (!Array.isArray(parsed.Records)) {
      throw new AwsServiceError('InternalFailure', 'PutRecords answer has no Records array', { retriable: true });
    }
    return parsed;
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #send(operation: string, body: Uint8Array, cbor: boolean): Promise<unknown> {
    const url = this.#url;
    let headers: Record<string, string>;
    const contentSha256 = await bodySha256Hex(body, this.#offThreadDigest);
    try {
      headers = await this.#signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: '/',
        headers: {
          host: this.#host,
          'content-type': cbor ? CBOR_TYPE : JSON_TYPE,
          'x-amz-target': TARGET_PREFIX + operation,
          'x-amz-content-sha256': contentSha256,
        },
      });
    } catch (cause) {
      throw credentialsError(cause);
    }
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await this.#pool.request({
        method: 'POST',
        path: '/',
        headers,
        body,
        headersTimeout: this.#timeout,
        bodyTimeout: this.#timeout,
      });
    } catch (cause) {
      throw new NetworkError(`${operation} failed without an answer: ${(cause as Error).message}`, { cause });
    }
    const type = response.headers['content-type'];
    const cborAnswer = typeof type === 'string' && type.startsWith(CBOR_TYPE);
    let text = '';
    let bytes: Uint8Array | undefined;
    try {
      if (cborAnswer) bytes = new Uint8Array(await response.body.arrayBuffer());
      else text = await response.body.text();
    } catch (cause) {
      throw new NetworkError(`${operation} answer was cut off: ${(cause as Error).message}`, { cause });
    }
    let decoded: unknown;
    let decodeError: unknown;
    try {
      if (bytes !== undefined) decoded = bytes.length === 0 ? {} : decodeCbor(bytes);
      else decoded = text.length === 0 ? {} : JSON.parse(text);
    } catch (cause) {
      decodeError = cause;
    }
    if (response.statusCode !== 200) {
      const headers = response.headers as Record<string, unknown>;
      throw parseAwsError(response.statusCode, headers, decodeError === undefined ? decoded : undefined, text);
    }
    if (decodeError !== undefined) {
      throw new AwsServiceError('InternalFailure', `${operation} answer is not ${cborAnswer ? 'CBOR' : 'JSON'}`, {
        retriable: true,
        cause: decodeError,
      });
    }
    return decoded;
  }
}
