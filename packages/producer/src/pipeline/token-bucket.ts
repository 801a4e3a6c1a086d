/** A token bucket refilled continuously at `ratePerSecond`, holding at most `capacity` tokens. */
export class TokenBucket {
  #rate: number;
  #capacity: number;
  #tokens: number;
  #last: number;

  constructor(ratePerSecond: number, capacity: number, now: number) {
    this.#rate = ratePerSecond / 1000;
    this.#capacity = capacity;
    this.#tokens = capacity;
    this.#last = now;
  }

  get tokens(): number {
    return this.#tokens;
  }

  setRate(ratePerSecond: number, now: number): void {
    this.#refill(now);
    this.#rate = ratePerSecond / 1000;
  }

  /** True when `amount` tokens are available now (without taking them). */
  has(amount: number, now: number): boolean {
    this.#refill(now);
    return this.#tokens >= Math.min(amount, this.#capacity);
  }

  take(amount: number): void {
    this.#tokens -= amount;
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
