import { IndexBitmap } from './index-bitmap.js';

export interface LossReport {
  /** Puts the producer saw acknowledged. */
  readonly acknowledged: number;
  /** Records delivered to a worker with a valid checksum, duplicates included. */
  readonly delivered: number;
  /** Distinct indexes delivered with a valid checksum. */
  readonly uniqueConsumed: number;
  /** Acknowledged but never delivered intact: the run fails when non-zero. */
  readonly lost: number;
  /** Up to 20 lost indexes, lowest first, to start an investigation from. */
  readonly lostSample: readonly number[];
  /** Deliveries beyond the first of an index (retries, lease handoffs): allowed, counted. */
  readonly duplicates: number;
  /** Deliveries whose checksum, version or producer id did not match: the run fails when non-zero. */
  readonly corrupted: number;
  readonly corruptedSample: readonly number[];
  /** Delivered although the put was never acknowledged (an ambiguous failure that did land): allowed. */
  readonly unacknowledgedConsumed: number;
  readonly ok: boolean;
}

const SAMPLE = 20;

/**
 * Checks record identity, not counts: each acknowledged index must be delivered intact at least once.
 * Counting alone would let a lost record hide behind a duplicate of another.
 */
export class LossChecker {
  readonly #acknowledged = new IndexBitmap();
  readonly #consumed = new IndexBitmap();
  #matched = 0;
  #delivered = 0;
  #duplicates = 0;
  #corrupted = 0;
  readonly #corruptedSample: number[] = [];

  acknowledge(index: number): void {
    if (this.#acknowledged.add(index) && this.#consumed.has(index)) this.#matched++;
  }

  /** Records one intact delivery of `index`. */
  consume(index: number): void {
    this.#delivered++;
    if (!this.#consumed.add(index)) {
      this.#duplicates++;
      return;
    }
    if (this.#acknowledged.has(index)) this.#matched++;
  }

  /** Records one delivery that failed verification; `index` is -1 when the header itself was unreadable. */
  corrupted(index: number): void {
    this.#corrupted++;
    if (this.#corruptedSample.length < SAMPLE) this.#corruptedSample.push(index);
  }

  get acknowledgedCount(): number {
    return this.#acknowledged.size;
  }

  get delivered(): number {
    return this.#delivered;
  }

  /** Acknowledged records not delivered yet; the run is drained when this reaches zero. */
  get pending(): number {
    return this.#acknowledged.size - this.#matched;
  }

  get uniqueConsumed(): number {
    return this.#consumed.size;
  }

  get duplicates(): number {
    return this.#duplicates;
  }

  get corruptedCount(): number {
    return this.#corrupted;
  }

  report(): LossReport {
    const lostSample: number[] = [];
    if (this.pending > 0) {
      this.#acknowledged.each((index) => {
        if (lostSample.length < SAMPLE && !this.#consumed.has(index)) lostSample.push(index);
      });
    }
    const lost = this.pending;
    return Object.freeze({
      acknowledged: this.#acknowledged.size,
      delivered: this.#delivered,
      uniqueConsumed: this.#consumed.size,
      lost,
      lostSample,
      duplicates: this.#duplicates,
      corrupted: this.#corrupted,
      corruptedSample: [...this.#corruptedSample],
      unacknowledgedConsumed: this.#consumed.size - this.#matched,
      ok: lost === 0 && this.#corrupted === 0,
    });
  }
}
