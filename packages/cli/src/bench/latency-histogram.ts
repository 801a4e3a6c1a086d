import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/** Latency percentiles in milliseconds. */
export interface LatencyPercentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** One hour, in microseconds: anything slower is clamped (and is a broken run anyway). */
const HIGHEST_MICROS = 3_600_000_000;

function create(): Histogram {
  return build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_MICROS,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/**
 * HdrHistogram of latencies recorded in microseconds. Workers record locally and ship compressed deltas;
 * the orchestrator merges them, so no per-record latency crosses a process boundary.
 */
export class LatencyHistogram {
  readonly #histogram = create();
  // Run-length buffer: records of one batch usually share put and completion times, so equal values come
  // in runs and one recordValueWithCount replaces thousands of recordValue calls.
  #runValue = 0;
  #runCount = 0;

  get count(): number {
    this.#flush();
    return this.#histogram.totalCount;
  }

  recordMicros(micros: number): void {
    const value = micros < 1 ? 1 : micros > HIGHEST_MICROS ? HIGHEST_MICROS : Math.round(micros);
    if (value === this.#runValue) {
      this.#runCount++;
      return;
    }
    this.#flush();
    this.#runValue = value;
    this.#runCount = 1;
  }

  /** Compressed base64 (the HdrHistogram interchange encoding). */
  encode(): string {
    this.#flush();
    return encodeIntoCompressedBase64(this.#histogram);
  }

  addEncoded(encoded: string): void {
    this.#flush();
    const other = decodeFromCompressedBase64(encoded, 32, false);
    this.#histogram.add(other);
    other.destroy();
  }

  add(other: LatencyHistogram): void {
    this.#flush();
    other.#flush();
    this.#histogram.add(other.#histogram);
  }

  reset(): void {
    this.#runCount = 0;
    this.#histogram.reset();
  }

  #flush(): void {
    if (this.#runCount === 0) return;
    if (this.#runCount === 1) this.#histogram.recordValue(this.#runValue);
    else this.#histogram.recordValueWithCount(this.#runValue, this.#runCount);
    this.#runCount = 0;
  }

  percentiles(): LatencyPercentiles {
    this.#flush();
    const h = this.#histogram;
    const ms = (micros: number): number => Math.round(micros) / 1000;
    if (h.totalCount === 0) return Object.freeze({ count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    return Object.freeze({
      count: h.totalCount,
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      max: ms(h.maxValue),
      mean: ms(h.mean),
    });
  }
}
