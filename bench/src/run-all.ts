/*
 * `pnpm bench`: runs every benchmark of the repository on this machine and writes bench/RESULTS.md with the
 * machine, versions, commands and every figure. Component benches (bench/src/{codec,broker,producer,consumer}.ts,
 * compiled by `pnpm run build`, which `pnpm bench` runs first) run as they are, their printed tables captured
 * verbatim; then two end-to-end `shardline bench` runs: the default run (throughput, loss check) and an open-loop
 * run at half the 300,000 records/s target (latency).
 *
 * Options: --only codec,e2e (subset), --e2e-records N (default: the CLI default), --half-rate-seconds S (30).
 * One machine per file: RESULTS.md is rewritten whole on each run, never merged with older figures.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_DIR = join(ROOT, 'bench');
const CLI = join(ROOT, 'packages/cli/dist/bin/shardline.js');
const COMPONENTS = ['codec', 'broker', 'producer', 'consumer'] as const;
const COMPONENT_TIMEOUT_MS = 20 * 60_000;
const E2E_TIMEOUT_MS = 15 * 60_000;
const TARGET_RATE = 300_000;
const TARGET_P99_MS = 250;

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** The fields of a `shardline bench --json` result this report reads. */
interface E2eResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly durationSeconds: number;
  readonly produced: Stage;
  readonly acknowledged: Stage & { readonly failed: number };
  readonly consumed: Stage & { readonly delivered: number };
  readonly latency: { readonly putToAck: Percentiles; readonly putToProcess: Percentiles };
  readonly latencyWarmup: {
    readonly seconds: number;
    readonly putToAck: Percentiles;
    readonly putToProcess: Percentiles;
  };
  readonly producer: { readonly aggregationRatio: number | null; readonly throttles: number; readonly retries: number };
  readonly consumers: { readonly failovers: number };
  readonly check: { readonly lost: number; readonly duplicates: number; readonly corrupted: number };
  readonly cpu?: {
    readonly microsPerRecord: {
      readonly producer: number;
      readonly workers: number;
      readonly orchestrator: number;
      readonly total: number;
    };
  };
  readonly options: Readonly<Record<string, unknown>>;
}
interface Stage {
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly seconds: number;
}
interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Outcome> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const finish = (code: number | null): void => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    };
    child.on('error', (error) => {
      stderr += String(error);
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}

async function packageVersions(): Promise<string> {
  const out: string[] = [];
  for (const dir of [
    'packages/core',
    'native',
    'packages/broker',
    'packages/producer',
    'packages/consumer',
    'packages/cli',
  ]) {
    try {
      const json = JSON.parse(await readFile(join(ROOT, dir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      };
      out.push(`${json.name} ${json.version}`);
    } catch {
      out.push(`${dir} (unreadable)`);
    }
  }
  return out.join(', ');
}

function fence(text: string): string {
  return ['```', text.trimEnd(), '```'].join('\n');
}

/** Keeps a bench's printed table as it is: markdown lines verbatim, anything else fenced. */
function captured(outcome: Outcome): string {
  const text = outcome.stdout.trim();
  if (text === '') return '_(no output)_';
  const lines = text.split('\n');
  const markdown = lines.some((l) => l.startsWith('|')) && lines.every((l) => !l.includes('\x1b'));
  return markdown ? text : fence(text);
}

function one(v: number): string {
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** p99 of the records put during the start-up period the run reports apart. */
function warmupCell(result: E2eResult): string {
  const w = result.latencyWarmup;
  if (w.seconds === 0 || w.putToProcess.count === 0) return 'none';
  return `${one(w.putToAck.p99)} / ${one(w.putToProcess.p99)} (first ${w.seconds} s)`;
}

function ms(p: Percentiles): string {
  return p.count === 0 ? 'n/a' : `${one(p.p50)} / ${one(p.p90)} / ${one(p.p99)} / ${one(p.p999)}`;
}

function cpuCell(result: E2eResult): string {
  const c = result.cpu?.microsPerRecord;
  return c === undefined ? 'n/a' : `${c.producer} / ${c.workers} / ${c.orchestrator} (total ${c.total})`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function parseArgs(argv: readonly string[]): {
  only: Set<string> | null;
  e2eRecords: string | null;
  halfSeconds: number;
} {
  let only: Set<string> | null = null;
  let e2eRecords: string | null = null;
  let halfSeconds = 30;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--only' && value !== undefined) {
      only = new Set(value.split(','));
      i++;
    } else if (arg === '--e2e-records' && value !== undefined && /^\d+$/.test(value)) {
      e2eRecords = value;
      i++;
    } else if (arg === '--half-rate-seconds' && value !== undefined && Number(value) > 0) {
      halfSeconds = Number(value);
      i++;
    } else {
      process.stderr.write(`run-all: unknown or incomplete option ${String(arg)}\n`);
      process.exit(2);
    }
  }
  return { only, e2eRecords, halfSeconds };
}

async function main(): Promise<void> {
  const { only, e2eRecords, halfSeconds } = parseArgs(process.argv.slice(2));
  const wanted = (name: string): boolean => only === null || only.has(name);
  const started = new Date();
  const cpuList = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  const sections: string[] = [];
  const commands: string[] = [];

  for (const name of COMPONENTS) {
    if (!wanted(name)) continue;
    // Compiled JavaScript run by plain node, as users run the packages: a TypeScript loader would also
    // transform the workspace packages' dist files (esbuild's keepNames wraps every closure they create).
    const script = join(BENCH_DIR, 'dist', `${name}.js`);
    const command = `pnpm --filter @shardline/bench run ${name}`;
    if (!existsSync(script)) {
      sections.push(`## ${name}\n\nNot run: bench/dist/${name}.js was not built (bench/src/${name}.ts missing?).`);
      continue;
    }
    process.stderr.write(`run-all: ${command}\n`);
    commands.push(command);
    const outcome = await run(process.execPath, [script], BENCH_DIR, COMPONENT_TIMEOUT_MS);
    const status =
      outcome.code === 0
        ? `Finished in ${outcome.seconds.toFixed(0)} s.`
        : `**Failed** (exit ${outcome.code ?? 'killed'}) after ${outcome.seconds.toFixed(0)} s; last error output:\n\n${fence(outcome.stderr.split('\n').slice(-15).join('\n'))}`;
    sections.push(`## ${name}\n\nCommand: \`${command}\`. ${status}\n\n${captured(outcome)}`);
  }

  if (wanted('e2e')) {
    const dir = await mkdtemp(join(tmpdir(), 'shardline-run-all-'));
    try {
      const runs: { title: string; command: string; result: E2eResult | null; note: string }[] = [];
      const runE2e = async (title: string, benchArgs: readonly string[]): Promise<E2eResult | null> => {
        const file = join(dir, `e2e-${runs.length}.json`);
        const args = [...benchArgs, '--progress', 'plain', '--json', file];
        const command = `node packages/cli/dist/bin/shardline.js ${args.slice(0, -2).join(' ')}`;
        commands.push(command);
        process.stderr.write(`run-all: ${command}\n`);
        const outcome = await run(process.execPath, [CLI, ...args], ROOT, E2E_TIMEOUT_MS);
        let result: E2eResult | null = null;
        try {
          result = JSON.parse(await readFile(file, 'utf8')) as E2eResult;
        } catch {
          // Reported below with the exit status.
        }
        const note =
          result === null
            ? `no result (exit ${outcome.code ?? 'killed'}): ${outcome.stderr.trim().split('\n').slice(-3).join(' | ')}`
            : '';
        runs.push({ title, command, result, note });
        return result;
      };
      const full = await runE2e('default run (max rate)', [
        'bench',
        ...(e2eRecords === null ? [] : ['--records', e2eRecords]),
      ]);
      const half = await runE2e(`open loop at ${count(TARGET_RATE / 2)} rec/s (half the target)`, [
        'bench',
        '--rate',
        String(TARGET_RATE / 2),
        '--records',
        String((TARGET_RATE / 2) * halfSeconds),
      ]);
      // Latency where the pipeline keeps up on this machine: half of what the default run consumed.
      const sustainable = full === null ? 0 : Math.max(1000, Math.round(full.consumed.recordsPerSecond / 2000) * 1000);
      if (sustainable > 0) {
        const sustainableArgs = [
          'bench',
          '--rate',
          String(sustainable),
          '--records',
          String(sustainable * halfSeconds),
        ];
        await runE2e(`open loop at ${count(sustainable)} rec/s (half the measured default run)`, sustainableArgs);
      }
      // The tuning the bench applies on the embedded broker, against the libraries' own defaults (which
      // suit real Kinesis: 100 ms linger, reads 200 ms apart, 1 s after an empty read).
      await runE2e(`open loop at ${count(TARGET_RATE / 2)} rec/s, the libraries' default linger and polling`, [
        'bench',
        '--rate',
        String(TARGET_RATE / 2),
        '--records',
        String((TARGET_RATE / 2) * halfSeconds),
        '--record-max-buffered-time',
        '100',
        '--min-time-between-reads',
        '200',
        '--idle-time-between-reads',
        '1000',
      ]);
      const rows = runs.map(({ title, command, result, note }) => {
        if (result === null) return `| ${title} | \`${command}\` | ${note} ||||||||||||`;
        return (
          `| ${title} | \`${command}\` | ${count(result.produced.recordsPerSecond)} | ${count(result.consumed.recordsPerSecond)} | ` +
          `${result.consumed.megabytesPerSecond} | ${ms(result.latency.putToAck)} | ${ms(result.latency.putToProcess)} | ${warmupCell(result)} | ` +
          `${result.producer.aggregationRatio ?? 'n/a'} | ${cpuCell(result)} | ${result.check.lost} | ${result.check.duplicates} | ${result.check.corrupted} | ${result.consumers.failovers} |`
        );
      });
      const verdict = (ok: boolean | null): string => (ok === null ? 'not measured' : ok ? 'met' : '**not met**');
      const targets = [
        `| zero records lost (default run) | ${full === null || full === undefined ? 'n/a' : full.check.lost} | ${verdict(full ? full.check.lost === 0 && full.check.corrupted === 0 : null)} |`,
        `| >= ${count(TARGET_RATE)} user rec/s of 100 B produced and consumed concurrently (default run) | ${full ? `${count(full.produced.recordsPerSecond)} produced, ${count(full.consumed.recordsPerSecond)} consumed` : 'n/a'} | ${verdict(full ? full.produced.recordsPerSecond >= TARGET_RATE && full.consumed.recordsPerSecond >= TARGET_RATE : null)} |`,
        `| put-to-process p99 < ${TARGET_P99_MS} ms at ${count(TARGET_RATE / 2)} rec/s | ${half ? `${one(half.latency.putToProcess.p99)} ms after the ${half.latencyWarmup.seconds} s warm-up (${one(half.latencyWarmup.putToProcess.p99)} ms during it; consumed ${count(half.consumed.recordsPerSecond)} rec/s)` : 'n/a'} | ${verdict(half ? half.latency.putToProcess.p99 < TARGET_P99_MS && half.check.lost === 0 : null)} |`,
      ];
      sections.push(
        [
          '## End to end: `shardline bench`',
          '',
          "One producer process, consumer worker processes leasing shards through one shared embedded DynamoDB, the embedded broker in the orchestrator process: all on this machine at once. Every record is checked by identity and checksum. Latencies in ms (p50 / p90 / p99 / p999) of the records put after the first 5 s; the records of those 5 s (JIT compilation, connections and heap growth in every process) have a column of their own. The open-loop runs measure from the intended send time. Other work on the machine (see the load average above) lowers the rates; CPU per record is the steadier figure: 2 cores divided by the total gives the ceiling with nothing else running. On the embedded broker with limits off the bench lingers 50 ms in the producer and reads each shard at most every 100 ms (100 ms after an empty read); the last row uses the libraries' defaults instead, which suit real Kinesis.",
          '',
          '| run | command | produced rec/s | consumed rec/s | consumed MB/s | put-to-ack ms | put-to-process ms | warm-up put-to-ack / put-to-process p99 ms | user rec per Kinesis rec | CPU µs per rec: producer / workers / broker+orchestrator | lost | duplicates | corrupted | failovers |',
          '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
          ...rows,
          '',
          '| target (issue 6) | measured | |',
          '|---|---|---|',
          ...targets,
        ].join('\n'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const header = [
    '# Benchmark results',
    '',
    `Written by \`pnpm bench\` (bench/src/run-all.ts), started ${started.toISOString()}. Every figure in this file comes from the one machine below, in one session; figures from another machine belong in another file.`,
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${cpuList[0]?.model.trim() ?? 'unknown'} |`,
    `| cores | ${cpuList.length} |`,
    `| memory | ${(totalmem() / 2 ** 30).toFixed(1)} GiB |`,
    `| OS | ${platform()} ${release()} ${process.arch} |`,
    `| Node.js | ${process.version} |`,
    `| load average at start (1/5/15 min) | ${load} |`,
    `| packages | ${await packageVersions()} |`,
    '',
    '## Commands',
    '',
    ...commands.map((c) => `- \`${c}\``),
    '',
  ];
  const results = join(BENCH_DIR, 'RESULTS.md');
  await writeFile(results, `${[header.join('\n'), ...sections].join('\n\n')}\n`);
  process.stderr.write(`run-all: wrote ${join(BENCH_DIR, 'RESULTS.md')}\n`);
}

await main();
