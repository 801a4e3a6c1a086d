import { isAscii } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { SigV4Verifier } from '../auth/sigv4-verifier.js';
import { ApiError } from '../errors/api-error.js';
import type { BrokerState } from '../model/broker-state.js';
import type { Input, WireProtocol } from '../ops/input.js';
import { OPERATIONS } from '../ops/operation-table.js';
import type { BrokerCredential } from '../options/broker-options.js';
import { decodePutCbor } from '../protocol/cbor-put-decoder.js';
import { decodeCbor, encodeCbor } from '../protocol/cbor-wire.js';
import { LARGE_JSON_BYTES, parseLargeJson } from '../protocol/large-json.js';
import { RawBody } from '../protocol/raw-body.js';
import { BodyPool, POOLED_BODY_BYTES } from './body-pool.js';

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;

const TARGET_PREFIX = 'Kinesis_20131202.';
const MIB = 1024 * 1024;
/** PutRecords carries up to 10 MiB of data, base64-inflated in JSON, plus keys and syntax. */
const MAX_RECORD_BODY = 16 * MIB;
const MAX_OTHER_BODY = 1 * MIB;
const JSON_TYPE = 'application/x-amz-json-1.1';
const CBOR_TYPE = 'application/x-amz-cbor-1.1';

const requestChannel = diagnostics.channel('shardline:broker:request');

/** Fields of one finished request, published on `shardline:broker:request`. */
export interface BrokerRequestEvent {
  readonly operation: string;
  /** Wire protocol of the request: 'cbor' for application/x-amz-cbor-1.1, else 'json'. */
  readonly protocol: WireProtocol;
  readonly statusCode: number;
  readonly errorType: string | undefined;
  readonly durationMs: number;
}

function send(
  res: AnyResponse,
  status: number,
  protocol: WireProtocol,
  body: string | Buffer,
  requestId: string,
): void {
  if (res.headersSent || res.destroyed) return;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, {
    'content-type': protocol === 'cbor' ? CBOR_TYPE : JSON_TYPE,
    'content-length': length,
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

function sendError(res: AnyResponse, protocol: WireProtocol, error: ApiError, requestId: string): void {
  const payload = { __type: error.awsErrorCode, message: error.wireMessage };
  const body = protocol === 'cbor' ? encodeCbor(payload) : JSON.stringify(payload);
  if (!res.headersSent && !res.destroyed) res.setHeader('x-amzn-errortype', error.awsErrorCode);
  send(res, error.statusCode ?? 400, protocol, body, requestId);
}

/** The stream a request names, for credentials limited to some streams. */
function streamNamed(state: BrokerState, input: Input): string | undefined {
  for (const field of ['StreamName', 'StreamARN', 'ResourceARN']) {
    const v = input[field];
    if (typeof v === 'string') return field === 'StreamName' ? v : v.slice(v.indexOf(':stream/') + 8);
  }
  const iterator = input.ShardIterator;
  if (typeof iterator === 'string') {
    const fields = state.tokens.open('it', iterator);
    if (fields !== undefined && typeof fields[0] === 'string') return fields[0];
  }
  return undefined;
}

function authorize(
  state: BrokerState,
  credential: BrokerCredential,
  operation: string,
  readOnly: boolean,
  input: Input,
): void {
  const stream = streamNamed(state, input);
  const denied =
    (credential.readOnly === true && !readOnly) ||
    (credential.streams !== undefined &&
      (stream === undefined
        ? operation !== 'ListStreams' && operation !== 'DescribeLimits'
        : !credential.streams.includes(stream)));
  if (denied) {
    const resource = stream === undefined ? '*' : state.arn(stream);
    throw new ApiError(
      'AccessDeniedException',
      `User: ${credential.accessKeyId} is not authorized to perform: kinesis:${operation} on resource: ${resource}`,
    );
  }
}

export interface RequestHandlerHooks {
  readonly verifier: SigV4Verifier | undefined;
  /** Called when a request starts and when it ends, so close() can wait for in-flight work. */
  readonly track: (delta: 1 | -1) => void;
}

/** Builds the (req, res) handler shared by the HTTP/1.1, h2c and TLS servers. */
export function createRequestHandler(
  state: BrokerState,
  hooks: RequestHandlerHooks,
): (req: AnyRequest, res: AnyResponse) => void {
  const logger = state.options.logger;
  const bodies = new BodyPool();

  return (req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      // Last resort: a bug must cost one request, never the process.
      logger?.error({ err: error }, 'broker request handler failed');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end('{"__type":"InternalFailure","message":"Internal service failure."}');
      } else res.destroy();
    }
  };

  function handle(req: AnyRequest, res: AnyResponse): void {
    const started = performance.now();
    const requestId = randomUUID();
    const contentType = String(req.headers['content-type'] ?? '');
    const protocol: WireProtocol = contentType.startsWith(CBOR_TYPE) ? 'cbor' : 'json';
    const targetHeader = req.headers['x-amz-target'];
    const target = typeof targetHeader === 'string' ? targetHeader : '';
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    let finished = false;
    hooks.track(1);

    const finish = (status: number, errorType: string | undefined): void => {
      if (finished) return;
      finished = true;
      hooks.track(-1);
      if (requestChannel.hasSubscribers) {
        const event: BrokerRequestEvent = {
          operation: name,
          protocol,
          statusCode: status,
          errorType,
          durationMs: performance.now() - started,
        };
        requestChannel.publish(event);
      }
    };
    const fail = (error: ApiError): void => {
      sendError(res, protocol, error, requestId);
      finish(error.statusCode ?? 400, error.awsErrorCode);
    };

    res.on('close', () => finish(res.statusCode, undefined));

    if (req.method !== 'POST') {
      if (req.method === 'GET' && (req.url === '/' || req.url === '/healthcheck')) {
        send(res, 200, 'json', '{"status":"ok"}', requestId);
        finish(200, undefined);
        return;
      }
      fail(new ApiError('UnknownOperationException', `Method ${String(req.method)} is not supported.`, 405));
      return;
    }
    const operation = OPERATIONS.get(name);
    if (operation === undefined) {
      fail(
        new ApiError(
          'UnknownOperationException',
          target === '' ? 'Missing X-Amz-Target header.' : `Unknown operation ${target}.`,
        ),
      );
      return;
    }
    const limit = name === 'PutRecords' || name === 'PutRecord' ? MAX_RECORD_BODY : MAX_OTHER_BODY;
    // HTTP/2 forbids connection headers; there the stream is reset instead of the connection closed.
    const closeAfter = (): void => {
      if (req.httpVersionMajor === 1 && !res.headersSent) res.setHeader('connection', 'close');
    };
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > limit) {
      closeAfter();
      fail(
        new ApiError(
          'SerializationException',
          `Request body of ${declared} bytes exceeds the limit of ${limit} bytes.`,
          413,
        ),
      );
      return;
    }

    // A large body with a declared length is received straight into a reused buffer (no chunk list, no
    // Buffer.concat, no fresh pages); anything else is collected in chunks.
    let pooled = Number.isInteger(declared) && declared >= POOLED_BODY_BYTES ? bodies.acquire(declared) : undefined;
    let ended = false;
    const releaseBody = (): void => {
      if (pooled === undefined) return;
      bodies.release(pooled);
      pooled = undefined;
    };
    let chunks: Buffer[] = [];
    let received = 0;
    let rejected = false;
    req.on('data', (chunk: Buffer) => {
      if (rejected) return;
      if (received + chunk.length > limit) {
        rejected = true;
        chunks = [];
        releaseBody();
        closeAfter();
        fail(new ApiError('SerializationException', `Request body exceeds the limit of ${limit} bytes.`, 413));
        return;
      }
      if (pooled !== undefined) {
        if (received + chunk.length <= declared) {
          chunk.copy(pooled, received);
          received += chunk.length;
          return;
        }
        // More than declared (HTTP/2 does not enforce content-length): carry on with chunks.
        chunks.push(Buffer.from(pooled.subarray(0, received)));
        releaseBody();
      }
      received += chunk.length;
      chunks.push(chunk);
    });
    req.on('error', () => {
      if (!ended) releaseBody();
      finish(400, 'RequestAborted');
    });
    req.on('close', () => {
      if (!ended) releaseBody();
    });
    req.on('end', () => {
      if (rejected) return;
      ended = true;
      const body =
        pooled !== undefined
          ? pooled.subarray(0, received)
          : chunks.length === 1
            ? (chunks[0] as Buffer)
            : Buffer.concat(chunks, received);
      chunks = [];
      if (hooks.verifier === undefined) {
        dispatch(body, undefined);
        return;
      }
      hooks.verifier
        .verify({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, state.now())
        .then(
          (credential) => dispatch(body, credential),
          (error: unknown) => {
            releaseBody();
            if (error instanceof ApiError) fail(error);
            else internal(error);
          },
        );
    });

    const internal = (error: unknown): void => {
      logger?.error({ err: error, operation: name, requestId }, 'broker request failed');
      fail(new ApiError('InternalFailure', 'Internal service failure.', 500));
    };

    const dispatch = (body: Buffer, credential: BrokerCredential | undefined): void => {
      try {
        run(body, credential);
      } finally {
        // Handlers copy what they keep, so the body's buffer can serve the next request.
        releaseBody();
      }
    };

    const run = (body: Buffer, credential: BrokerCredential | undefined): void => {
      let input: Input;
      try {
        input = decode(body, protocol, name);
      } catch (error) {
        if (error instanceof ApiError) fail(error);
        else fail(new ApiError('SerializationException', 'Could not parse the request body.'));
        return;
      }
      try {
        if (credential !== undefined) authorize(state, credential, name, operation.readOnly, input);
        const output = operation.handler(state, input, { protocol });
        let payload: string | Buffer;
        if (output instanceof RawBody) payload = output.bytes;
        else payload = protocol === 'cbor' ? encodeCbor(output) : JSON.stringify(output);
        send(res, 200, protocol, payload, requestId);
        finish(200, undefined);
      } catch (error) {
        if (error instanceof ApiError) fail(error);
        else internal(error);
      }
    };
  }
}

function decode(body: Buffer, protocol: WireProtocol, operation: string): Input {
  if (body.length === 0) return {};
  let value: unknown;
  if (protocol === 'cbor') {
    if (operation === 'PutRecords' || operation === 'PutRecord') value = decodePutCbor(body, operation);
    value ??= decodeCbor(body);
  } else {
    const records = operation === 'PutRecords' || operation === 'PutRecord';
    value = body.length >= LARGE_JSON_BYTES ? parseLargeJson(body, records) : undefined;
    // Bodies are almost always ASCII (base64 data); latin1 decoding of ASCII is a plain copy, UTF-8 is not.
    value ??= JSON.parse(isAscii(body) ? body.toString('latin1') : body.toString('utf8'));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new ApiError('SerializationException', 'The request body must be an object.');
  }
  return value as Input;
}
