import { Writable } from 'node:stream';
import type { PutResult } from '../pipeline/user-record.js';
import type { PutInput } from './validate-put.js';

/** Options of producer.writable(). */
export interface WritableOptions {
  readonly streamName: string;
  /** Partition key of a chunk. */
  readonly partitionKey: (chunk: unknown) => string;
  /** Explicit hash key of a chunk, if any. */
  readonly explicitHashKey?: ((chunk: unknown) => string | undefined) | undefined;
  /** Bytes of a chunk; by default Uint8Array and string chunks are sent as they are, others as JSON. */
  readonly data?: ((chunk: unknown) => Uint8Array | string) | undefined;
  /** Chunks the stream buffers before write() reports back-pressure (default 16). */
  readonly highWaterMark?: number | undefined;
}

interface WritableHost {
  submit(input: PutInput, signal: AbortSignal, onAccepted: () => void): Promise<PutResult>;
}

function defaultData(chunk: unknown): Uint8Array | string {
  if (chunk instanceof Uint8Array || typeof chunk === 'string') return chunk;
  return JSON.stringify(chunk);
}

/**
 * An object-mode Writable over the producer. A chunk's write completes once the producer accepted it
 * (so the producer's buffer bound is the stream's back-pressure); the stream finishes once every
 * chunk is stored, and fails with the first record's error.
 */
export function createProducerWritable(options: WritableOptions, host: WritableHost): Writable {
  const { streamName, partitionKey, explicitHashKey } = options;
  const toData = options.data ?? defaultData;
  const abort = new AbortController();
  const pending = new Set<Promise<PutResult>>();
  let failure: unknown;
  const stream: Writable = new Writable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 16,
    write(chunk: unknown, _encoding, callback) {
      let input: PutInput;
      try {
        const ehk = explicitHashKey?.(chunk);
        input = { streamName, partitionKey: partitionKey(chunk), data: toData(chunk), explicitHashKey: ehk };
      } catch (error) {
        callback(error as Error);
        return;
      }
      let accepted = false;
      const result = host.submit(input, abort.signal, () => {
        accepted = true;
        callback();
      });
      pending.add(result);
      result.then(
        () => pending.delete(result),
        (error: unknown) => {
          pending.delete(result);
          if (!accepted) {
            callback(error as Error);
            return;
          }
          if (failure === undefined) {
            failure = error;
            stream.destroy(error as Error);
          }
        },
      );
    },
    final(callback) {
      Promise.allSettled([...pending]).then(() => callback(failure as Error | undefined));
    },
    destroy(error, callback) {
      abort.abort(error ?? undefined);
      callback(error);
    },
  });
  return stream;
}
