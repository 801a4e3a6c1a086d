import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Spawns the built CLI (run `npx tsc -b tsconfig.build.json` first), exactly as a user runs it.
const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin/shardline.js', import.meta.url));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function shardline(args: string[], timeoutMs = 120_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`shardline ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface ResultJson {
  schema: string;
  ok: boolean;
  options: Record<string, unknown>;
  produced: { records: number; recordsPerSecond: number };
  acknowledged: { records: number; failed: number };
  consumed: { records: number; delivered: number; recordsPerSecond: number };
  latency: { putToAck: { count: number; p99: number }; putToProcess: { count: number; p50: number; p99: number } };
  latencyWarmup: {
    seconds: number;
    putToAck: { count: number; p99: number };
    putToProcess: { count: number; p50: number; p99: number };
  };
  check: {
    acknowledged: number;
    delivered: number;
    uniqueConsumed: number;
    lost: number;
    lostSample: number[];
    duplicates: number;
    corrupted: number;
    corruptedSample: number[];
    ok: boolean;
  };
  series: { t: number; consumed: number }[];
  consumers: {
    workers: { worker: number; delivered: number; killed: boolean }[];
    failovers: number;
    failoverSeconds: number | null;
  };
  machine: { cpuModel: string; cores: number; node: string };
}

let dir = '';
beforeAll(async () => {
  await stat(CLI).catch(() => {
    throw new Error(`${CLI} is missing: build first (npx tsc -b tsconfig.build.json)`);
  });
  dir = await mkdtemp(join(tmpdir(), 'shardline-bench-'));
});
afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('shardline bench: bad options', () => {
  it.each([
    [['bench', '--records', 'abc'], '--records must be an integer, got "abc"'],
    [['bench', '--workers', '0'], '--workers must be between 1 and 64, got 0'],
    [['bench', '--limits', 'sometimes'], '--limits must be one of aws, off, got "sometimes"'],
    [['bench', '--kill-worker', '3'], '--kill-worker 3 names no worker (there are 2)'],
    [['bench', '--bogus'], 'unknown option --bogus (see shardline bench --help)'],
    [['bench', 'report'], 'report needs at least one result file (from --json FILE)'],
  ])('%j → one clear line on stderr, exit 2, no stack trace', async (args, message) => {
    const { code, stdout, stderr } = await shardline(args, 20_000);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`shardline bench: ${message}\n`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('prints its usage with --help and exits 0', async () => {
    const { code, stdout } = await shardline(['bench', '--help'], 20_000);
    expect(code).toBe(0);
    expect(stdout).toContain('--kill-worker N');
    expect(stdout).toContain('shardline bench report FILE');
  });
});

describe('shardline bench: end to end through real processes', () => {
  let clean: ResultJson;

  it('runs a short loss-checked run: lost 0, duplicates accounted for, valid JSON', async () => {
    const file = join(dir, 'short.json');
    const { code, stdout, stderr } = await shardline([
      'bench',
      '--records',
      '20000',
      '--workers',
      '2',
      '--shards',
      '2',
      '--json',
      file,
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('lost: 0');
    expect(stdout).toContain('result: OK');
    // Not a TTY: progress comes as plain lines, one per second, on stderr.
    expect(stderr).toMatch(/^\[\s+\d+s\] produced .* acked .* consumed .* lag .* shards #1:.* #2:.*$/m);
    clean = JSON.parse(await readFile(file, 'utf8')) as ResultJson;
    expect(clean.schema).toBe('shardline-bench/1');
    expect(clean.ok).toBe(true);
    expect(clean.check).toMatchObject({
      acknowledged: 20_000,
      uniqueConsumed: 20_000,
      lost: 0,
      corrupted: 0,
      ok: true,
    });
    expect(clean.check.duplicates).toBe(clean.check.delivered - clean.check.uniqueConsumed);
    expect(clean.acknowledged).toMatchObject({ records: 20_000, failed: 0 });
    expect(clean.consumed.records).toBe(20_000);
    expect(clean.consumed.delivered).toBe(clean.check.delivered);
    expect(clean.consumers.workers.map((w) => w.worker)).toEqual([1, 2]);
    expect(clean.consumers.workers.reduce((sum, w) => sum + w.delivered, 0)).toBe(clean.check.delivered);
    // 20,000 records at full speed take well under the default 5 s warm-up: all of them are warm-up.
    expect(clean.latencyWarmup.seconds).toBe(5);
    expect(clean.latencyWarmup.putToAck.count).toBe(20_000);
    expect(clean.latency.putToAck.count).toBe(0);
    expect(clean.latencyWarmup.putToProcess.count).toBe(clean.check.delivered);
    expect(clean.latencyWarmup.putToProcess.p99).toBeGreaterThanOrEqual(clean.latencyWarmup.putToProcess.p50);
    expect(stdout).toContain('latency (records put after a 5 s warm-up)');
    expect(clean.series.length).toBeGreaterThan(0);
    expect(clean.machine.cores).toBeGreaterThan(0);
  });

  it('fails the run when a worker drops one record and corrupts another', async () => {
    const file = join(dir, 'faulty.json');
    const { code, stdout } = await shardline([
      'bench',
      '--records',
      '5000',
      '--workers',
      '1',
      '--shards',
      '1',
      '--inject-faults',
      'drop:10,corrupt:20',
      '--drain-timeout',
      '2',
      '--warmup',
      '0',
      '--json',
      file,
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('result: FAILED');
    const result = JSON.parse(await readFile(file, 'utf8')) as ResultJson;
    expect(result.ok).toBe(false);
    expect(result.check.ok).toBe(false);
    // The corrupted record was never delivered intact either, so it is lost as well as corrupted.
    expect(result.check.lostSample).toEqual([10, 20]);
    expect(result.check.lost).toBe(2);
    expect(result.check.corrupted).toBeGreaterThanOrEqual(1);
    expect(result.check.corruptedSample[0]).toBe(20);
    // No warm-up: every acknowledged put is in the latency percentiles.
    expect(result.latency.putToAck.count).toBe(5000);
    expect(result.latencyWarmup).toMatchObject({ seconds: 0, putToAck: { count: 0 }, putToProcess: { count: 0 } });
  });

  it('survives kill -9 of a worker midway: its shards fail over, nothing is lost', async () => {
    const file = join(dir, 'kill.json');
    const { code, stderr } = await shardline([
      'bench',
      '--records',
      '60000',
      '--rate',
      '10000',
      '--workers',
      '2',
      '--shards',
      '2',
      '--kill-worker',
      '2',
      '--failover-ms',
      '2000',
      '--json',
      file,
    ]);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(await readFile(file, 'utf8')) as ResultJson;
    expect(result.check).toMatchObject({ acknowledged: 60_000, uniqueConsumed: 60_000, lost: 0, corrupted: 0 });
    // Six seconds of puts at 10,000/s: the first five are warm-up, the rest are measured; none is missing.
    expect(result.latencyWarmup.putToAck.count).toBeGreaterThan(30_000);
    expect(result.latency.putToAck.count).toBeGreaterThan(5_000);
    expect(result.latencyWarmup.putToAck.count + result.latency.putToAck.count).toBe(60_000);
    expect(result.consumers.workers.map((w) => w.killed)).toEqual([false, true]);
    expect(result.consumers.failovers).toBeGreaterThanOrEqual(1);
    expect(result.consumers.failoverSeconds).not.toBeNull();
  });

  it('splits a shard midway: parents and children are all read, nothing is lost', async () => {
    const file = join(dir, 'split.json');
    const { code, stderr } = await shardline([
      'bench',
      '--records',
      '40000',
      '--rate',
      '10000',
      '--workers',
      '2',
      '--shards',
      '2',
      '--reshard',
      'split',
      '--json',
      file,
    ]);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(await readFile(file, 'utf8')) as ResultJson & {
      reshard: { mode: string; parents: string[]; error: string | null } | null;
      shards: { perShard: { shardId: string }[] };
    };
    expect(result.reshard).toMatchObject({ mode: 'split', error: null });
    expect(result.reshard?.parents).toHaveLength(1);
    // Records went to the children after the split: more shards took records than the stream started with.
    expect(result.shards.perShard.length).toBeGreaterThan(2);
    expect(result.check).toMatchObject({ acknowledged: 40_000, uniqueConsumed: 40_000, lost: 0, corrupted: 0 });
  });

  it('charts one or several results as SVG', async () => {
    const a = join(dir, 'short.json');
    const b = join(dir, 'faulty.json');
    const out = join(dir, 'chart.svg');
    const { code, stdout } = await shardline(['bench', 'report', a, b, '--out', out], 20_000);
    expect(code).toBe(0);
    expect(stdout).toContain(`chart of 2 run(s) written to ${out}`);
    const svg = await readFile(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('short.json');
    expect(svg).toContain('faulty.json');
    expect(svg).not.toContain('NaN');
  });

  it('refuses a file that is not a bench result', async () => {
    const bogus = join(dir, 'bogus.json');
    await writeFile(bogus, '{"hello":1}');
    const { code, stderr } = await shardline(['bench', 'report', bogus], 20_000);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `shardline bench: report: ${bogus} is not a shardline bench result (schema shardline-bench/1)\n`,
    );
  });
});
