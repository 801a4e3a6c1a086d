import type { LatencyPercentiles } from './latency-histogram.js';
import type { LossReport } from './loss-checker.js';
import type { MachineInfo } from './machine-info.js';

export const BENCH_RESULT_SCHEMA = 'shardline-bench/1';

export interface StageFigures {
  readonly records: number;
  readonly bytes: number;
  /** Seconds from the first put to the last event of this stage. */
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
}

/** One second of the run: rates over that second, lag and latency as seen at its end. */
export interface SeriesPoint {
  readonly t: number;
  readonly produced: number;
  readonly acknowledged: number;
  readonly consumed: number;
  readonly lagMs: number | null;
  readonly putToAckP99Ms: number | null;
  readonly putToProcessP99Ms: number | null;
}

export interface ShardFigures {
  readonly shardId: string;
  readonly userRecords: number;
  readonly userBytes: number;
  readonly recordsPerSecond: number;
  readonly bytesPerSecond: number;
  /** Share of the 1 MiB/s per-shard write limit used by user bytes over the production window. */
  readonly bytesUtilisation: number;
  /** Share of the 1,000 records/s limit used by Kinesis records (user records / aggregation ratio). */
  readonly recordsUtilisation: number;
}

export interface WorkerFigures {
  readonly worker: number;
  readonly pid: number;
  readonly killed: boolean;
  readonly delivered: number;
  readonly leasesAcquired: number;
  readonly leasesLost: number;
  readonly shardsAtEnd: readonly string[];
}

export interface BenchResult {
  readonly schema: typeof BENCH_RESULT_SCHEMA;
  /** Short name for charts and tables. */
  readonly label: string;
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly options: Readonly<Record<string, unknown>>;
  readonly target: {
    readonly embedded: boolean;
    readonly endpoint: string;
    readonly dynamoDbEndpoint: string | null;
    readonly region: string;
    readonly streamName: string;
    readonly applicationName: string;
  };
  /** First put to last intact delivery (or to giving up). */
  readonly durationSeconds: number;
  readonly produced: StageFigures;
  readonly acknowledged: StageFigures & { readonly failed: number; readonly failuresByCode: Record<string, number> };
  /** Distinct records consumed intact; `delivered` counts duplicates too. */
  readonly consumed: StageFigures & { readonly delivered: number };
  /** Records put after the warm-up (all of them with --warmup 0). */
  readonly latency: {
    readonly putToAck: LatencyPercentiles;
    readonly putToProcess: LatencyPercentiles;
  };
  /** Records put during the first `seconds` of production; absent in results of earlier versions. */
  readonly latencyWarmup?: {
    readonly seconds: number;
    readonly putToAck: LatencyPercentiles;
    readonly putToProcess: LatencyPercentiles;
  };
  readonly producer: {
    readonly aggregation: boolean;
    /** User records per Kinesis record (KPL UserRecordsPerKinesisRecord), null when not reported. */
    readonly aggregationRatio: number | null;
    readonly kinesisRecordsPut: number | null;
    readonly throttles: number;
    readonly retries: number;
    readonly errorsByCode: Record<string, number>;
  };
  readonly shards: {
    readonly limits: 'aws' | 'off' | 'unknown';
    readonly perShard: readonly ShardFigures[];
  };
  readonly consumers: {
    readonly workers: readonly WorkerFigures[];
    /** Leases that moved from a killed worker to a survivor. */
    readonly failovers: number;
    /** Seconds from the kill -9 until survivors held every shard the victim held, or null. */
    readonly failoverSeconds: number | null;
    /** Every change of a shard's owner observed (rebalancing included). */
    readonly leaseMoves: number;
    /** Intact bench records of another run found in the stream (a reused --stream): ignored. */
    readonly foreign: number;
  };
  readonly reshard: {
    readonly mode: 'split' | 'merge';
    readonly atSeconds: number;
    readonly parents: readonly string[];
    readonly error: string | null;
  } | null;
  /**
   * CPU time each side spent, and per user record: on a shared machine the rates depend on the neighbours,
   * CPU per record much less. The orchestrator includes the embedded broker and DynamoDB.
   */
  readonly cpu: {
    readonly producerSeconds: number;
    readonly workersSeconds: number;
    readonly orchestratorSeconds: number;
    readonly microsPerRecord: {
      readonly producer: number;
      readonly workers: number;
      readonly orchestrator: number;
      readonly total: number;
    };
  };
  readonly check: LossReport;
  readonly series: readonly SeriesPoint[];
  readonly ok: boolean;
  /**
   * drained: every acknowledged record was consumed; stalled: consumption stopped making progress for the
   * drain timeout; interrupted: Ctrl-C or SIGTERM; failed: a process of the run failed.
   */
  readonly outcome: 'drained' | 'stalled' | 'interrupted' | 'failed';
  /** Why the run ended before every acknowledged record was consumed (a worker crashed, stall, Ctrl-C). */
  readonly error?: string;
}

/** Throws a plain Error naming what is wrong when `value` is not a bench result this version can read. */
export function assertBenchResult(value: unknown, source: string): asserts value is BenchResult {
  const v = value as Partial<BenchResult> | null;
  if (typeof v !== 'object' || v === null || v.schema !== BENCH_RESULT_SCHEMA) {
    throw new Error(`${source} is not a shardline bench result (schema ${BENCH_RESULT_SCHEMA})`);
  }
  if (!Array.isArray(v.series) || typeof v.latency !== 'object' || typeof v.check !== 'object') {
    throw new Error(`${source} is missing series, latency or check`);
  }
}
