import { readFile, writeFile } from 'node:fs/promises';
import { BENCH_USAGE, parseBenchOptions } from '../bench/bench-options.js';
import { assertBenchResult, type BenchResult } from '../bench/bench-result.js';
import { machineKey } from '../bench/machine-info.js';
import { ProgressRenderer } from '../bench/progress-renderer.js';
import { renderSvgChart } from '../bench/svg-chart.js';
import { renderTextReport } from '../bench/text-report.js';
import { CliUsageError } from '../cli-usage-error.js';

const REPORT_USAGE = `usage: shardline bench report FILE... [--out chart.svg]

Renders one or several results written by \`shardline bench --json FILE\` as one SVG chart (throughput over time
and latency percentiles), so runs can be compared. Default output: bench-report.svg.`;

/** `shardline bench`: the end-to-end, loss-checked benchmark; `shardline bench report`: its chart. */
export async function benchCommand(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'report') return reportCommand(argv.slice(1));
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const options = parseBenchOptions(argv);
  // Loaded only now: bad usage and --help answer without loading the broker, producer and consumer.
  const { runBench } = await import('../bench/bench-runner.js');
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result: BenchResult;
  try {
    result = await runBench(options, {
      progress: new ProgressRenderer(process.stderr, options.progress),
      command: ['shardline', 'bench', ...argv].join(' '),
      signal: abort.signal,
    });
  } catch (error) {
    // Set-up failures (endpoint unreachable, stream cannot be created, a process failed to start) are
    // reported in one line; the cause chain matters more than our stack.
    process.stderr.write(`shardline bench: failed: ${describe(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  process.stdout.write(renderTextReport(result));
  if (result.error !== undefined) process.stderr.write(`shardline bench: ${result.error}\n`);
  if (options.jsonFile !== null) {
    await writeFile(options.jsonFile, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`shardline bench: result written to ${options.jsonFile}\n`);
  }
  return result.ok ? 0 : 1;
}

function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && parts.length < 4) {
    const e = current as { name?: unknown; message?: unknown; cause?: unknown };
    parts.push(typeof e.message === 'string' && e.message !== '' ? e.message : String(e.name ?? current));
    current = e.cause;
  }
  return parts.join(': ');
}

async function reportCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${REPORT_USAGE}\n`);
    return 0;
  }
  const files: string[] = [];
  let out = 'bench-report.svg';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg === '--out' ? argv[++i] : arg.slice('--out='.length);
      if (value === undefined || value === '') throw new CliUsageError('report: --out needs a file name');
      out = value;
    } else if (arg.startsWith('--')) {
      throw new CliUsageError(`report: unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) throw new CliUsageError('report needs at least one result file (from --json FILE)');
  const results: BenchResult[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new CliUsageError(`report: cannot read ${file}: ${(error as Error).message}`);
    }
    try {
      assertBenchResult(parsed, file);
    } catch (error) {
      throw new CliUsageError(`report: ${(error as Error).message}`);
    }
    results.push(files.length > 1 ? { ...parsed, label: `${file}: ${parsed.label}` } : parsed);
  }
  const machines = new Set(results.map((r) => machineKey(r.machine)));
  if (machines.size > 1) {
    process.stderr.write(
      `shardline bench report: warning: these results come from ${machines.size} different machines (${[...machines].join('; ')}); compare them with care\n`,
    );
  }
  await writeFile(out, renderSvgChart(results));
  process.stdout.write(`chart of ${results.length} run(s) written to ${out}\n`);
  return 0;
}
