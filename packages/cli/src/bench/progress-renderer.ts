import { formatCount, formatShort, shortShardId } from './format-units.js';

export interface StageProgress {
  readonly total: number;
  /** Records per second over the last sampling interval. */
  readonly rate: number;
}

export interface WorkerProgress {
  readonly worker: number;
  readonly alive: boolean;
  readonly shards: readonly string[];
}

export interface ProgressSnapshot {
  readonly elapsedSeconds: number;
  readonly target: number;
  readonly produced: StageProgress;
  readonly acknowledged: StageProgress & { readonly failed: number };
  readonly consumed: StageProgress & { readonly duplicates: number; readonly corrupted: number };
  /** Highest MillisBehindLatest any worker reported in the interval, or null before the first report. */
  readonly lagMs: number | null;
  readonly workers: readonly WorkerProgress[];
  readonly throttles: number;
  readonly retries: number;
  /** A short note about the phase: "draining", "resharding (split)", "worker 2 killed"… */
  readonly phase: string;
}

export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Live progress on stderr: on a terminal, a block of lines redrawn in place; otherwise one plain line per
 * refresh, so logs and CI output stay readable.
 */
export class ProgressRenderer {
  readonly #sink: ProgressSink;
  readonly #mode: 'tty' | 'plain' | 'off';
  #drawnLines = 0;

  constructor(sink: ProgressSink, mode: 'auto' | 'plain' | 'off') {
    this.#sink = sink;
    this.#mode = mode === 'auto' ? (sink.isTTY === true ? 'tty' : 'plain') : mode;
  }

  render(snapshot: ProgressSnapshot): void {
    if (this.#mode === 'off') return;
    if (this.#mode === 'plain') {
      this.#sink.write(`${ProgressRenderer.plainLine(snapshot)}\n`);
      return;
    }
    const lines = ProgressRenderer.block(snapshot);
    // Move up over the previous block and clear it, then draw the new one.
    const up = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A\x1b[J` : '';
    this.#sink.write(`${up}${lines.join('\n')}\n`);
    this.#drawnLines = lines.length;
  }

  /** Leaves the last block on screen; later output starts below it. */
  finish(): void {
    this.#drawnLines = 0;
  }

  static plainLine(s: ProgressSnapshot): string {
    const lag = s.lagMs === null ? '-' : `${Math.round(s.lagMs)}ms`;
    const shards = s.workers
      .map((w) => `#${w.worker}${w.alive ? '' : '(dead)'}:${w.shards.map(shortShardId).join('/') || '-'}`)
      .join(' ');
    return (
      `[${s.elapsedSeconds.toFixed(0).padStart(4)}s] produced ${formatShort(s.produced.total)} (${formatShort(s.produced.rate)}/s)` +
      ` acked ${formatShort(s.acknowledged.total)} (${formatShort(s.acknowledged.rate)}/s)` +
      ` consumed ${formatShort(s.consumed.total)} (${formatShort(s.consumed.rate)}/s)` +
      ` lag ${lag} shards ${shards} throttles ${s.throttles} retries ${s.retries}` +
      (s.acknowledged.failed > 0 ? ` failed ${s.acknowledged.failed}` : '') +
      (s.consumed.corrupted > 0 ? ` corrupted ${s.consumed.corrupted}` : '') +
      (s.phase === '' ? '' : ` | ${s.phase}`)
    );
  }

  static block(s: ProgressSnapshot): string[] {
    const pct =
      s.target > 0 && s.target < 0xffff_ffff
        ? `  ${((100 * s.produced.total) / s.target).toFixed(0)}% of ${formatCount(s.target)}`
        : '';
    const rate = (r: number): string => `${formatCount(r).padStart(11)} rec/s`;
    const lines = [
      `  produced      ${formatCount(s.produced.total).padStart(13)}${rate(s.produced.rate)}${pct}`,
      `  acknowledged  ${formatCount(s.acknowledged.total).padStart(13)}${rate(s.acknowledged.rate)}  failed ${s.acknowledged.failed}`,
      `  consumed      ${formatCount(s.consumed.total).padStart(13)}${rate(s.consumed.rate)}  lag ${s.lagMs === null ? '-' : `${Math.round(s.lagMs)} ms`}  duplicates ${s.consumed.duplicates}  corrupted ${s.consumed.corrupted}`,
      `  shards        ${s.workers.map((w) => `worker ${w.worker}${w.alive ? '' : ' (dead)'}: ${w.shards.map(shortShardId).join(',') || '-'}`).join('   ')}`,
      `  throttles ${s.throttles}  retries ${s.retries}  elapsed ${s.elapsedSeconds.toFixed(0)} s${s.phase === '' ? '' : `  ${s.phase}`}`,
    ];
    return lines;
  }
}
