import { InvalidCheckpointError } from '../errors/invalid-checkpoint-error.js';
import type { HeldLease } from '../lease/held-lease.js';
import type { LeaseTable } from '../lease/lease-table.js';
import type { Checkpointer, ConsumerRecord, ExtendedSequenceNumber, PreparedCheckpointer } from '../types.js';
import { assertCheckpointValue, compareExtended } from './extended-sequence-number.js';

/**
 * The checkpointer of one shard tenure. Values are validated against what is stored (never backwards)
 * and what was delivered (never beyond), and every write is conditioned on the lease counter this worker
 * holds, so a worker that lost the lease can never overwrite its successor's progress.
 */
export class ShardCheckpointer implements Checkpointer {
  readonly #shardId: string;
  readonly #table: LeaseTable;
  readonly #held: HeldLease;
  readonly #workerId: string;
  readonly #onCheckpoint: (shardId: string, value: ExtendedSequenceNumber) => void;
  #last: ExtendedSequenceNumber;
  #largestPermitted: ExtendedSequenceNumber;
  #shardEnded = false;
  #childShardIds: readonly string[] = [];

  constructor(options: {
    shardId: string;
    table: LeaseTable;
    held: HeldLease;
    workerId: string;
    initial: ExtendedSequenceNumber;
    onCheckpoint: (shardId: string, value: ExtendedSequenceNumber) => void;
  }) {
    this.#shardId = options.shardId;
    this.#table = options.table;
    this.#held = options.held;
    this.#workerId = options.workerId;
    this.#last = options.initial;
    this.#largestPermitted = options.initial;
    this.#onCheckpoint = options.onCheckpoint;
  }

  get lastCheckpoint(): ExtendedSequenceNumber {
    return this.#last;
  }

  /** Highest position delivered to the handler so far. */
  get largestPermitted(): ExtendedSequenceNumber {
    return this.#largestPermitted;
  }

  /** True once SHARD_END is stored. */
  get shardEndCheckpointed(): boolean {
    return this.#last.sequenceNumber === 'SHARD_END';
  }

  /** Called by the shard consumer before each batch is handed over. */
  advanceDelivered(to: ExtendedSequenceNumber): void {
    if (compareExtended(to, this.#largestPermitted) > 0) this.#largestPermitted = to;
  }

  /** Inside shardEnded: checkpoint() means SHARD_END, and the write records the children and releases the lease. */
  markShardEnded(childShardIds: readonly string[]): void {
    this.#shardEnded = true;
    this.#childShardIds = childShardIds;
    this.#largestPermitted = { sequenceNumber: 'SHARD_END', subSequenceNumber: 0 };
  }

  #resolve(
    sequenceNumber: string | ConsumerRecord | undefined,
    subSequenceNumber: number | undefined,
  ): ExtendedSequenceNumber {
    if (sequenceNumber === undefined) {
      if (subSequenceNumber !== undefined) throw new InvalidCheckpointError('subSequenceNumber needs a sequenceNumber');
      return this.#largestPermitted;
    }
    const value: ExtendedSequenceNumber =
      typeof sequenceNumber === 'string'
        ? { sequenceNumber, subSequenceNumber: subSequenceNumber ?? 0 }
        : { sequenceNumber: sequenceNumber.sequenceNumber, subSequenceNumber: sequenceNumber.subSequenceNumber };
    assertCheckpointValue(value);
    if (compareExtended(value, this.#largestPermitted) > 0) {
      throw new InvalidCheckpointError(
        `checkpoint ${format(value)} on ${this.#shardId} is beyond the last record delivered (${format(this.#largestPermitted)})`,
      );
    }
    return value;
  }

  async checkpoint(sequenceNumber?: string | ConsumerRecord, subSequenceNumber?: number): Promise<void> {
    const value = this.#resolve(sequenceNumber, subSequenceNumber);
    const order = compareExtended(value, this.#last);
    if (order < 0) {
      throw new InvalidCheckpointError(
        `checkpoint ${format(value)} on ${this.#shardId} is before the stored ${format(this.#last)}`,
      );
    }
    if (order === 0) return;
    const ending = value.sequenceNumber === 'SHARD_END' && this.#shardEnded;
    await this.#held.write(
      (counter) =>
        this.#table.checkpoint(
          this.#shardId,
          this.#workerId,
          counter,
          value,
          ending ? { childShardIds: this.#childShardIds, release: true } : {},
        ),
      { releases: ending },
    );
    this.#last = value;
    this.#onCheckpoint(this.#shardId, value);
  }

  async prepareCheckpoint(
    sequenceNumber?: string | ConsumerRecord,
    subSequenceNumber?: number,
    applicationState?: Uint8Array,
  ): Promise<PreparedCheckpointer> {
    const value = this.#resolve(sequenceNumber, subSequenceNumber);
    if (compareExtended(value, this.#last) < 0) {
      throw new InvalidCheckpointError(
        `prepared checkpoint ${format(value)} on ${this.#shardId} is before the stored ${format(this.#last)}`,
      );
    }
    await this.#held.write((counter) =>
      this.#table.prepareCheckpoint(this.#shardId, this.#workerId, counter, value, applicationState),
    );
    return Object.freeze({
      pendingCheckpoint: value,
      checkpoint: () => this.checkpoint(value.sequenceNumber, value.subSequenceNumber),
    });
  }
}

function format(value: ExtendedSequenceNumber): string {
  return value.subSequenceNumber === 0 ? value.sequenceNumber : `${value.sequenceNumber}/${value.subSequenceNumber}`;
}
