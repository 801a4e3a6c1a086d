import { isAscii } from 'node:buffer';
import { Readable } from 'node:stream';
import type { KinesisClient } from '@aws-sdk/client-kinesis';

const FAST_OUTPUT = Symbol('shardline.fastGetRecordsOutput');

interface RawRecord {
  Data?: string;
  PartitionKey?: string;
  SequenceNumber?: string;
  ApproximateArrivalTimestamp?: number;
  EncryptionType?: string;
}

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
      const body = await collect(response.body);
      // Answers are ASCII unless a partition key is not: latin1 then decodes byte for byte, several
      // times faster than the UTF-8 decoder on a multi-megabyte body, with the same string.
      const parsed = JSON.parse(body.toString(isAscii(body) ? 'latin1' : 'utf8')) as {
        Records?: RawRecord[];
        NextShardIterator?: string;
        MillisBehindLatest?: number;
        ChildShards?: unknown[];
      };
      const records = (parsed.Records ?? []).map((raw) => ({
        Data: Buffer.from(raw.Data ?? '', 'base64'),
        PartitionKey: raw.PartitionKey,
        SequenceNumber: raw.SequenceNumber,
        ApproximateArrivalTimestamp:
          raw.ApproximateArrivalTimestamp === undefined ? undefined : new Date(raw.ApproximateArrivalTimestamp * 1000),
        EncryptionType: raw.EncryptionType,
      }));
      (context as Record<symbol, unknown>)[FAST_OUTPUT] = {
        Records: records,
        NextShardIterator: parsed.NextShardIterator,
        MillisBehindLatest: parsed.MillisBehindLatest,
        ChildShards: parsed.ChildShards,
      };
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
