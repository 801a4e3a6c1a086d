import type { PutRecordsResponse } from './kinesis-transport.js';
import type { PackedRequest } from './packed-request.js';
import type { PutRecordsSender } from './put-records-sender.js';

/** A sender that says how much of its work still waits for its thread's CPU (bodies not yet written and signed). */
export interface PooledSender extends PutRecordsSender {
  /** Those requests' sizes (partition keys and data), summed. */
  readonly busyBytes: number;
}

/**
 * Work a thread may have ahead of it and still take the next request: 2 MiB of records is ~2 ms of
 * base64, MD5 and SHA-256 here, less than a caller producing small records takes to fill the next request.
 */
const SPILL_BYTES = 2 * 1024 * 1024;

/**
 * Several PutRecords threads as one sender. One thread writes and signs one body at a time; with large
 * records it is the pipeline's slowest stage, and a second thread uses CPU time the others leave idle.
 * A request goes to the first thread with less than SPILL_BYTES of bodies still to write, otherwise to
 * the one with the least, among those with fewer requests in flight than their connections. So with
 * small records the first thread takes almost every request: spreading them cost 2-3 % of the records
 * at 100 B (two threads taking turns), while full 1 KiB requests keep both busy. Since at most
 * `maxConnections` requests are in flight in all, some thread always has a free connection.
 */
export class PutRecordsSenderPool implements PutRecordsSender {
  readonly #senders: readonly PooledSender[];
  readonly #inFlight: number[];
  readonly #connections: number;

  /** `connections`: the connection pool of each sender. */
  constructor(senders: readonly PooledSender[], connections: number) {
    if (senders.length === 0) throw new RangeError('a sender pool needs at least one sender');
    this.#senders = senders;
    this.#inFlight = senders.map(() => 0);
    this.#connections = connections;
  }

  async send(packed: PackedRequest): Promise<PutRecordsResponse> {
    let chosen = -1;
    for (let i = 0; i < this.#senders.length; i++) {
      if ((this.#inFlight[i] as number) >= this.#connections) continue;
      const ahead = (this.#senders[i] as PooledSender).busyBytes;
      if (chosen < 0 || ahead < (this.#senders[chosen] as PooledSender).busyBytes) chosen = i;
      if (ahead < SPILL_BYTES) break;
    }
    // Every sender full only happens beyond maxConnections in flight; the least loaded queues the request.
    if (chosen < 0) chosen = this.#inFlight.indexOf(Math.min(...this.#inFlight));
    this.#inFlight[chosen] = (this.#inFlight[chosen] as number) + 1;
    try {
      return await (this.#senders[chosen] as PooledSender).send(packed);
    } finally {
      this.#inFlight[chosen] = (this.#inFlight[chosen] as number) - 1;
    }
  }

  /** Any sender may have seen `packed`: each drops its view of the columns (a no-op for the others). */
  forget(packed: PackedRequest): void {
    for (const sender of this.#senders) sender.forget(packed);
  }

  async close(): Promise<void> {
    await Promise.all(this.#senders.map((sender) => sender.close()));
  }
}
