/**
 * A token bucket refilled continuously at `ratePerSecond`, holding at most `capacity` tokens. Times are
 * caller-supplied milliseconds (any monotonic clock), so tests drive it without timers.
 *
 * A request larger than the capacity passes when the bucket is full and drives it into debt: that is
 * how Kinesis lets an occasional large record or a 10 MiB GetRecords through and then throttles the
 * calls that follow, and how a client-side limiter must mirror it.
 */
export class TokenBucket {
  #rate: number;
  readonly #capacity: number;
  #tokens: number;
  #last: number;

  constructor(ratePerSecond: number, capacity: number, now: number) {
    this.#rate = ratePerSecond / 1000;
    this.#capacity = capacity;
    this.#tokens = capacity;
    this.#last = now;
  }

  /** Tokens available after the last refill (negative while in debt). */
  get tokens(): number {
    return this.#tokens;
  }

  /** Changes the refill rate from now on (an adaptive limiter backing off or recovering). */
  setRate(ratePerSecond: number, now: number): void {
    this.#refill(now);
    this.#rate = ratePerSecond / 1000;
  }

  /** True when `amount` tokens may be taken now, without taking them. */
  has(amount: number, now: number): boolean {
    this.#refill(now);
    return this.#tokens >= Math.min(amount, this.#capacity);
  }

  /** Takes tokens already checked with has(). */
  take(amount: number): void {
    this.#tokens -= amount;
  }

  /** True (and takes the tokens) when `amount` may pass now. */
  tryTake(amount: number, now: number): boolean {
    if (!this.has(amount, now)) return false;
    this.#tokens -= amount;
    return true;
  }

  /** Takes tokens unconditionally (work whose size is known only after it ran). */
  charge(amount: number, now: number): void {
    this.#refill(now);
    this.#tokens -= amount;
  }

  /** Gives back tokens taken for work that was then rolled back. */
  refund(amount: number): void {
    this.#tokens = Math.min(this.#capacity, this.#tokens + amount);
  }

  /** True when the bucket is not in debt. */
  positive(now: number): boolean {
    this.#refill(now);
    return this.#tokens > 0;
  }

  /** Empties the bucket, so sending pauses until it refills. */
  drain(now: number): void {
    this.#refill(now);
    this.#tokens = Math.min(this.#tokens, 0);
  }

  /** Milliseconds until `amount` tokens are available. */
  waitTime(amount: number, now: number): number {
    this.#refill(now);
    const missing = Math.min(amount, this.#capacity) - this.#tokens;
    return missing <= 0 ? 0 : Math.ceil(missing / this.#rate);
  }

  #refill(now: number): void {
    const elapsed = now - this.#last;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#rate);
      this.#last = now;
    }
  }
}
