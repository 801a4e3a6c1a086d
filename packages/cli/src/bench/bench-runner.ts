import { startBroker } from '@shardline/broker';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '@shardline/consumer';
import { BenchChild } from './bench-child.js';
import type { BenchOptions } from './bench-options.js';
import { BENCH_RESULT_SCHEMA, type BenchResult, type SeriesPoint, type StageFigures } from './bench-result.js';
import { forEachPackedIndex } from './index-packer.js';
import type {
  ConnectionConfig,
  ProducerMessage,
  ProducerStats,
  WorkerMessage,
  WorkerStartConfig,
  WorkerStatus,
} from './ipc-messages.js';
import { LatencyHistogram } from './latency-histogram.js';
import { LossChecker } from './loss-checker.js';
import { machineInfo } from './machine-info.js';
import { monotonicNs } from './monotonic-ns.js';
import { formatPartitionKeySpec } from './partition-key-picker.js';
import { readProducerMetrics } from './producer-metrics.js';
import type { ProgressRenderer, ProgressSnapshot } from './progress-renderer.js';
import { StreamAdmin } from './stream-admin.js';

export interface BenchIo {
  readonly progress: ProgressRenderer;
  /** The command line, recorded in the result. */
  readonly command: string;
  /** Aborting ends the run early (Ctrl-C); the report covers what happened so far. */
  readonly signal?: AbortSignal;
}

const EMBEDDED_CREDENTIALS = Object.freeze({ accessKeyId: 'shardline', secretAccessKey: 'shardline' });
// Random per run, so intact records an earlier run left in a reused stream are told apart (and ignored).
const newProducerId = (): number => 1 + Math.floor(Math.random() * 0xfffe);
const MIB = 1024 * 1024;

interface WorkerState {
  readonly worker: number;
  readonly child: BenchChild<WorkerMessage>;
  status: WorkerStatus | null;
  delivered: number;
  killed: boolean;
}

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/** A local broker started by hand rarely has real credentials configured for it; sign with dummy ones then. */
function hasAwsCredentialsHint(): boolean {
  return process.env.AWS_ACCESS_KEY_ID !== undefined || process.env.AWS_PROFILE !== undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function stageFigures(records: number, recordSize: number, seconds: number): StageFigures {
  const s = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  return {
    records,
    bytes: records * recordSize,
    seconds: Math.round(s * 1000) / 1000,
    recordsPerSecond: s > 0 ? Math.round(records / s) : 0,
    megabytesPerSecond: s > 0 ? Math.round(((records * recordSize) / s / 1e6) * 100) / 100 : 0,
  };
}

/**
 * Runs one end-to-end benchmark: embedded services (unless endpoints are given), the stream, one producer
 * process, a fleet of worker processes, mid-run faults, drain, and the loss-checked result.
 */
export async function runBench(options: BenchOptions, io: BenchIo): Promise<BenchResult> {
  const startedAt = new Date();
  const cleanups: (() => Promise<void>)[] = [];
  const children: BenchChild<{ type: string }>[] = [];
  try {
    return await runWithCleanups(options, io, startedAt, cleanups, children);
  } finally {
    await Promise.all(children.map((c) => c.stop(0)));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

async function runWithCleanups(
  options: BenchOptions,
  io: BenchIo,
  startedAt: Date,
  cleanups: (() => Promise<void>)[],
  children: BenchChild<{ type: string }>[],
): Promise<BenchResult> {
  // --- services -------------------------------------------------------------------------------------------
  const embedded = options.endpoint === null;
  let endpoint: string;
  if (options.endpoint === null) {
    const broker = await startBroker({
      port: 0,
      host: '127.0.0.1',
      limits: options.limits,
      createStreamMs: 0,
      updateStreamMs: 0,
    });
    cleanups.push(() => broker.close());
    endpoint = broker.url as string;
  } else {
    endpoint = options.endpoint;
  }
  let dynamoDbEndpoint = options.dynamoDbEndpoint;
  if (dynamoDbEndpoint === null && isLoopback(endpoint)) {
    // One table for the whole fleet; a per-worker embedded table would give every worker every shard.
    const dynamo: EmbeddedDynamoDb = await startEmbeddedDynamoDb(undefined);
    cleanups.push(() => dynamo.close());
    dynamoDbEndpoint = dynamo.endpoint;
  }
  const streamName = options.streamName ?? `shardline-bench-${startedAt.getTime()}`;
  const applicationName = options.applicationName ?? streamName;
  const connection: ConnectionConfig = {
    endpoint,
    region: options.region,
    credentials: embedded || (isLoopback(endpoint) && !hasAwsCredentialsHint()) ? EMBEDDED_CREDENTIALS : null,
    streamName,
  };
  const admin = new StreamAdmin(connection);
  cleanups.push(async () => admin.close());
  if (!(await admin.exists())) {
    await admin.create(options.shards);
    // A stream we created on a real endpoint costs money while it exists.
    if (!embedded) cleanups.push(() => admin.delete());
  }
  const initialShards = (await admin.openShards()).map((s) => s.shardId);

  const producerId = newProducerId();

  // --- shared state -----------------------------------------------------------------------------------------
  const checker = new LossChecker();
  const putToProcess = new LatencyHistogram();
  const putToAck = new LatencyHistogram();
  const intervalAck = new LatencyHistogram();
  const intervalProcess = new LatencyHistogram();
  const putToProcessWarmup = new LatencyHistogram();
  const putToAckWarmup = new LatencyHistogram();
  const ownerOf = new Map<string, number>();
  let leaseMoves = 0;
  let failovers = 0;
  let killedWorker: number | null = null;
  let killedAtNs = 0;
  let victimShards = new Set<string>();
  let failoverSeconds: number | null = null;
  let lastDeliveryNs = 0;
  let producerStats: ProducerStats | null = null;
  let producerDone = false;
  let producedLive = 0;
  let fatal: string | null = null;

  const noteOwner = (shardId: string, worker: number): void => {
    const previous = ownerOf.get(shardId);
    if (previous === worker) return;
    ownerOf.set(shardId, worker);
    if (previous === undefined) return;
    leaseMoves++;
    if (previous === killedWorker) {
      failovers++;
      victimShards.delete(shardId);
      if (victimShards.size === 0 && failoverSeconds === null) {
        failoverSeconds = Math.round((monotonicNs() - killedAtNs) / 1e7) / 100;
      }
    }
  };

  // --- workers ----------------------------------------------------------------------------------------------
  const workers: WorkerState[] = [];
  for (let w = 1; w <= options.workers; w++) {
    // Messages only arrive after the state below exists (the child is not even ready before that).
    let state: WorkerState | undefined;
    const child = new BenchChild<WorkerMessage>('consumer-process', `worker ${w}`, (message) => {
      switch (message.type) {
        case 'seen':
          lastDeliveryNs = monotonicNs();
          forEachPackedIndex(message.indexes, (index) => checker.consume(index));
          (state as WorkerState).delivered += message.indexes.byteLength >>> 2;
          for (const index of message.corrupted) checker.corrupted(index);
          break;
        case 'lease':
          if (message.event === 'acquired') noteOwner(message.shardId, w);
          break;
        case 'status':
        case 'stopped':
          (state as WorkerState).status = message;
          if (message.putToProcess !== '') {
            putToProcess.addEncoded(message.putToProcess);
            intervalProcess.addEncoded(message.putToProcess);
          }
          if (message.putToProcessWarmup !== '') {
            putToProcessWarmup.addEncoded(message.putToProcessWarmup);
            intervalProcess.addEncoded(message.putToProcessWarmup);
          }
          // Ownership comes from lease events only: a status is a snapshot that may predate a steal.
          for (const shardId of message.shards) if (!ownerOf.has(shardId)) noteOwner(shardId, w);
          break;
        case 'fatal':
          fatal ??= `worker ${w}: ${message.message}`;
          break;
      }
    });
    state = { worker: w, child, status: null, delivered: 0, killed: false };
    children.push(child);
    workers.push(state);
  }
  await Promise.all(workers.map((w) => w.child.ready()));
  for (const w of workers) {
    const config: WorkerStartConfig = {
      ...connection,
      worker: w.worker,
      producerId,
      applicationName,
      dynamoDbEndpoint,
      failoverMs: options.failoverMs,
      injectFaults: options.injectFaults,
      idleTimeBetweenReads: options.idleTimeBetweenReads,
      minTimeBetweenReads: options.minTimeBetweenReads,
      protocol: options.protocol,
    };
    w.child.send({ type: 'start', config });
  }

  const snapshotWorkers = () =>
    workers.map((w) => ({
      worker: w.worker,
      alive: w.child.alive && !w.killed,
      shards: w.killed ? [] : [...(w.status?.shards ?? [])].sort(),
    }));

  // Let the fleet lease every shard and balance (⌊N/W⌋..⌈N/W⌉ each) before producing, so the figures measure
  // the pipeline rather than start-up, and start-up lease stealing does not show up as duplicates.
  const low = Math.floor(initialShards.length / workers.length);
  const high = Math.ceil(initialShards.length / workers.length);
  const leaseDeadline = Date.now() + 30_000;
  while (Date.now() < leaseDeadline && fatal === null && !io.signal?.aborted) {
    // Judged on the workers' own reports: a worker whose lease was stolen keeps reading until its next
    // renewal fails, and records it reads meanwhile would count as duplicates.
    const held = new Map<string, number>();
    let overlap = false;
    for (const w of workers) {
      for (const shardId of w.status?.shards ?? []) {
        if (held.has(shardId)) overlap = true;
        held.set(shardId, w.worker);
      }
    }
    const counts = workers.map((w) => w.status?.shards.length ?? 0);
    if (!overlap && initialShards.every((s) => held.has(s)) && counts.every((n) => n >= low && n <= high)) break;
    await sleep(100);
  }

  // --- producer ---------------------------------------------------------------------------------------------
  const producer = new BenchChild<ProducerMessage>('producer-process', 'producer', (message) => {
    switch (message.type) {
      case 'acked':
        forEachPackedIndex(message.indexes, (index) => checker.acknowledge(index));
        producedLive = Math.max(producedLive, message.produced);
        break;
      case 'stats':
      case 'done':
        producerStats = message;
        if (message.putToAck !== '') {
          putToAck.addEncoded(message.putToAck);
          intervalAck.addEncoded(message.putToAck);
        }
        if (message.putToAckWarmup !== '') {
          putToAckWarmup.addEncoded(message.putToAckWarmup);
          intervalAck.addEncoded(message.putToAckWarmup);
        }
        if (message.type === 'done') producerDone = true;
        break;
      case 'fatal':
        fatal ??= `producer: ${message.message}`;
        break;
    }
  });
  children.push(producer);
  await producer.ready();
  // Start-up (JIT compilation, connections, heap growth in every process) is reported apart from the
  // steady state; the workers learn the boundary before the first record can reach them.
  const warmupUntilNs = monotonicNs() + options.warmupSeconds * 1e9;
  for (const w of workers) w.child.send({ type: 'warmup', untilNs: warmupUntilNs });
  producer.send({
    type: 'start',
    config: {
      ...connection,
      producerId,
      records: options.records,
      recordSize: options.recordSize,
      rate: options.rate,
      durationSeconds: options.durationSeconds,
      aggregation: options.aggregation,
      partitionKeys: options.partitionKeys,
      maxOutstanding: options.maxOutstanding,
      // The broker enforces nothing with --limits off, so the producer's per-shard buckets must not either:
      // the run then measures the pipeline, not the AWS shard limits.
      rateLimit: embedded && options.limits === 'off' ? 1_000_000 : null,
      recordMaxBufferedTime: options.recordMaxBufferedTime,
      protocol: options.protocol,
      warmupUntilNs,
    },
  });
  const runStartNs = monotonicNs();
  const orchestratorCpuStart = process.cpuUsage();

  // --- the run loop -----------------------------------------------------------------------------------------
  const series: SeriesPoint[] = [];
  let previous = { produced: 0, acknowledged: 0, consumed: 0, ns: runStartNs };
  let midwayDone = false;
  let reshard: BenchResult['reshard'] = null;
  let reshardWork: Promise<void> = Promise.resolve();
  let phase = 'producing';
  let drainSinceNs = 0;
  let lastProgressDelivered = 0;
  let lastProgressNs = 0;
  let outcome: 'drained' | 'stalled' | 'interrupted' | 'failed' = 'drained';

  for (;;) {
    // One sample a second, but a drained run ends within 50 ms rather than at the next sample.
    for (let waited = 0; waited < 1000; waited += 50) {
      await sleep(50);
      if ((producerDone && checker.pending === 0) || fatal !== null || io.signal?.aborted) break;
    }
    const now = monotonicNs();
    const stats = producerStats as ProducerStats | null;
    const produced = Math.max(stats?.produced ?? 0, producedLive);
    const acknowledged = checker.acknowledgedCount;
    const consumed = checker.uniqueConsumed;
    const seconds = (now - previous.ns) / 1e9;
    let lagMs: number | null = null;
    for (const w of workers) {
      const lag = w.killed ? null : (w.status?.lagMs ?? null);
      if (lag !== null && (lagMs === null || lag > lagMs)) lagMs = lag;
    }
    const ack99 = intervalAck.count > 0 ? intervalAck.percentiles().p99 : null;
    const process99 = intervalProcess.count > 0 ? intervalProcess.percentiles().p99 : null;
    intervalAck.reset();
    intervalProcess.reset();
    const point: SeriesPoint = {
      t: Math.round((now - runStartNs) / 1e8) / 10,
      produced: Math.round((produced - previous.produced) / seconds),
      acknowledged: Math.round((acknowledged - previous.acknowledged) / seconds),
      consumed: Math.round((consumed - previous.consumed) / seconds),
      lagMs,
      putToAckP99Ms: ack99,
      putToProcessP99Ms: process99,
    };
    series.push(point);
    previous = { produced, acknowledged, consumed, ns: now };
    const metrics = readProducerMetrics(stats?.metrics);
    const snapshot: ProgressSnapshot = {
      elapsedSeconds: (now - runStartNs) / 1e9,
      target: options.records,
      produced: { total: produced, rate: point.produced },
      acknowledged: { total: acknowledged, rate: point.acknowledged, failed: stats?.failed ?? 0 },
      consumed: {
        total: consumed,
        rate: point.consumed,
        duplicates: checker.duplicates,
        corrupted: checker.corruptedCount,
      },
      lagMs,
      workers: snapshotWorkers(),
      throttles: metrics.throttles,
      retries: metrics.retries,
      phase,
    };
    io.progress.render(snapshot);

    if (fatal !== null) {
      outcome = 'failed';
      break;
    }
    if (io.signal?.aborted) {
      outcome = 'interrupted';
      break;
    }

    // Midway: reshard and/or kill a worker once half the records (or half the time) went out.
    const half =
      options.durationSeconds !== null && options.records === 0xffff_ffff
        ? (now - runStartNs) / 1e9 >= options.durationSeconds / 2
        : produced >= options.records / 2;
    if (!midwayDone && half) {
      midwayDone = true;
      if (options.reshard !== 'none') {
        const mode = options.reshard;
        const atSeconds = (now - runStartNs) / 1e9;
        phase = `resharding (${mode})`;
        reshardWork = (mode === 'split' ? admin.splitWidest() : admin.mergeFirstAdjacent()).then(
          (parents) => {
            reshard = { mode, atSeconds, parents, error: null };
            phase = `resharded (${mode} of ${parents.join('+')})`;
          },
          (error: unknown) => {
            reshard = { mode, atSeconds, parents: [], error: error instanceof Error ? error.message : String(error) };
            phase = 'reshard failed';
          },
        );
      }
      if (options.killWorker !== null) {
        const victim = workers[options.killWorker - 1] as WorkerState;
        victimShards = new Set(victim.status?.shards ?? []);
        for (const [shardId, owner] of ownerOf) if (owner === victim.worker) victimShards.add(shardId);
        killedWorker = victim.worker;
        killedAtNs = monotonicNs();
        victim.killed = true;
        victim.child.kill('SIGKILL');
        phase = `worker ${victim.worker} killed -9`;
        if (victimShards.size === 0) failoverSeconds = 0;
      }
    }

    if (producerDone) {
      if (drainSinceNs === 0) {
        drainSinceNs = now;
        lastProgressNs = now;
        lastProgressDelivered = checker.delivered;
        phase = 'draining';
      }
      if (checker.pending === 0) {
        outcome = 'drained';
        break;
      }
      if (checker.delivered !== lastProgressDelivered) {
        lastProgressDelivered = checker.delivered;
        lastProgressNs = now;
      }
      if ((now - lastProgressNs) / 1e9 >= options.drainTimeoutSeconds) {
        outcome = 'stalled';
        break;
      }
    } else if (!producer.alive) {
      fatal ??= `producer exited unexpectedly${producer.stderrSuffix()}`;
      outcome = 'failed';
      break;
    }
  }
  io.progress.finish();
  const shardsAtEnd = new Map(workers.map((w) => [w.worker, w.killed ? [] : [...(w.status?.shards ?? [])].sort()]));
  const endNs = lastDeliveryNs > 0 ? lastDeliveryNs : monotonicNs();
  await reshardWork;

  const orchestratorCpu = process.cpuUsage(orchestratorCpuStart);

  // --- shut down ----------------------------------------------------------------------------------------------
  producer.send({ type: 'stop' });
  for (const w of workers) if (!w.killed) w.child.send({ type: 'stop' });
  await Promise.all([producer.stop(15_000), ...workers.map((w) => w.child.stop(20_000))]);

  // --- result -------------------------------------------------------------------------------------------------
  const finalStats = producerStats as ProducerStats | null;
  const check = checker.report();
  const metrics = readProducerMetrics(finalStats?.metrics);
  const firstPutNs = finalStats?.firstPutNs || runStartNs;
  const produced = finalStats?.produced ?? 0;
  const productionSeconds = ((finalStats?.lastPutNs ?? 0) - firstPutNs) / 1e9;
  const ackSeconds = ((finalStats?.lastAckNs ?? 0) - firstPutNs) / 1e9;
  const consumeSeconds = (endNs - firstPutNs) / 1e9;
  const aggregationRatio = options.aggregation ? metrics.aggregationRatio : 1;
  const windowSeconds = ackSeconds > 0 ? ackSeconds : 1;
  const perShard = Object.entries(finalStats?.shards ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([shardId, s]) => {
      const recordsPerSecond = s.records / windowSeconds;
      const bytesPerSecond = s.bytes / windowSeconds;
      return {
        shardId,
        userRecords: s.records,
        userBytes: s.bytes,
        recordsPerSecond: Math.round(recordsPerSecond),
        bytesPerSecond: Math.round(bytesPerSecond),
        bytesUtilisation: Math.round((bytesPerSecond / MIB) * 1000) / 1000,
        recordsUtilisation: Math.round((recordsPerSecond / (aggregationRatio ?? 1) / 1000) * 1000) / 1000,
      };
    });
  const producerCpuSeconds = (finalStats?.cpuMicros ?? 0) / 1e6;
  const workersCpuSeconds = workers.reduce((sum, w) => sum + (w.status?.cpuMicros ?? 0), 0) / 1e6;
  const orchestratorCpuSeconds = (orchestratorCpu.user + orchestratorCpu.system) / 1e6;
  const perRecord = (seconds: number, records: number): number =>
    records > 0 ? Math.round((seconds * 1e7) / records) / 10 : 0;
  const ok = check.ok && outcome === 'drained' && fatal === null;
  const { injectFaults, partitionKeys, ...plainOptions } = options;
  return {
    schema: BENCH_RESULT_SCHEMA,
    label: `${options.shards} shards, ${options.workers} workers, rate ${options.rate}, ${options.recordSize} B`,
    command: io.command,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    options: {
      ...plainOptions,
      partitionKeys: formatPartitionKeySpec(partitionKeys),
      injectFaults: { drop: [...injectFaults.drop], corrupt: [...injectFaults.corrupt] },
    },
    target: { embedded, endpoint, dynamoDbEndpoint, region: options.region, streamName, applicationName },
    durationSeconds: Math.round(consumeSeconds * 1000) / 1000,
    produced: stageFigures(produced, options.recordSize, productionSeconds),
    acknowledged: {
      ...stageFigures(check.acknowledged, options.recordSize, ackSeconds),
      failed: finalStats?.failed ?? 0,
      failuresByCode: { ...(finalStats?.failuresByCode ?? {}) },
    },
    consumed: {
      ...stageFigures(check.uniqueConsumed, options.recordSize, consumeSeconds),
      delivered: check.delivered,
    },
    latency: { putToAck: putToAck.percentiles(), putToProcess: putToProcess.percentiles() },
    latencyWarmup: {
      seconds: options.warmupSeconds,
      putToAck: putToAckWarmup.percentiles(),
      putToProcess: putToProcessWarmup.percentiles(),
    },
    producer: {
      aggregation: options.aggregation,
      aggregationRatio,
      kinesisRecordsPut: metrics.kinesisRecordsPut,
      throttles: metrics.throttles,
      retries: metrics.retries,
      errorsByCode: metrics.errorsByCode,
    },
    shards: { limits: embedded ? options.limits : 'unknown', perShard },
    consumers: {
      workers: workers.map((w) => ({
        worker: w.worker,
        pid: w.child.pid,
        killed: w.killed,
        delivered: w.delivered,
        leasesAcquired: w.status?.leasesAcquired ?? 0,
        leasesLost: w.status?.leasesLost ?? 0,
        shardsAtEnd: shardsAtEnd.get(w.worker) ?? [],
      })),
      failovers,
      failoverSeconds,
      leaseMoves,
      foreign: workers.reduce((sum, w) => sum + (w.status?.foreign ?? 0), 0),
    },
    reshard,
    cpu: {
      producerSeconds: Math.round(producerCpuSeconds * 100) / 100,
      workersSeconds: Math.round(workersCpuSeconds * 100) / 100,
      orchestratorSeconds: Math.round(orchestratorCpuSeconds * 100) / 100,
      microsPerRecord: {
        producer: perRecord(producerCpuSeconds, produced),
        workers: perRecord(workersCpuSeconds, check.delivered),
        orchestrator: perRecord(orchestratorCpuSeconds, check.acknowledged),
        total: perRecord(producerCpuSeconds + workersCpuSeconds + orchestratorCpuSeconds, check.acknowledged),
      },
    },
    check,
    series,
    ok,
    outcome,
    ...(outcome === 'drained' && fatal === null
      ? {}
      : {
          error:
            fatal ??
            (outcome === 'interrupted'
              ? 'interrupted before every record was consumed'
              : `consumption made no progress for ${options.drainTimeoutSeconds} s with ${check.lost} records outstanding`),
        }),
  };
}
