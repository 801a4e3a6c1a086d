/**
 * Consumer benchmark. Against the bundled broker (limits off, its own process):
 *  1. backlog: W worker processes (KinesisConsumer, default settings, TRIM_HORIZON) read and de-aggregate a
 *     backlog of shard-aware KPL aggregates of 100-byte user records; user records/s across workers;
 *  2. failover after kill -9 of one of two workers, default settings (failoverTimeMillis 10 000);
 *  3. handoff after graceful close() of one of two workers, default settings;
 *  4. DynamoDB calls per held lease per minute at steady state (renewals, scans, checkpoints).
 * Leases live in an embedded DynamoDB (dynalite) in this process, shared by the workers.
 * Run: pnpm run build && pnpm --filter @shardline/bench run consumer
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { KinesisConsumer, startEmbeddedDynamoDb } from '@shardline/consumer';
import { encodeAggregatedRecord, partitionKeyHash, splitHashKeyRange } from '@shardline/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { writeReadmeSection } from './readme-section.js';

const SELF = fileURLToPath(import.meta.url);
const BROKER_CHILD = fileURLToPath(new URL('./broker-child.js', import.meta.url));
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };
const BACKLOG_SHARDS = 8;
const PER_AGGREGATE = 7_000;
const AGGREGATES_PER_SHARD = Number(process.env.BENCH_CONSUMER_AGGREGATES_PER_SHARD ?? 40);
const FAILOVER_RUNS = Number(process.env.BENCH_CONSUMER_FAILOVER_RUNS ?? 3);
const DDB_WINDOW_MS = Number(process.env.BENCH_CONSUMER_DDB_MS ?? 30_000);
/** GetRecords wire protocol of the workers; unset = the consumer's default (CBOR). */
const PROTOCOL = ((): 'cbor' | 'json' | undefined => {
  const value = process.env.BENCH_CONSUMER_PROTOCOL;
  if (value === undefined || value === '') return undefined;
  if (value !== 'cbor' && value !== 'json') throw new Error('BENCH_CONSUMER_PROTOCOL must be cbor or json');
  return value;
})();

// ---------------------------------------------------------------- children

/** One worker with default settings; reports progress and owned shards every 50 ms. */
async function workerChild(url: string, dynamo: string, stream: string, app: string, workerId: string): Promise<void> {
  const consumer = new KinesisConsumer({
    streamName: stream,
    applicationName: app,
    workerId,
    endpoint: url,
    dynamoDbEndpoint: dynamo,
    credentials: CREDENTIALS,
    initialPosition: 'TRIM_HORIZON',
    ...(PROTOCOL === undefined ? {} : { getRecordsProtocol: PROTOCOL }),
  });
  let records = 0;
  const lastSeq: Record<string, string> = {};
  await consumer.run({
    eachBatch: ({ records: batch, shardId }) => {
      records += batch.length;
      const last = batch[batch.length - 1];
      if (last !== undefined) lastSeq[shardId] = last.sequenceNumber;
    },
  });
  const report = (): void => {
    const metrics = consumer.metrics();
    process.send?.({
      type: 'progress',
      records,
      lastSeq,
      owned: consumer.ownedShards().length,
      ddbCalls: metrics.DynamoDbCalls,
      cpuUs: cpuUs(),
    });
  };
  const timer = setInterval(report, 50);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'close') {
      clearInterval(timer);
      consumer.close().then(() => process.exit(0));
    }
  });
  report();
}

function cpuUs(): number {
  const cpu = process.cpuUsage();
  return cpu.user + cpu.system;
}

// ---------------------------------------------------------------- parent helpers

interface Progress {
  records: number;
  lastSeq: Record<string, string>;
  owned: number;
  ddbCalls: number;
  cpuUs: number;
}

function spawnChild(args: string[]): ChildProcess {
  const profile =
    process.env.BENCH_CONSUMER_PROFILE === '1' && args[0] === '--worker'
      ? ['--cpu-prof', '--cpu-prof-dir=/tmp/consumer-prof']
      : [];
  return fork(SELF, args, {
    execArgv: [...process.execArgv, ...profile],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

class Worker {
  readonly child: ChildProcess;
  progress: Progress = { records: 0, lastSeq: {}, owned: 0, ddbCalls: 0, cpuUs: 0 };
  constructor(url: string, dynamo: string, stream: string, app: string, id: string) {
    this.child = spawnChild(['--worker', url, dynamo, stream, app, id]);
    this.child.on('message', (message: { type: string } & Progress) => {
      if (message.type === 'progress') this.progress = message;
    });
  }
  exited(): Promise<void> {
    return this.child.exitCode !== null || this.child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => this.child.once('exit', () => resolve()));
  }
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.send({ type: 'close' });
    await this.exited();
  }
}

async function waitFor(predicate: () => boolean, timeoutMs: number, what: string, stepMs = 10): Promise<number> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return performance.now() - start;
}

function sdk(url: string): KinesisClient {
  return new KinesisClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { ...CREDENTIALS },
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }), requestTimeout: 60_000 }),
  });
}

async function createStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** CPU time (µs) the broker process has used so far. */
type BrokerCpu = () => Promise<number>;

async function withBroker<T>(body: (url: string, brokerCpu: BrokerCpu) => Promise<T>): Promise<T> {
  const broker = fork(
    BROKER_CHILD,
    [JSON.stringify({ port: 0, limits: 'off', createStreamMs: 0, updateStreamMs: 0 })],
    {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const url = await new Promise<string>((resolve) => broker.once('message', (m: { url: string }) => resolve(m.url)));
  const brokerCpu: BrokerCpu = () =>
    new Promise((resolve) => {
      const listener = (m: { type: string; cpuUs: number }): void => {
        if (m.type !== 'usage') return;
        broker.off('message', listener);
        resolve(m.cpuUs);
      };
      broker.on('message', listener);
      broker.send({ type: 'usage' });
    });
  try {
    return await body(url, brokerCpu);
  } finally {
    broker.send({ type: 'close' });
    await new Promise((resolve) => broker.once('exit', resolve));
  }
}

/** Fills each shard with aggregates whose every user record hashes into that shard (as the KPL does). */
async function fillBacklog(
  client: KinesisClient,
  stream: string,
): Promise<{ total: number; lastSeq: Map<string, bigint> }> {
  const ranges = splitHashKeyRange(BACKLOG_SHARDS);
  const lastSeq = new Map<string, bigint>();
  let total = 0;
  for (let shard = 0; shard < BACKLOG_SHARDS; shard++) {
    const range = ranges[shard] as { startingHashKey: bigint; endingHashKey: bigint };
    // Finding keys that hash into the shard takes BACKLOG_SHARDS tries each: find one aggregate's worth per
    // shard and reuse them (every aggregate still carries PER_AGGREGATE distinct keys, with fresh data).
    const partitionKeys: string[] = [];
    while (partitionKeys.length < PER_AGGREGATE) {
      const partitionKey = randomBytes(10).toString('hex');
      const hash = partitionKeyHash(partitionKey);
      if (hash >= range.startingHashKey && hash <= range.endingHashKey) partitionKeys.push(partitionKey);
    }
    const aggregates: Buffer[] = [];
    for (let a = 0; a < AGGREGATES_PER_SHARD; a++) {
      const records = partitionKeys.map((partitionKey) => ({ partitionKey, data: randomBytes(100) }));
      aggregates.push(encodeAggregatedRecord(records));
      total += records.length;
    }
    for (let i = 0; i < aggregates.length; i += 4) {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: aggregates
            .slice(i, i + 4)
            .map((data) => ({ PartitionKey: 'a', ExplicitHashKey: range.startingHashKey.toString(), Data: data })),
        }),
      );
      if ((out.FailedRecordCount ?? 0) > 0) throw new Error('backlog put failed');
      for (const entry of out.Records ?? []) {
        const seq = BigInt(entry.SequenceNumber ?? '0');
        if (seq > (lastSeq.get(entry.ShardId ?? '') ?? 0n)) lastSeq.set(entry.ShardId ?? '', seq);
      }
    }
  }
  return { total, lastSeq };
}

// ---------------------------------------------------------------- scenarios

interface BacklogResult {
  workers: number;
  records: number;
  /** Records handed over twice: a steal while the fleet balances restarts from the victim's last checkpoint. */
  redelivered: number;
  seconds: number;
  /** User records/s from the first record handed over to the last (startup excluded). */
  drainRate: number;
  cpuNsPerRecord: number;
  /** Worker and broker CPU per user record while draining (first to last record). */
  workerDrainNsPerRecord: number;
  brokerDrainNsPerRecord: number;
  /** 1-minute load average when the backlog was drained (other programs share the machine). */
  load: number;
}

async function backlog(workers: number): Promise<BacklogResult> {
  return withBroker(async (url, brokerCpu) => {
    const client = sdk(url);
    const dynamo = await startEmbeddedDynamoDb(undefined);
    try {
      await createStream(client, 'backlog', BACKLOG_SHARDS);
      const { total, lastSeq } = await fillBacklog(client, 'backlog');
      const start = performance.now();
      const fleet = Array.from(
        { length: workers },
        (_, i) => new Worker(url, dynamo.endpoint, 'backlog', `backlog-${workers}`, `w${i}`),
      );
      const sum = (): number => fleet.reduce((s, w) => s + w.progress.records, 0);
      // Reading starts once every lease is held and records flow; startup (table creation, discovery,
      // shard sync, lease taking) is in `seconds` but not in the drain rate.
      const owned = (): number => fleet.reduce((s, w) => s + w.progress.owned, 0);
      await waitFor(() => sum() > 0 && owned() >= BACKLOG_SHARDS, 60_000, 'leases taken and first record', 5);
      const firstAt = performance.now();
      const firstCount = sum();
      const workerCpu = (): number => fleet.reduce((s, w) => s + w.progress.cpuUs, 0);
      const firstWorkerCpu = workerCpu();
      const firstBrokerCpu = await brokerCpu();
      // Done when every shard's last record was handed over (steals while balancing may redeliver some).
      const drained = (): boolean =>
        [...lastSeq].every(([shardId, seq]) => fleet.some((w) => BigInt(w.progress.lastSeq[shardId] ?? '0') >= seq));
      await waitFor(drained, 300_000, 'backlog drained', 5);
      const end = performance.now();
      const lastBrokerCpu = await brokerCpu();
      // Worker progress (and its CPU figure) arrives every 50 ms: let the last report land.
      await new Promise((r) => setTimeout(r, 120));
      const drainedRecords = sum() - firstCount;
      const workerDrainNsPerRecord = ((workerCpu() - firstWorkerCpu) * 1000) / drainedRecords;
      const brokerDrainNsPerRecord = ((lastBrokerCpu - firstBrokerCpu) * 1000) / drainedRecords;
      const seconds = (end - start) / 1000;
      const drainRate = (total - firstCount) / ((end - firstAt) / 1000);
      const cpu = fleet.reduce((s, w) => s + w.progress.cpuUs, 0);
      await Promise.all(fleet.map((w) => w.close()));
      if (sum() < total) throw new Error(`read ${sum()} records, expected at least ${total}`);
      return {
        workers,
        records: total,
        redelivered: sum() - total,
        seconds,
        drainRate,
        cpuNsPerRecord: (cpu * 1000) / sum(),
        workerDrainNsPerRecord,
        brokerDrainNsPerRecord,
        load: loadavg()[0] ?? 0,
      };
    } finally {
      client.destroy();
      await dynamo.close();
    }
  });
}

interface FleetResult {
  killMs: number[];
  gracefulMs: number[];
  ddbPerLeasePerMinute: number;
}

async function fleet(): Promise<FleetResult> {
  return withBroker(async (url) => {
    const client = sdk(url);
    const dynamo = await startEmbeddedDynamoDb(undefined);
    const result: FleetResult = { killMs: [], gracefulMs: [], ddbPerLeasePerMinute: 0 };
    try {
      for (let run = 0; run < FAILOVER_RUNS * 2; run++) {
        const graceful = run % 2 === 1;
        const stream = `fleet-${run}`;
        await createStream(client, stream, 4);
        const a = new Worker(url, dynamo.endpoint, stream, `app-${run}`, 'a');
        const b = new Worker(url, dynamo.endpoint, stream, `app-${run}`, 'b');
        await waitFor(() => a.progress.owned === 2 && b.progress.owned === 2, 60_000, 'balanced fleet');
        if (run === 0) {
          // Steady state: two workers holding two leases each, light traffic so checkpoints happen too.
          let producing = true;
          const producer = (async () => {
            let n = 0;
            while (producing) {
              await client.send(
                new PutRecordsCommand({
                  StreamName: stream,
                  Records: Array.from({ length: 10 }, () => ({ PartitionKey: `k${n++}`, Data: randomBytes(100) })),
                }),
              );
              await new Promise((r) => setTimeout(r, 1000));
            }
          })();
          const before = a.progress.ddbCalls + b.progress.ddbCalls;
          await new Promise((r) => setTimeout(r, DDB_WINDOW_MS));
          const calls = a.progress.ddbCalls + b.progress.ddbCalls - before;
          producing = false;
          await producer;
          result.ddbPerLeasePerMinute = calls / 4 / (DDB_WINDOW_MS / 60_000);
        }
        if (graceful) a.child.send({ type: 'close' });
        else a.child.kill('SIGKILL');
        const ms = await waitFor(() => b.progress.owned === 4, 60_000, 'survivor owning all shards');
        (graceful ? result.gracefulMs : result.killMs).push(ms);
        await a.exited();
        await b.close();
      }
      return result;
    } finally {
      client.destroy();
      await dynamo.close();
    }
  });
}

// ---------------------------------------------------------------- main

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Which worker counts read the backlog at 1,000,000 user records/s or more, in words. */
function backlogVerdict(rows: readonly { workers: number; drainRate: number }[]): string {
  const met = rows.filter((r) => r.drainRate >= 1_000_000).map((r) => r.workers);
  const missed = rows.filter((r) => r.drainRate < 1_000_000).map((r) => r.workers);
  if (missed.length === 0) return 'The backlog target is met with every worker count';
  if (met.length === 0) return 'The backlog target is not met on this machine';
  return `The backlog target is met with W=${met.join(', ')} and not with W=${missed.join(', ')}`;
}

async function main(): Promise<void> {
  const rows: BacklogResult[] = [];
  for (const workers of [1, 2]) {
    const r = await backlog(workers);
    console.log(
      `backlog W=${workers}: ${fmt(r.records / r.seconds)} user rec/s overall, ${fmt(r.drainRate)} first-to-last; CPU ns/rec while draining: workers ${fmt(r.workerDrainNsPerRecord)}, broker ${fmt(r.brokerDrainNsPerRecord)}; worker CPU ns/rec incl. startup ${fmt(r.cpuNsPerRecord)}; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    rows.push(r);
  }
  if (process.env.BENCH_CONSUMER_BACKLOG_ONLY === '1') return;
  const f = await fleet();
  const stats = (xs: number[]): string =>
    `${fmt(Math.min(...xs) / 1000, 1)} / ${fmt(xs.reduce((a, b) => a + b, 0) / xs.length / 1000, 1)} / ${fmt(Math.max(...xs) / 1000, 1)}`;
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}; broker (limits off) in its own process, each worker in its own process, leases in an embedded dynalite in the bench process. Workers use default settings (initial position TRIM_HORIZON). 1-minute load average when each backlog run ended: ${rows.map((r) => r.load.toFixed(2)).join(' / ')}.`,
    '',
    `Backlog: ${BACKLOG_SHARDS} shards, ${fmt(rows[0]?.records ?? 0)} user records of 100 bytes in shard-aware KPL aggregates of ${fmt(PER_AGGREGATE)} (random 20-character partition keys). "seconds" runs from worker start (process start, table creation, discovery delay, shard sync, lease taking) until every user record was handed to the handler; "first to last record" counts only reading, from the moment every lease is held and records flow.`,
    '',
    '| workers | user records | redelivered | seconds (incl. startup) | user rec/s (incl. startup) | user rec/s (first to last record) | worker CPU ns/rec (incl. startup) | worker CPU ns/rec (draining) | broker CPU ns/rec (draining) | target ≥ 1,000,000 rec/s |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.workers} | ${fmt(r.records)} | ${fmt(r.redelivered)} | ${fmt(r.seconds, 2)} | ${fmt(r.records / r.seconds)} | ${fmt(r.drainRate)} | ${fmt(r.cpuNsPerRecord)} | ${fmt(r.workerDrainNsPerRecord)} | ${fmt(r.brokerDrainNsPerRecord)} | ${r.drainRate >= 1_000_000 ? 'met' : 'not met'} |`,
    ),
    '',
    `Leases: 4-shard stream, two workers (default settings: failoverTimeMillis 10 000, taker 1 500 ms ±20%, renewal 3 308 ms), ${FAILOVER_RUNS} runs each; time from the kill / close() until the survivor owns all 4 shards.`,
    '',
    '| event | min / mean / max seconds | target |',
    '|---|---|---|',
    `| kill -9 of a worker | ${stats(f.killMs)} | ≤ 15 s: ${Math.max(...f.killMs) <= 15_000 ? 'met' : 'not met'} |`,
    `| graceful close() of a worker | ${stats(f.gracefulMs)} | ≤ 2 s: ${Math.max(...f.gracefulMs) <= 2_000 ? 'met' : 'not met'} |`,
    `| DynamoDB calls per lease per minute (2 workers × 2 leases, 10 rec/s, ${DDB_WINDOW_MS / 1000} s window) | ${fmt(f.ddbPerLeasePerMinute, 1)} | — |`,
  ];
  lines.push(
    '',
    'Notes:',
    `- ${backlogVerdict(rows)}. Workers read with ${PROTOCOL ?? 'the default GetRecords protocol (CBOR 1.1)'}${PROTOCOL === undefined ? '' : ' (BENCH_CONSUMER_PROTOCOL)'}. "CPU ns/rec (draining)" is the CPU time the worker processes and the broker process used between the first and the last record, per user record handed over: with the broker and the workers on the same 2 cores, their sum bounds the rate (1,000,000 rec/s needs at most about 2,000 ns/rec in total). Since other programs share the machine, these CPU figures compare runs better than records/s.`,
    '- With CBOR the broker writes record data as byte strings and the worker reads each answer into one buffer, decodes it with a purpose-built decoder and hands out Data as views of it: no base64 on either side and no JSON parsing (`BENCH_CONSUMER_PROTOCOL=json` measures the JSON path). User records are built only when the handler takes them, at most `maxBatchRecords` (1,000) at a time, so neither the prefetch queue nor one 10 MiB answer (~77,000 user records) turns into record objects that would survive young-generation collections. What remains per user record in the worker is de-aggregation (the MD5 of each aggregate, the KCL rule; the batched MD5 of partition keys for the KCL hash-range filter, native codec; one Buffer view and one record object per user record) and garbage collection. `BENCH_CONSUMER_PROFILE=1` writes CPU profiles of the workers to /tmp/consumer-prof.',
    `- With 2 workers both worker processes and the broker share the same 2 cores, so W=2 cannot double W=1. Workers started together register in the worker registry table and wait one taker interval before their first take, so each takes its fair share from the start: ${fmt(rows[1]?.redelivered ?? 0)} records redelivered with 2 workers (385,000 before the registry, when the first worker took all 8 leases and the second stole down to 4/4).`,
    '- Workers and the broker run compiled JavaScript under plain node. Until 2026-11-22 this bench ran under a TypeScript loader (tsx) whose transform of our packages (esbuild keepNames) made them slower than users run them.',
    "- DynamoDB calls per lease per minute at the defaults, derived: about 18 renewals (every 3.3 s), about 12 checkpoints (auto-checkpoint every 5 s while records flow), and per worker, shared by its leases, the taker's consistent Scan of the lease table and of the worker registry every ~1.5 s (about 40 each per minute) plus a registry heartbeat every 3.3 s (about 18 per minute). Here that is (40 + 40 + 18) / 2 per lease; with more leases per worker the per-lease figure falls towards 30.",
  );
  const table = lines.join('\n');
  console.log(table);
  writeReadmeSection(
    '## Consumer',
    `Command: \`pnpm run build && pnpm --filter @shardline/bench run consumer\` (BENCH_CONSUMER_AGGREGATES_PER_SHARD, BENCH_CONSUMER_FAILOVER_RUNS and BENCH_CONSUMER_DDB_MS scale it; BENCH_CONSUMER_BACKLOG_ONLY=1 runs only the backlog part and prints its figures without touching this file; BENCH_CONSUMER_PROTOCOL=json|cbor sets the workers' getRecordsProtocol; BENCH_CONSUMER_PROFILE=1 writes worker CPU profiles to /tmp/consumer-prof).\n\n${table}`,
  );
}

const [mode, ...args] = process.argv.slice(2);
if (mode === '--worker')
  await workerChild(args[0] as string, args[1] as string, args[2] as string, args[3] as string, args[4] as string);
else await main();
