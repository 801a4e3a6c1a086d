/** Count, sum, minimum and maximum of the values observed in a period (a CloudWatch StatisticSet). */
export interface MetricStat {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** A mutable StatisticSet. */
export class StatAccumulator {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  /** Adds `value` observed `times` times. */
  observe(value: number, times = 1): void {
    this.count += times;
    this.sum += value * times;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Adds a total without per-observation detail (counters). */
  add(total: number, observations: number): void {
    if (observations === 0) return;
    this.count += observations;
    this.sum += total;
    const each = total / observations;
    if (each < this.min) this.min = each;
    if (each > this.max) this.max = each;
  }

  snapshot(): MetricStat {
    return this.count === 0
      ? { count: 0, sum: 0, min: 0, max: 0 }
      : { count: this.count, sum: this.sum, min: this.min, max: this.max };
  }
}
