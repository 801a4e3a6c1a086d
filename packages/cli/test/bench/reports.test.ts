import { describe, expect, it } from 'vitest';
import { assertBenchResult } from '../../src/bench/bench-result.js';
import { ProgressRenderer, type ProgressSnapshot } from '../../src/bench/progress-renderer.js';
import { renderSvgChart } from '../../src/bench/svg-chart.js';
import { renderTextReport } from '../../src/bench/text-report.js';
import { sampleResult } from './sample-result.js';

describe('renderTextReport', () => {
  it('shows throughput, latency percentiles, the record check and the verdict', () => {
    const text = renderTextReport(sampleResult());
    expect(text).toMatch(/produced\s+15,000,000 records\s+306,122 rec\/s\s+30\.61 MB\/s/);
    expect(text).toMatch(/put-to-process\s+p50\s+12\.5 ms\s+p90\s+40\.0 ms\s+p99\s+180 ms\s+p999\s+210 ms/);
    // Steady state first, the warm-up's own percentiles after it.
    expect(text).toMatch(
      /latency \(records put after a 5 s warm-up\)\n.*p99\s+120 ms.*\n.*p99\s+180 ms.*\n\s+during the warm-up \(1,000 records\)\n.*p99\s+400 ms.*\n.*p99\s+450 ms/,
    );
    expect(text).toContain('aggregation ratio 480.5');
    expect(text).toContain('lost: 0  duplicates: 10  corrupted: 0');
    expect(text).toContain('result: OK');
    expect(text).toContain('total 6 us, a ceiling of about 333,333 rec/s on 2 cores');
  });

  it('prints one latency block for a run without warm-up or from an older version', () => {
    const { latencyWarmup: _, ...older } = sampleResult();
    for (const result of [older, sampleResult({ latencyWarmup: { ...sampleResult().latencyWarmup!, seconds: 0 } })]) {
      const text = renderTextReport(result);
      expect(text).toMatch(/\nlatency\n/);
      expect(text).not.toContain('warm-up');
    }
  });

  it('names lost and corrupted indexes and fails', () => {
    const base = sampleResult();
    const text = renderTextReport(
      sampleResult({
        ok: false,
        check: { ...base.check, lost: 2, lostSample: [5, 9], corrupted: 1, corruptedSample: [7], ok: false },
      }),
    );
    expect(text).toContain('first lost indexes: 5, 9');
    expect(text).toContain('first corrupted indexes: 7');
    expect(text).toContain('result: FAILED');
  });
});

describe('renderSvgChart', () => {
  it('draws one throughput line pair and one bar set per run, with a legend', () => {
    const svg = renderSvgChart([sampleResult(), sampleResult({ label: 'second <run>' })]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    // 4 percentiles x 2 latencies x 2 runs, plus the background and 2 legend swatches.
    expect(svg.match(/<rect /g)).toHaveLength(16 + 1 + 2);
    expect(svg).toContain('second &#60;run&#62;');
    expect(svg).not.toContain('NaN');
  });

  it('copes with a run that has no series or latency samples', () => {
    const empty = sampleResult({ series: [] });
    const svg = renderSvgChart([empty]);
    expect(svg).not.toContain('NaN');
  });
});

describe('assertBenchResult', () => {
  it('accepts a result and rejects other JSON', () => {
    expect(() => assertBenchResult(JSON.parse(JSON.stringify(sampleResult())), 'a.json')).not.toThrow();
    expect(() => assertBenchResult({ hello: 1 }, 'b.json')).toThrow('b.json is not a shardline bench result');
  });
});

describe('ProgressRenderer', () => {
  const snapshot: ProgressSnapshot = {
    elapsedSeconds: 12,
    target: 1_000_000,
    produced: { total: 600_000, rate: 50_000 },
    acknowledged: { total: 590_000, rate: 49_000, failed: 0 },
    consumed: { total: 580_000, rate: 48_000, duplicates: 3, corrupted: 0 },
    lagMs: 250,
    workers: [
      { worker: 1, alive: true, shards: ['shardId-000000000000', 'shardId-000000000001'] },
      { worker: 2, alive: false, shards: [] },
    ],
    throttles: 4,
    retries: 9,
    phase: 'worker 2 killed -9',
  };

  it('writes one plain line per refresh when not a TTY', () => {
    const out: string[] = [];
    const renderer = new ProgressRenderer({ isTTY: false, write: (t) => out.push(t) }, 'auto');
    renderer.render(snapshot);
    renderer.render(snapshot);
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(
      '[  12s] produced 600.0k (50.0k/s) acked 590.0k (49.0k/s) consumed 580.0k (48.0k/s) lag 250ms shards #1:0/1 #2(dead):- throttles 4 retries 9 | worker 2 killed -9\n',
    );
    expect(out[0]).not.toContain('\x1b');
  });

  it('redraws a block in place on a TTY: one line per stage, shards per worker', () => {
    const out: string[] = [];
    const renderer = new ProgressRenderer({ isTTY: true, write: (t) => out.push(t) }, 'auto');
    renderer.render(snapshot);
    renderer.render(snapshot);
    expect(out[0]).not.toContain('\x1b[');
    expect(out[1]?.startsWith('\x1b[5A\x1b[J')).toBe(true);
    const lines = (out[0] as string).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/produced\s+600,000\s+50,000 rec\/s {2}60% of 1,000,000$/);
    expect(lines[2]).toContain('lag 250 ms');
    expect(lines[3]).toContain('worker 1: 0,1');
    expect(lines[3]).toContain('worker 2 (dead): -');
  });

  it('stays silent when off', () => {
    const out: string[] = [];
    new ProgressRenderer({ isTTY: true, write: (t) => out.push(t) }, 'off').render(snapshot);
    expect(out).toEqual([]);
  });
});
