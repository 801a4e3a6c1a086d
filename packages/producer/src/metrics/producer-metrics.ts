import { METRIC_NAMES, type MetricName } from './metric-names.js';
import { type MetricStat, StatAccumulator } from './metric-stat.js';

/** Metrics of one period (or since start), keyed by KPL metric name. */
export interface MetricsSnapshot {
  /** Start and end of the period, epoch milliseconds. */
  readonly startTime: number;
  readonly endTime: number;
  readonly metrics: Readonly<Record<Exclude<MetricName, 'ErrorsByCode'>, MetricStat>>;
  /** ErrorsByCode split by code: AWS error names, SDK/network codes, "Expired", "Wrong Shard". */
  readonly errorsByCode: Readonly<Record<string, number>>;
}

type StatName = Exclude<MetricName, 'ErrorsByCode'>;

class Period {
  readonly startTime: number;
  readonly stats = new Map<StatName, StatAccumulator>();
  readonly errors = new Map<string, number>();

  constructor(startTime: number) {
    this.startTime = startTime;
    for (const name of METRIC_NAMES) if (name !== 'ErrorsByCode') this.stats.set(name, new StatAccumulator());
  }
}

/**
 * The producer's KPL-named metrics, producer-wide, kept twice: since start (metrics()) and for
 * the current period (the 'metrics' event). Counters are added per Kinesis record or per request,
 * not per user record, to stay off the hot path.
 */
export class ProducerMetrics {
  /** UserRecordsReceived, counted in a plain field on the put() path and folded in at snapshots. */
  received = 0;
  #receivedTotal = 0;
  #total: Period;
  #period: Period;

  constructor(now: number) {
    this.#total = new Period(now);
    this.#period = new Period(now);
  }

  observe(name: StatName, value: number, times = 1): void {
    (this.#total.stats.get(name) as StatAccumulator).observe(value, times);
    (this.#period.stats.get(name) as StatAccumulator).observe(value, times);
  }

  add(name: StatName, total: number, observations: number): void {
    (this.#total.stats.get(name) as StatAccumulator).add(total, observations);
    (this.#period.stats.get(name) as StatAccumulator).add(total, observations);
  }

  #foldReceived(): void {
    const fresh = this.received - this.#receivedTotal;
    if (fresh > 0) this.add('UserRecordsReceived', fresh, fresh);
    this.#receivedTotal = this.received;
  }

  error(code: string, records: number): void {
    for (const period of [this.#total, this.#period]) {
      period.errors.set(code, (period.errors.get(code) ?? 0) + records);
      (period.stats.get('AllErrors') as StatAccumulator).observe(1, records);
    }
  }

  /** Cumulative snapshot since the producer started. */
  total(now: number, pending: number): MetricsSnapshot {
    this.#foldReceived();
    return snapshot(this.#total, now, pending);
  }

  /** Snapshot of the period just ended; starts the next one. */
  rotate(now: number, pending: number): MetricsSnapshot {
    this.#foldReceived();
    const ended = this.#period;
    this.#period = new Period(now);
    return snapshot(ended, now, pending);
  }
}

function snapshot(period: Period, now: number, pending: number): MetricsSnapshot {
  const metrics = {} as Record<StatName, MetricStat>;
  for (const [name, stat] of period.stats) metrics[name] = stat.snapshot();
  metrics.UserRecordsPending = { count: 1, sum: pending, min: pending, max: pending };
  return Object.freeze({
    startTime: period.startTime,
    endTime: now,
    metrics: Object.freeze(metrics),
    errorsByCode: Object.freeze(Object.fromEntries(period.errors)),
  });
}
