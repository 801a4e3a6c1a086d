/**
 * Producer benchmark: our KinesisProducer (PutRecords in JSON, and in CBOR) vs aws-kinesis-agg +
 * @aws-sdk/client-kinesis vs plain SDK PutRecords of 500, each in its own child process (so CPU and
 * peak RSS are its own), against the bundled broker in another child process.
 * Run: pnpm --filter @shardline/bench run producer
 * BENCH_PRODUCER_MS sets the measured load time per row, after BENCH_PRODUCER_WARMUP_MS (default 1000) of the
 * same load that is not measured; BENCH_PRODUCER_ROUNDS (default 3) how many alternating rounds each row
 * runs; BENCH_PRODUCER_MODULE loads KinesisProducer from another build (an A/B run against an older dist: nothing is written to bench/README.md then, and only our
 * JSON rows run when that build has no `protocol` option).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { KinesisClient, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import type * as ProducerModule from '@shardline/producer';
import * as hdr from 'hdr-histogram-js';
import { writeReadmeSection } from './readme-section.js';

/** The part of aws-kinesis-agg used here (its bundled typings omit RecordAggregator and need aws-sdk v2). */
interface RecordAggregatorLike {
  aggregateRecords(
    records: { partitionKey: string; data: Uint8Array }[],
    forceFlush: boolean,
    onReady: (error: Error | null, encoded: { partitionKey: string; data: Buffer }) => void,
  ): void;
  flushBufferedRecords(onReady: (error: Error | null, encoded: { partitionKey: string; data: Buffer }) => void): void;
  length(): number;
}
/**
 * The baselines' libraries, loaded only by the processes that use them: each client process holds its own
 * library and no other's (a loaded SDK is ~2.4 MB of heap that every full collection marks).
 */
function loadAggregator(): new () => RecordAggregatorLike {
  return (createRequire(import.meta.url)('aws-kinesis-agg') as { RecordAggregator: new () => RecordAggregatorLike })
    .RecordAggregator;
}

const SELF = fileURLToPath(import.meta.url);
const BROKER_CHILD = fileURLToPath(new URL('./broker-child.js', import.meta.url));
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };
const DURATION_MS = Number(process.env.BENCH_PRODUCER_MS ?? 5000);
const WARMUP_MS = Number(process.env.BENCH_PRODUCER_WARMUP_MS ?? 1000);
const SHARDS = 8;
const CHUNK = 500;
const CONNECTIONS = 24;
const WINDOW = Number(process.env.BENCH_PRODUCER_WINDOW ?? 50_000);
/** The broker's maxRetainedBytes, in MiB; 0 keeps every record (the broker's default). */
const BROKER_RETAINED_MIB = Number(process.env.BENCH_PRODUCER_BROKER_RETAINED_MIB ?? 256);

/**
 * Rounds of every row, run alternately; each row reports its median round. The VM's speed drifts by
 * ±15 % within minutes, so one run per row can put a fast phase under one client and a slow one under
 * the next.
 */
const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_PRODUCER_ROUNDS ?? 3)));

type Scenario = 'ours' | 'ours-many' | 'ours-cbor' | 'agg-sdk' | 'sdk';
/** Every row, in the order the tables list them. */
const SCENARIOS: readonly Scenario[] = ['ours', 'ours-many', 'ours-cbor', 'agg-sdk', 'sdk'];
const PRODUCER_MODULE = process.env.BENCH_PRODUCER_MODULE;

async function loadProducer(): Promise<typeof ProducerModule.KinesisProducer> {
  return ((await import(PRODUCER_MODULE ?? '@shardline/producer')) as typeof ProducerModule).KinesisProducer;
}

interface Result {
  readonly scenario: Scenario;
  readonly size: number;
  readonly records: number;
  readonly seconds: number;
  readonly cpuNsPerRecord: number;
  readonly p50: number;
  readonly p99: number;
  readonly peakRssMb: number;
  readonly failed: number;
  readonly note?: string;
}

interface RowResult extends Result {
  readonly round: number;
  readonly brokerCpuPct: number;
  readonly brokerRssMb: number;
}

/** A client that failed more records than it stored (aws-kinesis-agg at 1 KiB): no ratio to it means anything. */
function failedOutright(r: Result): boolean {
  return r.failed > r.records;
}

/** The round with the median rate (the lower middle one of an even count), or undefined for none. */
function medianRow(rounds: readonly RowResult[]): RowResult | undefined {
  const sorted = [...rounds].sort((a, b) => a.records / a.seconds - b.records / b.seconds);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

// ---------------------------------------------------------------- child: the broker

// ---------------------------------------------------------------- child: one load generator

function keyPool(): string[] {
  const keys: string[] = new Array(1 << 18);
  const bytes = randomBytes(keys.length * 10);
  for (let i = 0; i < keys.length; i++) keys[i] = bytes.toString('hex', i * 10, i * 10 + 10);
  return keys;
}

async function sdk(url: string): Promise<KinesisClient> {
  const [{ KinesisClient }, { NodeHttpHandler }] = await Promise.all([
    import('@aws-sdk/client-kinesis'),
    import('@smithy/node-http-handler'),
  ]);
  return new KinesisClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { ...CREDENTIALS },
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: CONNECTIONS }) }),
  });
}

async function loadChild(scenario: Scenario, size: number, url: string, stream: string): Promise<void> {
  const keys = keyPool();
  const data = randomBytes(size);
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
  });
  let acked = 0;
  let failed = 0;
  let keyIndex = 0;
  const nextKey = (): string => keys[keyIndex++ & (keys.length - 1)] as string;
  let note: string | undefined;
  /** Runs the scenario's load for `ms`, then waits until everything it put has settled. */
  let phase: (ms: number) => Promise<void>;
  let finish: () => Promise<void>;
  /** Called when the measured phase starts (after the warm-up). */
  let startMeasuring = (): void => {};

  if (scenario === 'ours' || scenario === 'ours-many' || scenario === 'ours-cbor') {
    const KinesisProducer = await loadProducer();
    // The broker runs with limits off, so the client-side shard rate limit (150 % of real Kinesis
    // limits by default) is lifted too; the limits-aws run below keeps the default.
    const producer = new KinesisProducer({
      endpoint: url,
      credentials: CREDENTIALS,
      metricsInterval: 0,
      rateLimit: 1_000_000,
      ...(scenario === 'ours-cbor' ? { protocol: 'cbor' as const } : {}),
    });
    phase = async (ms) => {
      const deadline = performance.now() + ms;
      while (performance.now() < deadline) {
        if (producer.outstanding > WINDOW) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        const start = performance.now();
        if (scenario === 'ours-many') {
          // The batch API: one promise per chunk, one outcome per record.
          const inputs = new Array(CHUNK);
          for (let i = 0; i < CHUNK; i++) inputs[i] = { streamName: stream, partitionKey: nextKey(), data };
          producer.putMany(inputs).then((outcomes) => {
            let ok = 0;
            for (const outcome of outcomes) if (outcome.status === 'fulfilled') ok++;
            acked += ok;
            failed += outcomes.length - ok;
            histogram.recordValueWithCount(Math.max(1, Math.round(performance.now() - start)), CHUNK);
          });
        } else {
          const chunk = new Array(CHUNK);
          for (let i = 0; i < CHUNK; i++)
            chunk[i] = producer.put({ streamName: stream, partitionKey: nextKey(), data });
          Promise.all(chunk).then(
            () => {
              acked += CHUNK;
              histogram.recordValueWithCount(Math.max(1, Math.round(performance.now() - start)), CHUNK);
            },
            () => {
              failed += CHUNK;
            },
          );
        }
        // Yield now and then so acknowledgements and timers run, as in a real service.
        if ((keyIndex & 0x3fff) < CHUNK) await new Promise((resolve) => setImmediate(resolve));
      }
      await producer.flush();
      // flush() settles the puts; one more turn runs the Promise.all reactions that count them.
      await new Promise((resolve) => setImmediate(resolve));
    };
    // The aggregation ratio of the measured phase alone: the warm-up's first records go out unaggregated
    // until ListShards answers.
    let before = { sum: 0, count: 0 };
    startMeasuring = () => {
      const { sum, count } = producer.metrics().metrics.UserRecordsPerKinesisRecord;
      before = { sum, count };
    };
    finish = async () => {
      await producer.close();
      const { sum, count } = producer.metrics().metrics.UserRecordsPerKinesisRecord;
      note = `${((sum - before.sum) / Math.max(1, count - before.count)).toFixed(0)} rec/agg`;
    };
  } else {
    const client = await sdk(url);
    const { PutRecordsCommand } = await import('@aws-sdk/client-kinesis');
    let inFlight = 0;
    const queue: { records: { Data: Uint8Array; PartitionKey: string }[]; chunks: Map<Chunk, number> }[] = [];
    interface Chunk {
      readonly start: number;
      pending: number;
    }
    const settle = (chunks: Map<Chunk, number>, ok: boolean): void => {
      for (const [chunk, count] of chunks) {
        chunk.pending -= count;
        if (ok) acked += count;
        else failed += count;
        if (chunk.pending === 0 && ok) {
          histogram.recordValueWithCount(Math.max(1, Math.round(performance.now() - chunk.start)), CHUNK);
        }
      }
    };
    const send = (batch: (typeof queue)[number]): void => {
      inFlight++;
      client
        .send(new PutRecordsCommand({ StreamName: stream, Records: batch.records }))
        .then(
          (out: PutRecordsCommandOutput) => settle(batch.chunks, (out.FailedRecordCount ?? 0) === 0),
          () => settle(batch.chunks, false),
        )
        .finally(() => {
          inFlight--;
        });
    };
    // Only the agg-sdk child loads aws-kinesis-agg; the plain SDK child never calls it.
    const aggregator: RecordAggregatorLike | undefined = scenario === 'agg-sdk' ? new (loadAggregator())() : undefined;
    let pendingAggregates: { Data: Uint8Array; PartitionKey: string }[] = [];
    let pendingChunks = new Map<Chunk, number>();
    let aggregateChunks = new Map<Chunk, number>();
    const onAggregate = (error: Error | null, encoded: { partitionKey: string; data: Buffer }): void => {
      if (error) {
        failed++;
        return;
      }
      pendingAggregates.push({ Data: encoded.data, PartitionKey: encoded.partitionKey });
      for (const [chunk, count] of aggregateChunks) pendingChunks.set(chunk, (pendingChunks.get(chunk) ?? 0) + count);
      aggregateChunks = new Map();
      // Four ~1 MiB aggregates stay under PutRecords' 5 MiB.
      if (pendingAggregates.length >= 4) {
        queue.push({ records: pendingAggregates, chunks: pendingChunks });
        pendingAggregates = [];
        pendingChunks = new Map();
      }
    };
    phase = async (ms) => {
      const deadline = performance.now() + ms;
      while (performance.now() < deadline) {
        while (queue.length > 0 && inFlight < CONNECTIONS) send(queue.shift() as (typeof queue)[number]);
        if (inFlight >= CONNECTIONS || queue.length > CONNECTIONS) {
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        const chunk: Chunk = { start: performance.now(), pending: CHUNK };
        if (scenario === 'sdk') {
          const records = new Array(CHUNK);
          for (let i = 0; i < CHUNK; i++) records[i] = { Data: data, PartitionKey: nextKey() };
          queue.push({ records, chunks: new Map([[chunk, CHUNK]]) });
        } else {
          const records = new Array(CHUNK);
          for (let i = 0; i < CHUNK; i++) records[i] = { partitionKey: nextKey(), data };
          // The callback fires before the record that did not fit is added, so aggregateChunks then holds
          // exactly the records of the aggregate being emitted.
          for (const record of records) {
            aggregator?.aggregateRecords([record], false, onAggregate);
            aggregateChunks.set(chunk, (aggregateChunks.get(chunk) ?? 0) + 1);
          }
        }
      }
      if (aggregator !== undefined && aggregator.length() > 0) aggregator.flushBufferedRecords(onAggregate);
      if (pendingAggregates.length > 0) {
        queue.push({ records: pendingAggregates, chunks: pendingChunks });
        pendingAggregates = [];
        pendingChunks = new Map();
      }
      while (queue.length > 0 || inFlight > 0) {
        while (queue.length > 0 && inFlight < CONNECTIONS) send(queue.shift() as (typeof queue)[number]);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    finish = async () => {
      client.destroy();
    };
  }

  // Every client first runs the same load for WARMUP_MS, unmeasured: JIT compilation, connection set-up,
  // heap growth and (ours) the first ListShards would otherwise weigh on a few seconds' figures.
  await phase(WARMUP_MS);
  acked = 0;
  failed = 0;
  histogram.reset();
  startMeasuring();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await phase(DURATION_MS);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await finish();
  const result: Result = {
    scenario,
    size,
    records: acked,
    seconds,
    cpuNsPerRecord: acked === 0 ? 0 : ((cpu.user + cpu.system) * 1000) / acked,
    p50: histogram.getValueAtPercentile(50),
    p99: histogram.getValueAtPercentile(99),
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    failed,
    ...(note === undefined ? {} : { note }),
  };
  if (process.send === undefined) console.log(result);
  else process.send({ type: 'result', result });
}

// ---------------------------------------------------------------- child: the put() pattern alone

/**
 * The load loop's put() pattern with a stand-in that only keeps each put's resolver and settles it
 * WINDOW puts later with a fresh result object: what the calling convention costs by itself.
 */
async function floorChild(): Promise<void> {
  const keys = keyPool();
  const data = randomBytes(100);
  let captured: (value: unknown) => void = () => {};
  const capture = (resolve: (value: unknown) => void): void => {
    captured = resolve;
  };
  const ring: (((value: unknown) => void) | undefined)[] = new Array(WINDOW).fill(undefined);
  let put = 0;
  const fakePut = (input: { streamName: string; partitionKey: string; data: Uint8Array }): Promise<unknown> => {
    const promise = new Promise(capture);
    const slot = put++ % WINDOW;
    ring[slot]?.({ sequenceNumber: '1', subSequenceNumber: put & 511, shardId: input.streamName, attempts: 1 });
    ring[slot] = captured;
    return promise;
  };
  let acked = 0;
  let keyIndex = 0;
  const cpu0 = process.cpuUsage();
  const deadline = performance.now() + Math.min(DURATION_MS, 3000);
  while (performance.now() < deadline) {
    const chunk = new Array(CHUNK);
    for (let i = 0; i < CHUNK; i++) {
      chunk[i] = fakePut({ streamName: 's', partitionKey: keys[keyIndex++ & (keys.length - 1)] as string, data });
    }
    Promise.all(chunk).then(() => {
      acked += CHUNK;
    });
    if ((keyIndex & 0x3fff) < CHUNK) await new Promise((resolve) => setImmediate(resolve));
  }
  for (const resolve of ring) resolve?.(undefined);
  await new Promise((resolve) => setImmediate(resolve));
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ type: 'floor', result: { nsPerRecord: ((cpu.user + cpu.system) * 1000) / Math.max(1, acked) } });
}

async function floorCost(): Promise<number> {
  const child = spawnChild(['--floor']);
  const { nsPerRecord } = await once<{ nsPerRecord: number }>(child, 'floor');
  await new Promise((resolve) => child.once('exit', resolve));
  return nsPerRecord;
}

// ---------------------------------------------------------------- child: rate limits against 'aws' limits

async function limitsChild(url: string, stream: string, shards: number): Promise<void> {
  const keys = keyPool();
  const data = randomBytes(1024);
  const KinesisProducer = await loadProducer();
  const producer = new KinesisProducer({ endpoint: url, credentials: CREDENTIALS, metricsInterval: 0 });
  const perShard = new Map<string, number>();
  const warmupMs = 2000;
  const runMs = Math.max(6000, DURATION_MS + warmupMs);
  const t0 = performance.now();
  let failed = 0;
  const failures = new Map<string, number>();
  let keyIndex = 0;
  while (performance.now() - t0 < runMs) {
    if (producer.outstanding > 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      continue;
    }
    for (let i = 0; i < 100; i++) {
      const partitionKey = keys[keyIndex++ & (keys.length - 1)] as string;
      producer.put({ streamName: stream, partitionKey, data }).then(
        (r) => {
          const at = performance.now() - t0;
          if (at >= warmupMs && at < runMs) perShard.set(r.shardId, (perShard.get(r.shardId) ?? 0) + 1024 + 20);
        },
        (error: { code?: string; awsErrorCode?: string }) => {
          failed++;
          const code = error.awsErrorCode ?? error.code ?? 'unknown';
          failures.set(code, (failures.get(code) ?? 0) + 1);
        },
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  const measured = (performance.now() - t0 - warmupMs) / 1000;
  const errors = producer.metrics().errorsByCode;
  await producer.close();
  const utilisation = [...perShard.values()].map((bytes) => bytes / measured / 1_048_576);
  process.send?.({
    type: 'limits',
    result: {
      shards,
      shardsSeen: perShard.size,
      minShardMiBps: Math.min(...utilisation),
      meanShardMiBps: utilisation.reduce((a, b) => a + b, 0) / Math.max(1, utilisation.length),
      failed,
      failures: Object.fromEntries(failures),
      internalThrottles: errors.ProvisionedThroughputExceededException ?? 0,
    },
  });
}

// ---------------------------------------------------------------- parent

// Every client (and the broker) runs with the same young-generation size: 128 MiB semi-spaces are what a
// service at these rates would set, and the default 16 MiB makes GC a third of every client's CPU.
const SEMI_SPACE_MIB = Number(process.env.BENCH_PRODUCER_SEMI_SPACE_MIB ?? 128);

// The broker alone runs its garbage collector on its own thread: its heap is small (~12 MB) but its external
// memory churns (every socket chunk of every body is a fresh buffer), and V8 keeps an incremental marking
// cycle going almost without pause. With helper threads that concurrent marking took 15-20 % of a core on
// this 2-core VM, in bursts that preempt the client being measured; on its own thread it costs the broker
// ~8 % of a core more and leaves the rest to the clients (BENCH_PRODUCER_BROKER_FLAGS, '' for none).
const BROKER_FLAGS = (process.env.BENCH_PRODUCER_BROKER_FLAGS ?? '--single-threaded-gc').split(' ').filter(Boolean);

function spawnChild(args: string[], flags: readonly string[] = [], script = SELF): ChildProcess {
  const execArgv = [...process.execArgv, ...flags];
  if (SEMI_SPACE_MIB > 0) execArgv.push(`--max-semi-space-size=${SEMI_SPACE_MIB}`);
  return fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function once<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: { type: string } & Record<string, unknown>): void => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve((message.result ?? message) as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before sending ${type}`)));
  });
}

async function withBroker<T>(
  limits: 'off' | 'aws',
  body: (url: string, broker: ChildProcess) => Promise<T>,
): Promise<T> {
  // Nobody reads the stream back, so the broker keeps only the newest records (BROKER_RETAINED_MIB) and
  // reuses their memory: storing every row's gigabyte in fresh pages costs it 10-25 % more CPU (page
  // zeroing, collections prompted by external memory), CPU the client under test shares on this machine.
  const options = {
    port: 0,
    limits,
    createStreamMs: 0,
    ...(BROKER_RETAINED_MIB > 0 ? { maxRetainedBytes: BROKER_RETAINED_MIB * 2 ** 20 } : {}),
  };
  const broker = spawnChild([JSON.stringify(options)], BROKER_FLAGS, BROKER_CHILD);
  const { url } = await once<{ url: string }>(broker, 'ready');
  try {
    return await body(url, broker);
  } finally {
    broker.send({ type: 'close' });
    await new Promise((resolve) => broker.once('exit', resolve));
  }
}

async function createStream(url: string, name: string, shards: number): Promise<void> {
  const client = await sdk(url);
  const { CreateStreamCommand, DescribeStreamSummaryCommand } = await import('@aws-sdk/client-kinesis');
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  client.destroy();
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  const results: RowResult[] = [];
  let run = 0;
  for (const size of [100, 1024]) {
    const scenarios: readonly Scenario[] = PRODUCER_MODULE === undefined ? SCENARIOS : ['ours'];
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts one row later, so that no row always runs in the same place as the machine drifts.
      for (let k = 0; k < scenarios.length; k++) {
        const scenario = scenarios[(round + k) % scenarios.length] as Scenario;
        // A fresh broker per run keeps earlier runs' data out of its memory and CPU figures.
        const result = await withBroker('off', async (url, broker) => {
          const stream = `bench-${size}-${scenario}-${run++}`;
          await createStream(url, stream, SHARDS);
          const before = await usage(broker);
          const child = spawnChild(['--load', scenario, String(size), url, stream]);
          const r = await once<Result>(child, 'result');
          await new Promise((resolve) => child.once('exit', resolve));
          const after = await usage(broker);
          return {
            ...r,
            round,
            brokerCpuPct: ((after.cpuUs - before.cpuUs) / 1e6 / r.seconds) * 100,
            brokerRssMb: after.maxRss / 2 ** 20,
          };
        });
        results.push(result);
        process.stderr.write(
          `round ${round + 1}/${ROUNDS} ${scenario} ${size} B: ${fmt(result.records / result.seconds)} rec/s\n`,
        );
      }
    }
  }
  const limits = await withBroker('aws', async (url) => {
    const stream = `bench-limits-${run++}`;
    const shards = 4;
    await createStream(url, stream, shards);
    const child = spawnChild(['--limits', url, stream, String(shards)]);
    const r = await once<Record<string, unknown>>(child, 'limits');
    await new Promise((resolve) => child.once('exit', resolve));
    return r;
  });

  const lines: string[] = [];
  lines.push(
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ` +
      `${SHARDS}-shard stream, broker with limits off in its own process, each client in its own process, ` +
      `${DURATION_MS / 1000} s of measured load per row${ROUNDS > 1 ? ` (median of ${ROUNDS} rounds)` : ''} after ${WARMUP_MS / 1000} s of the same load unmeasured (JIT, connections, heap growth, our first ListShards), random 20-character partition keys.`,
  );
  lines.push('');
  lines.push(
    '| client | record | user rec/s | MB/s | client CPU ns/rec | p50 ms | p99 ms | client peak RSS MB | broker CPU % | failed |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  const names: Record<Scenario, string> = {
    ours: '@shardline/producer',
    'ours-many': '@shardline/producer, putMany() of 500',
    'ours-cbor': "@shardline/producer, protocol 'cbor'",
    'agg-sdk': 'aws-kinesis-agg + SDK',
    sdk: 'SDK PutRecords x500',
  };
  const median = (scenario: Scenario, size: number): RowResult | undefined =>
    medianRow(results.filter((x) => x.scenario === scenario && x.size === size));
  const medians = [100, 1024].flatMap((size) => SCENARIOS.map((scenario) => median(scenario, size)));
  for (const r of medians) {
    if (r === undefined) continue;
    const rate = r.records / r.seconds;
    lines.push(
      `| ${names[r.scenario]}${r.note ? ` (${r.note})` : ''} | ${r.size} B | ${fmt(rate)} | ${fmt((rate * r.size) / 1e6, 1)} | ${fmt(r.cpuNsPerRecord)} | ${r.p50} | ${r.p99} | ${fmt(r.peakRssMb)} | ${fmt(r.brokerCpuPct)} | ${r.failed} |`,
    );
  }
  if (ROUNDS > 1) {
    lines.push('');
    lines.push(
      `Each row above is the median of ${ROUNDS} rounds by user records/s; the rounds ran alternately, each one starting one row later. Every round, in run order (thousands of user records/s):`,
    );
    lines.push('');
    for (const size of [100, 1024]) {
      const cells = SCENARIOS.flatMap((scenario) => {
        const rounds = results.filter((x) => x.scenario === scenario && x.size === size);
        return rounds.length === 0
          ? []
          : [`${names[scenario]} ${rounds.map((x) => fmt(x.records / x.seconds / 1000)).join(' / ')}`];
      });
      const rateIn = (scenario: Scenario, round: number): number | undefined => {
        const r = results.find((x) => x.scenario === scenario && x.size === size && x.round === round);
        return r === undefined || failedOutright(r) ? undefined : r.records / r.seconds;
      };
      const ratios = (baseline: Scenario): string =>
        Array.from({ length: ROUNDS }, (_, round) => {
          const ours = rateIn('ours', round);
          const base = rateIn(baseline, round);
          return ours === undefined || base === undefined ? 'n/a' : `${fmt(ours / base, 2)}x`;
        }).join(' / ');
      lines.push(
        `- ${size} B: ${cells.join('; ')}. Within each round, ours ÷ agg+SDK ${ratios('agg-sdk')}, ours ÷ plain SDK ${ratios('sdk')}.`,
      );
    }
  }
  lines.push('');
  if (PRODUCER_MODULE !== undefined) {
    // An A/B run of another build: its rows only, nothing written.
    lines.push(`KinesisProducer from ${PRODUCER_MODULE}; load average ${loadavg()[0]?.toFixed(1)}.`);
    console.log(lines.join('\n'));
    return;
  }
  const mark = (ok: boolean): string => (ok ? '✓' : '✗');
  for (const size of [100, 1024]) {
    const row = (s: Scenario): Result => median(s, size) as Result;
    const rate = (s: Scenario): number => row(s).records / row(s).seconds;
    const agg = row('agg-sdk');
    const aggBroken = failedOutright(agg);
    const vsAgg = aggBroken
      ? 'ours / agg+SDK: n/a (the baseline failed, see below)'
      : `ours / agg+SDK = ${fmt(rate('ours') / rate('agg-sdk'), 2)}x (target ≥ 2x ${mark(rate('ours') >= 2 * rate('agg-sdk'))})`;
    lines.push(
      `- ${size} B: ${vsAgg}, ours / plain SDK = ${fmt(rate('ours') / rate('sdk'), 2)}x (target ≥ 3x ${mark(rate('ours') >= 3 * rate('sdk'))})` +
        (size === 100
          ? `; ours ${fmt(rate('ours'))} rec/s (target ≥ 1,000,000 ${mark(rate('ours') >= 1_000_000)})`
          : '') +
        `; with protocol 'cbor': ${aggBroken ? '' : `${fmt(rate('ours-cbor') / rate('agg-sdk'), 2)}x agg+SDK, `}${fmt(rate('ours-cbor') / rate('sdk'), 2)}x plain SDK, ${fmt(rate('ours-cbor'))} rec/s` +
        `; with putMany(): ${aggBroken ? '' : `${fmt(rate('ours-many') / rate('agg-sdk'), 2)}x agg+SDK, `}${fmt(rate('ours-many') / rate('sdk'), 2)}x plain SDK, ${fmt(rate('ours-many'))} rec/s`,
    );
  }
  const floor = await floorCost();
  lines.push(
    `- The put() call pattern alone, without any producer (a Promise per put with its \`.then\`, the input object, a result object, settled first in first out ${fmt(WINDOW)} puts later as the load loop keeps that many outstanding): ${fmt(floor)} ns CPU per record in this run. Its cost is mostly the young-generation GC copying the outstanding promises, so it grows with the window; it is included in every "ours" CPU figure above.`,
  );
  lines.push(
    `- limits aws, 4 shards, 1 KiB records, offered load above the limits: per-shard stored user bytes min ${fmt(limits.minShardMiBps as number, 2)} / mean ${fmt(limits.meanShardMiBps as number, 2)} MiB/s ` +
      `(${limits.shardsSeen}/${limits.shards} shards), throttled answers retried internally: ${limits.internalThrottles}, errors surfaced to callers: ${limits.failed}` +
      (Object.keys(limits.failures as object).length > 0 ? ` (${JSON.stringify(limits.failures)})` : ''),
  );
  lines.push('');
  lines.push(
    `Machine load average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' / ',
      )} (1/5/15 min) on ${cpus().length} cores${(loadavg()[0] ?? 0) > cpus().length * 1.25 ? ', shared with other jobs: every figure is depressed and noisy' : ''}.`,
  );
  lines.push('');
  lines.push('Notes:');
  lines.push(
    `- Every process runs with \`--max-semi-space-size=${SEMI_SPACE_MIB}\` (\`BENCH_PRODUCER_SEMI_SPACE_MIB\`, 0 for V8's default): the same for every client.`,
    BROKER_RETAINED_MIB > 0
      ? `- The broker keeps the newest ${BROKER_RETAINED_MIB} MiB of records (\`maxRetainedBytes\`; \`BENCH_PRODUCER_BROKER_RETAINED_MIB\`, 0 to keep all) and reuses the memory of older ones: nothing reads them back here, and storing every row's gigabyte in fresh pages costs the broker, on the CPU all clients share, 10-25 % more CPU per record (page zeroing and the collections external memory prompts).`
      : '- The broker keeps every record (`BENCH_PRODUCER_BROKER_RETAINED_MIB=0`).',
    BROKER_FLAGS.length > 0
      ? `- The broker process alone also runs with \`${BROKER_FLAGS.join(' ')}\` (\`BENCH_PRODUCER_BROKER_FLAGS\`): its small heap with fast-churning external memory keeps V8 marking almost continuously, and on helper threads that took 15-20 % of a core from the client measured beside it on these two cores. It runs bench/src/broker-child.ts, which loads the broker alone, and each client process loads only its own library (both since 2026-12-07): before, every process loaded the SDK and aws-kinesis-agg, and the broker's full collections marked twice its own heap.`
      : "- The broker process runs with V8's default (parallel and concurrent) garbage collection (`BENCH_PRODUCER_BROKER_FLAGS=`).",
    "- Every process runs compiled JavaScript under plain node, as services run the packages. Until 2026-11-22 the bench ran under a TypeScript loader (tsx), which also transformed our packages' dist files (not the SDK's, under node_modules): its esbuild keepNames wrapped every function our code creates, which cost our producer ~25 % more CPU per record (880 against 1,190 ns in alternating harness runs) and slowed the broker child; earlier figures for our rows are depressed by it.",
    '- Limits-off rows run our producer with `rateLimit: 1000000`: its default per-shard limiter (150 % of real Kinesis shard limits) would otherwise cap it at ~12 MiB/s on 8 shards. The limits-aws row uses the defaults.',
  );
  lines.push(
    "- The putMany() row drives the same load through `putMany()` in chunks of 500 (one promise and one array of outcomes per chunk) instead of 500 `put()` calls; everything else is the first row's configuration.",
  );
  lines.push(
    "- Latency is put() to acknowledgement, recorded per chunk of 500 records at the chunk's last acknowledgement (an upper bound for its records). It mostly reflects how many records each client keeps outstanding: ours up to 50,000 (`BENCH_PRODUCER_WINDOW`), the SDK paths 24 requests in flight plus a short queue.",
  );
  lines.push(
    '- aws-kinesis-agg fills aggregates to 1 MiB of protobuf without counting the outer partition key, so with 1 KiB records its Kinesis records exceed the 1 MiB limit and the broker rejects them ("failed" counts user records); this is the library\'s known limit, not a harness error.',
  );
  lines.push(
    "- Client CPU per record includes hashing, aggregation with its MD5 trailer, base64 (none with protocol 'cbor'), the SigV4 SHA-256 of every body and the socket writes, on every thread of the client process: our producer runs with its defaults `sendThread: 'worker'` and `sendWorkers: 2`, so the body writing, signing and HTTP run on worker threads (one since 2026-11-22 12:27, two since 2026-12-07), in parallel with the thread that calls put(). Our producer computes the MD5 of partition keys and of the aggregates of one request eight at a time in AVX2 lanes (native codec), and signs with node:crypto's SHA-256 (SHA-NI) once per body.",
  );
  lines.push(
    "- Protocol 'cbor' rows depend on the broker's CBOR decoding as much as on the client: they measure the broker build of this run.",
  );
  const table = lines.join('\n');
  console.log(table);
  writeReadmeSection(
    '## Producer',
    `Command: \`pnpm run build && pnpm --filter @shardline/bench run producer\` (BENCH_PRODUCER_MS sets the measured load time per row, BENCH_PRODUCER_WARMUP_MS the unmeasured warm-up before it, BENCH_PRODUCER_ROUNDS how many alternating rounds each row runs, reporting its median; BENCH_PRODUCER_MODULE=<path to a build's dist/index.js> runs only our JSON rows against that build, for A/B, and writes nothing).\n\n${table}`,
  );
}

async function usage(broker: ChildProcess): Promise<{ cpuUs: number; maxRss: number }> {
  const reply = once<{ cpuUs: number; maxRss: number }>(broker, 'usage');
  broker.send({ type: 'usage' });
  return reply;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === '--load') await loadChild(args[0] as Scenario, Number(args[1]), args[2] as string, args[3] as string);
else if (mode === '--floor') await floorChild();
else if (mode === '--limits') await limitsChild(args[0] as string, args[1] as string, Number(args[2]));
else await main();
