import type { Codec } from '@shardline/core';
import type { KinesisTransport, PutRecordsResponse } from './kinesis-transport.js';
import type { PackedRequest } from './packed-request.js';
import { PutRecordsBodyWriter } from './put-records-body.js';
import { PutRecordsCborWriter } from './put-records-cbor-body.js';
import type { PutRecordsSender } from './put-records-sender.js';

/** Writes the body and sends it on the thread that calls send(): sendThread 'main', and the worker's own loop. */
export class InlinePutRecordsSender implements PutRecordsSender {
  readonly #transport: KinesisTransport;
  readonly #writer: PutRecordsBodyWriter | PutRecordsCborWriter;
  readonly #cbor: boolean;

  /** `maxInFlight`: most requests sent at once (maxConnections); as many body buffers are kept for reuse. */
  constructor(transport: KinesisTransport, codec: Codec, cbor: boolean, maxInFlight: number) {
    this.#transport = transport;
    this.#cbor = cbor;
    this.#writer = cbor ? new PutRecordsCborWriter(codec, maxInFlight) : new PutRecordsBodyWriter(codec, maxInFlight);
  }

  async send(packed: PackedRequest): Promise<PutRecordsResponse> {
    const { body, buffer } = this.#writer.write(packed);
    try {
      return await this.#transport.putRecords(body, this.#cbor);
    } finally {
      this.#writer.release(buffer);
    }
  }

  forget(_packed: PackedRequest): void {}

  /** Nothing of its own to release: the transport belongs to whoever made it. */
  async close(): Promise<void> {}
}
