import { Readable } from 'node:stream';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { decodeGetRecordsJson } from './decode-get-records-json.js';

const FAST_OUTPUT = Symbol('shardline.fastGetRecordsOutput');

interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

async function collect(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Parses successful GetRecords answers (JSON 1.1) directly: one JSON.parse and Node's native base64
 * decoder. The SDK's generic deserializer validates every Data string with a regular expression before
 * decoding, which costs more than the decoding on multi-megabyte answers. Signing, retries, errors and
 * every other operation stay with the SDK.
 */
export function installFastGetRecords(client: KinesisClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'GetRecordsCommand') return next(args);
      const result = await next(args);
      const response = result.response as HttpResponseLike;
      const contentType = response.headers['content-type'] ?? response.headers['Content-Type'] ?? '';
      if (response.statusCode !== 200 || !contentType.includes('json')) return result;
      (context as Record<symbol, unknown>)[FAST_OUTPUT] = decodeGetRecordsJson(await collect(response.body));
      // The SDK's deserializer still runs, on an empty document.
      response.body = Readable.from([Buffer.from('{}')]);
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'shardlineFastGetRecords' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const fast = (context as Record<symbol, unknown>)[FAST_OUTPUT];
      if (fast === undefined) return result;
      const output = { ...(fast as object), $metadata: (result.output as { $metadata: unknown }).$metadata };
      return { ...result, output: output as typeof result.output };
    },
    { step: 'initialize', priority: 'high', name: 'shardlineFastGetRecordsOutput' },
  );
}
