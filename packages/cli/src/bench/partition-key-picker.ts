import { CliUsageError } from '../cli-usage-error.js';

export interface PartitionKeySpec {
  readonly distribution: 'uniform' | 'zipf';
  /** Distinct keys. */
  readonly count: number;
  /** Zipf exponent s: key k is picked with weight 1/k^s (ignored for uniform). */
  readonly exponent: number;
}

const MAX_KEYS = 1_000_000;

/** Parses `N`, `uniform:N` or `zipf:N[:s]`. */
export function parsePartitionKeySpec(text: string): PartitionKeySpec {
  const match = /^(?:(uniform|zipf):)?(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(text.trim());
  const bad = (): never => {
    throw new CliUsageError(
      `--partition-keys must be N, uniform:N or zipf:N[:exponent] with 1 <= N <= ${MAX_KEYS}, got ${JSON.stringify(text)}`,
    );
  };
  if (match === null) return bad();
  const distribution = (match[1] ?? 'uniform') as 'uniform' | 'zipf';
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_KEYS) return bad();
  if (match[3] !== undefined && distribution !== 'zipf') return bad();
  const exponent = match[3] === undefined ? 1 : Number(match[3]);
  if (!(exponent > 0 && exponent <= 10)) return bad();
  return Object.freeze({ distribution, count, exponent });
}

export function formatPartitionKeySpec(spec: PartitionKeySpec): string {
  return spec.distribution === 'uniform' ? `uniform:${spec.count}` : `zipf:${spec.count}:${spec.exponent}`;
}

/**
 * Picks partition keys from a fixed key set with a seeded generator, so two runs with the same options send
 * the same key sequence (comparable shard spread).
 */
export class PartitionKeyPicker {
  readonly #keys: string[];
  readonly #cdf: Float64Array | null;
  #state: number;

  constructor(spec: PartitionKeySpec, seed = 0x2545f491) {
    this.#keys = Array.from({ length: spec.count }, (_, i) => `pk-${i}`);
    this.#state = seed >>> 0 || 1;
    if (spec.distribution === 'zipf') {
      const cdf = new Float64Array(spec.count);
      let sum = 0;
      for (let k = 0; k < spec.count; k++) {
        sum += 1 / (k + 1) ** spec.exponent;
        cdf[k] = sum;
      }
      for (let k = 0; k < spec.count; k++) cdf[k] = (cdf[k] as number) / sum;
      this.#cdf = cdf;
    } else {
      this.#cdf = null;
    }
  }

  /** Index in [0, count) of the next key. */
  nextIndex(): number {
    // xorshift32: cheap and deterministic; statistical quality is ample for spreading keys.
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    const u = this.#state / 4294967296;
    const cdf = this.#cdf;
    if (cdf === null) return Math.floor(u * this.#keys.length);
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  next(): string {
    return this.#keys[this.nextIndex()] as string;
  }
}
