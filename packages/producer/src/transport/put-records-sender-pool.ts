import type { PutRecordsResponse } from './kinesis-transport.js';
import type { PackedRequest } from './packed-request.js';
import type { PutRecordsSender } from './put-records-sender.js';

/** A sender that says how many of its requests still wait for its thread's CPU (body not yet written and signed). */
export interface PooledSender extends PutRecordsSender {
  readonly busy: number;
}

/**
 * Several PutRecords threads as one sender. One thread writes and signs one body at a time; with large
 * records it is the pipeline's slowest stage, and a second thread uses CPU time the others leave idle.
 * A request goes to the first thread with the fewest bodies still to write, among those with fewer
 * requests in flight than their connections: while the first thread keeps up it takes the requests
 * (spread evenly, small records cost more CPU each), and the next joins in when it is behind. Since at
 * most `maxConnections` requests are in flight in all, some thread always has a free connection.
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
      if (chosen < 0 || (this.#senders[i] as PooledSender).busy < (this.#senders[chosen] as PooledSender).busy) {
        chosen = i;
      }
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
