import type { IncomingHttpHeaders } from 'node:http';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { NetworkError } from '@shardline/core';
import { SignatureV4 } from '@smithy/signature-v4';
import { type Dispatcher, Pool } from 'undici';
import { decodeGetRecordsCbor } from './decode-get-records-cbor.js';
import { decodeGetRecordsJson } from './decode-get-records-json.js';
import { errorFromAnswer } from './error-from-answer.js';
import type { GetRecordsAnswer } from './get-records-answer.js';
import type { GetRecordsSource } from './get-records-source.js';

const CBOR_TYPE = 'application/x-amz-cbor-1.1';
const TARGET = 'Kinesis_20131202.GetRecords';
/** A GetRecords answer is at most 10 MiB; on a slow link that still arrives well within this. */
const REQUEST_TIMEOUT_MILLIS = 60_000;
/** Far above the 10 MiB an answer may hold: a larger content-length is not a GetRecords answer. */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** The parts of the SDK client's resolved configuration used here (stable across SDK v3 releases). */
interface ResolvedKinesisConfig {
  readonly region: string | (() => Promise<string>);
  readonly credentials: unknown;
  readonly sha256: unknown;
  readonly endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path: string }>;
  readonly isCustomEndpoint?: boolean;
  readonly endpointProvider: (params: Record<string, unknown>, context: Record<string, unknown>) => { url: URL };
  readonly useFipsEndpoint: () => Promise<boolean>;
  readonly useDualstackEndpoint: () => Promise<boolean>;
  readonly systemClockOffset?: number;
}

async function resolveValue<T>(value: T | (() => Promise<T>)): Promise<T> {
  return typeof value === 'function' ? (value as () => Promise<T>)() : value;
}

/** CBOR text-string head for a string of `length` bytes. */
function textHead(length: number): Buffer {
  if (length < 24) return Buffer.from([0x60 | length]);
  if (length < 0x100) return Buffer.from([0x78, length]);
  if (length < 0x1_0000) return Buffer.from([0x79, length >>> 8, length & 0xff]);
  const head = Buffer.alloc(5);
  head[0] = 0x7a;
  head.writeUInt32BE(length, 1);
  return head;
}

const REQUEST_START = Buffer.concat([Buffer.from([0xa2]), textHead(13), Buffer.from('ShardIterator')]);
const LIMIT_KEY = Buffer.concat([textHead(5), Buffer.from('Limit')]);

/** {"ShardIterator": iterator, "Limit": limit} in CBOR. */
export function encodeGetRecordsRequest(shardIterator: string, limit: number): Buffer {
  const iterator = Buffer.from(shardIterator, 'utf8');
  const limitBytes = limit < 24 ? [limit] : limit < 0x100 ? [0x18, limit] : [0x19, limit >>> 8, limit & 0xff];
  return Buffer.concat([REQUEST_START, textHead(iterator.length), iterator, LIMIT_KEY, Buffer.from(limitBytes)]);
}

interface Exchange {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * One POST through the pool's dispatch interface: the answer's chunks are copied straight into one
 * buffer of the announced length, without a Readable stream in between (its per-chunk machinery costs
 * more than the copy on multi-megabyte answers).
 */
function exchange(pool: Pool, path: string, headers: Record<string, string>, payload: Buffer, signal: AbortSignal) {
  return new Promise<Exchange>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let answerHeaders: IncomingHttpHeaders = {};
    let out: Buffer | undefined;
    let at = 0;
    const chunks: Buffer[] = [];
    let settled = false;
    const onAbort = (): void => controller?.abort(signal.reason as Error);
    const settle = (error: unknown, value?: Exchange): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (value === undefined) reject(error);
      else resolve(value);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      pool.dispatch(
        { method: 'POST', path, headers, body: payload },
        {
          onRequestStart(c) {
            controller = c;
            if (signal.aborted) c.abort(signal.reason as Error);
          },
          onResponseStart(c, status, h) {
            // Informational answers (1xx) precede the real one.
            if (status < 200) return;
            statusCode = status;
            answerHeaders = h;
            const length = Number(h['content-length'] ?? Number.NaN);
            if (!Number.isSafeInteger(length) || length <= 0) return;
            if (length > MAX_ANSWER_BYTES) {
              c.abort(new Error(`answer of ${length} bytes is implausibly large`));
              return;
            }
            out = Buffer.allocUnsafe(length);
          },
          onResponseData(c, chunk) {
            if (out === undefined) {
              chunks.push(chunk);
            } else if (at + chunk.length > out.length) {
              c.abort(new Error('answer longer than its content-length'));
            } else {
              out.set(chunk, at);
              at += chunk.length;
            }
          },
          onResponseEnd() {
            let body: Buffer;
            if (out === undefined) body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
            else if (at === out.length) body = out;
            else {
              settle(new Error('answer shorter than its content-length'));
              return;
            }
            settle(undefined, { statusCode, headers: answerHeaders, body });
          },
          onResponseError(_c, error) {
            settle(error);
          },
        },
      );
    } catch (error) {
      // A closed pool refuses at once.
      settle(error);
    }
  });
}

/**
 * GetRecords in CBOR 1.1 over a dedicated keep-alive undici pool, signed (SigV4) with the Kinesis client's
 * own resolved region, credentials provider, endpoint and clock offset, so it reaches the same place as
 * the client with the same identity. Record data arrives as byte strings and is handed over as views of
 * the answer: no base64 on either side and no copy per record. Errors become AwsServiceError with AWS's
 * error name, which the fetcher handles exactly like the SDK's errors.
 */
export class CborGetRecordsSource implements GetRecordsSource {
  readonly #config: ResolvedKinesisConfig;
  readonly #signer: SignatureV4;
  #target: Promise<{ url: URL; pool: Pool }> | undefined;
  #closed = false;

  constructor(client: KinesisClient) {
    this.#config = client.config as unknown as ResolvedKinesisConfig;
    this.#signer = new SignatureV4({
      service: 'kinesis',
      region: this.#config.region,
      credentials: this.#config.credentials as ConstructorParameters<typeof SignatureV4>[0]['credentials'],
      sha256: this.#config.sha256 as ConstructorParameters<typeof SignatureV4>[0]['sha256'],
    });
  }

  async #resolveTarget(): Promise<{ url: URL; pool: Pool }> {
    const config = this.#config;
    let url: URL;
    if (config.endpoint !== undefined && config.isCustomEndpoint !== false) {
      const e = await config.endpoint();
      const port = e.port === undefined ? '' : `:${e.port}`;
      url = new URL(`${e.protocol}//${e.hostname}${port}${e.path}`);
    } else {
      url = config.endpointProvider(
        {
          Region: await resolveValue(config.region),
          UseFIPS: await config.useFipsEndpoint(),
          UseDualStack: await config.useDualstackEndpoint(),
        },
        {},
      ).url;
    }
    const pool = new Pool(url.origin, {
      keepAliveTimeout: 30_000,
      headersTimeout: REQUEST_TIMEOUT_MILLIS,
      bodyTimeout: REQUEST_TIMEOUT_MILLIS,
      connect: { timeout: 10_000 },
    });
    return { url, pool };
  }

  #targetOnce(): Promise<{ url: URL; pool: Pool }> {
    this.#target ??= this.#resolveTarget().catch((error: unknown) => {
      // Resolved again on the next call (the region provider may recover).
      this.#target = undefined;
      throw error;
    });
    return this.#target;
  }

  /** The URL GetRecords calls go to (resolved on first use, as the client resolves its own). */
  async endpoint(): Promise<string> {
    if (this.#closed) throw new NetworkError('GetRecords source used after close()');
    return (await this.#targetOnce()).url.href;
  }

  async getRecords(shardIterator: string, limit: number, signal: AbortSignal): Promise<GetRecordsAnswer> {
    if (this.#closed) throw new NetworkError('GetRecords after close()');
    const { url, pool } = await this.#targetOnce();
    const payload = encodeGetRecordsRequest(shardIterator, limit);
    const signed = await this.#signer.sign(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port === '' ? {} : { port: Number(url.port) }),
        path: url.pathname,
        query: {},
        headers: {
          host: url.host,
          'content-type': CBOR_TYPE,
          accept: CBOR_TYPE,
          'x-amz-target': TARGET,
          'content-length': String(payload.length),
        },
        body: payload,
      },
      // The SDK keeps the measured clock skew here after a RequestTimeTooSkewed answer to any call.
      { signingDate: new Date(Date.now() + (this.#config.systemClockOffset ?? 0)) },
    );
    let response: Exchange;
    try {
      response = await exchange(pool, url.pathname, signed.headers, payload, signal);
    } catch (cause) {
      if (signal.aborted) throw cause;
      throw new NetworkError(`GetRecords failed without a complete answer: ${(cause as Error).message}`, { cause });
    }
    if (response.statusCode !== 200) {
      throw errorFromAnswer(
        response.statusCode,
        response.headers as Record<string, string | string[] | undefined>,
        response.body,
      );
    }
    const contentType = response.headers['content-type'];
    // A server that ignores the CBOR request and answers JSON is still understood.
    if (typeof contentType === 'string' && contentType.includes('json')) return decodeGetRecordsJson(response.body);
    return decodeGetRecordsCbor(response.body);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const target = this.#target;
    this.#target = undefined;
    if (target === undefined) return;
    const { pool } = await target.catch(() => ({ pool: undefined }));
    await pool?.destroy();
  }
}
