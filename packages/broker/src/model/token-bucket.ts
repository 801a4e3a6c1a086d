/**
 * A token bucket refilled continuously. A request larger than the capacity passes when the bucket is
 * full and drives it into debt, which is how Kinesis lets an occasional large record or a 10 MiB
 * GetRecords through and then throttles the calls that follow.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #capacity: number;
  #tokens: number;
  #last: number;

  constructor(ratePerSecond: number, capacity: number, now: number) {
    this.#rate = ratePerSecond / 1000;
    this.#capacity = capacity;
    this.#tokens = capacity;
    this.#last = now;
  }

  #refill(now: number): void {
    if (now > this.#last) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#rate);
      this.#last = now;
    }
  }

  /** True (and takes the tokens) when `amount` may pass now. */
  tryTake(amount: number, now: number): boolean {
    this.#refill(now);
    if (this.#tokens < Math.min(amount, this.#capacity)) return false;
    this.#tokens -= amount;
    return true;
  }

  /** True when the bucket is not in debt. */
  positive(now: number): boolean {
    this.#refill(now);
    return this.#tokens > 0;
  }

  /** Takes tokens unconditionally (a read whose size is known only after it ran). */
  charge(amount: number, now: number): void {
    this.#refill(now);
    this.#tokens -= amount;
  }

  /** Gives back tokens taken for work that was then rolled back. */
  refund(amount: number): void {
    this.#tokens = Math.min(this.#capacity, this.#tokens + amount);
  }
}
