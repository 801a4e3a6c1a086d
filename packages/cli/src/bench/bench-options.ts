import { CliUsageError } from '../cli-usage-error.js';
import { type PartitionKeySpec, parsePartitionKeySpec } from './partition-key-picker.js';
import { PAYLOAD_MIN_BYTES } from './record-payload.js';

export type ReshardMode = 'split' | 'merge' | 'none';

/** A record index the consumer side mangles on purpose, to prove the loss checker catches it. */
export interface InjectedFaults {
  readonly drop: readonly number[];
  readonly corrupt: readonly number[];
}

export interface BenchOptions {
  /** User records to send; the run stops producing earlier when `durationSeconds` elapses. */
  readonly records: number;
  readonly recordSize: number;
  /** Open-loop target in user records/s, or `max` for as fast as back-pressure allows. */
  readonly rate: number | 'max';
  readonly shards: number;
  readonly workers: number;
  readonly partitionKeys: PartitionKeySpec;
  readonly limits: 'aws' | 'off';
  readonly aggregation: boolean;
  readonly durationSeconds: number | null;
  readonly jsonFile: string | null;
  readonly reshard: ReshardMode;
  /** 1-based number of the worker to kill -9 midway, or null. */
  readonly killWorker: number | null;
  readonly endpoint: string | null;
  readonly dynamoDbEndpoint: string | null;
  readonly region: string;
  readonly streamName: string | null;
  readonly applicationName: string | null;
  /** Lease failover time given to the workers (the KCL default is 10 s). */
  readonly failoverMs: number;
  /** How long consumption may make no progress after the last ack before the run gives up. */
  readonly drainTimeoutSeconds: number;
  /** Records put in the first this many seconds are reported apart from the latency percentiles. */
  readonly warmupSeconds: number;
  readonly maxOutstanding: number;
  /** Producer RecordMaxBufferedTime (ms), or null for the producer's default. */
  readonly recordMaxBufferedTime: number | null;
  /** Consumer idleTimeBetweenReadsMillis / minTimeBetweenReadsMillis, or null for the consumer's defaults. */
  readonly idleTimeBetweenReads: number | null;
  readonly minTimeBetweenReads: number | null;
  /** Wire format of PutRecords (producer) and GetRecords (workers). */
  readonly protocol: 'cbor' | 'json';
  readonly progress: 'auto' | 'plain' | 'off';
  readonly injectFaults: InjectedFaults;
}

/** Defaults: the no-argument run takes about a minute on a 2-core machine. */
export const BENCH_DEFAULTS: BenchOptions = Object.freeze({
  records: 6_000_000,
  recordSize: 100,
  rate: 'max',
  shards: 4,
  workers: 2,
  partitionKeys: Object.freeze({ distribution: 'uniform', count: 100_000, exponent: 1 }) as PartitionKeySpec,
  limits: 'off',
  aggregation: true,
  durationSeconds: null,
  jsonFile: null,
  reshard: 'none',
  killWorker: null,
  endpoint: null,
  dynamoDbEndpoint: null,
  region: 'us-east-1',
  streamName: null,
  applicationName: null,
  failoverMs: 10_000,
  drainTimeoutSeconds: 30,
  warmupSeconds: 5,
  maxOutstanding: 200_000,
  recordMaxBufferedTime: null,
  idleTimeBetweenReads: null,
  minTimeBetweenReads: null,
  protocol: 'cbor',
  progress: 'auto',
  injectFaults: Object.freeze({ drop: Object.freeze([]), corrupt: Object.freeze([]) }),
});

/**
 * Linger and polling for runs on the embedded broker with --limits off. The libraries' defaults suit real
 * Kinesis, where a shard serves 5 reads/s to all its consumers together (hence 200 ms between reads and 1 s
 * after an empty one); with nothing to share and no limit, the bench polls more often and lingers less so
 * that put-to-process latency measures the pipeline rather than the polling interval.
 */
export const EMBEDDED_TUNING = Object.freeze({
  recordMaxBufferedTime: 50,
  idleTimeBetweenReads: 100,
  minTimeBetweenReads: 100,
});

/** The largest record a Kinesis PutRecords entry may carry (data part). */
const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_RECORDS = 0xffff_ffff;

export const BENCH_USAGE = `usage: shardline bench [options]
       shardline bench report FILE... --out chart.svg

Starts the embedded broker and DynamoDB (unless endpoints are given), creates a stream, runs one producer
process and a fleet of consumer worker processes, checks every record's identity and checksum, and reports.

options:
  --records N             user records to send (default ${BENCH_DEFAULTS.records})
  --record-size BYTES     bytes per user record, >= ${PAYLOAD_MIN_BYTES} (default ${BENCH_DEFAULTS.recordSize})
  --rate N|max            open-loop target in records/s, or max (default max)
  --shards N              shards of the stream (default ${BENCH_DEFAULTS.shards})
  --workers N             consumer worker processes (default ${BENCH_DEFAULTS.workers})
  --partition-keys SPEC   N, uniform:N or zipf:N[:exponent] (default uniform:100000)
  --limits aws|off        embedded broker enforces the AWS shard limits (default off)
  --aggregation on|off    KPL aggregation in the producer (default on)
  --duration SECONDS      stop producing after this long, even before --records
  --json FILE             write the full result as JSON
  --reshard split|merge|none   reshard the stream midway (default none)
  --kill-worker N         kill -9 worker N (1-based) midway
  --endpoint URL          Kinesis endpoint instead of the embedded broker
  --dynamodb-endpoint URL DynamoDB endpoint for the lease table instead of the embedded one
  --region REGION         (default ${BENCH_DEFAULTS.region})
  --stream NAME           stream name (default: a new shardline-bench-<time> stream)
  --app NAME              consumer application (lease table) name (default: the stream name)
  --failover-ms MS        worker lease failover time (default ${BENCH_DEFAULTS.failoverMs})
  --drain-timeout SECONDS give up when consumption stalls this long after the last ack (default ${BENCH_DEFAULTS.drainTimeoutSeconds})
  --warmup SECONDS        latency percentiles cover records put after this start-up period (JIT,
                          connections, heap growth); its own are reported apart (default ${BENCH_DEFAULTS.warmupSeconds})
  --max-outstanding N     bound on un-acknowledged puts in the producer (default ${BENCH_DEFAULTS.maxOutstanding})
  --record-max-buffered-time MS     producer linger before sending (default: ${EMBEDDED_TUNING.recordMaxBufferedTime} on the
                                    embedded broker with --limits off, else the producer's 100)
  --idle-time-between-reads MS      worker wait after an empty read (default: ${EMBEDDED_TUNING.idleTimeBetweenReads} on the embedded
                                    broker with --limits off, else the consumer's 1000)
  --min-time-between-reads MS       worker spacing of reads per shard (default: ${EMBEDDED_TUNING.minTimeBetweenReads} on the embedded
                                    broker with --limits off, else the consumer's 200, the AWS limit of 5 reads/s)
  --protocol cbor|json    wire format of PutRecords and GetRecords (default cbor: data as raw bytes)
  --progress auto|plain|off    live progress on stderr (default auto: redrawn on a TTY, lines otherwise)
  --inject-faults SPEC    self-test of the loss checker: drop:I,corrupt:J makes workers drop or corrupt record I, J

exit status: 0 when nothing was lost or corrupted, 1 otherwise, 2 on bad usage.`;

type Setter = (value: string, into: Record<string, unknown>) => void;

function integer(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.replaceAll('_', ''))) {
      throw new CliUsageError(`${flag} must be an integer, got ${JSON.stringify(value)}`);
    }
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new CliUsageError(`${flag} must be between ${min} and ${max}, got ${value}`);
    }
    return n;
  };
}

function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new CliUsageError(`${flag} must be a positive number, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

function oneOf<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new CliUsageError(`${flag} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as T;
  };
}

function url(flag: string): (value: string) => string {
  return (value) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new CliUsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CliUsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`);
    }
    return value;
  };
}

function nonEmpty(flag: string, pattern: RegExp, what: string): (value: string) => string {
  return (value) => {
    if (!pattern.test(value)) throw new CliUsageError(`${flag} must be ${what}, got ${JSON.stringify(value)}`);
    return value;
  };
}

function parseFaults(value: string): InjectedFaults {
  const drop: number[] = [];
  const corrupt: number[] = [];
  for (const part of value.split(',')) {
    const match = /^(drop|corrupt):(\d+)$/.exec(part.trim());
    if (match === null) {
      throw new CliUsageError(`--inject-faults must look like drop:I,corrupt:J, got ${JSON.stringify(value)}`);
    }
    (match[1] === 'drop' ? drop : corrupt).push(Number(match[2]));
  }
  return { drop, corrupt };
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

const SETTERS: Readonly<Record<string, Setter>> = Object.freeze({
  '--records': (v, o) => {
    o.records = integer('--records', 1, MAX_RECORDS)(v);
  },
  '--record-size': (v, o) => {
    o.recordSize = integer('--record-size', PAYLOAD_MIN_BYTES, MAX_RECORD_BYTES)(v);
  },
  '--rate': (v, o) => {
    o.rate = v === 'max' ? 'max' : integer('--rate', 1, 100_000_000)(v);
  },
  '--shards': (v, o) => {
    o.shards = integer('--shards', 1, 10_000)(v);
  },
  '--workers': (v, o) => {
    o.workers = integer('--workers', 1, 64)(v);
  },
  '--partition-keys': (v, o) => {
    o.partitionKeys = parsePartitionKeySpec(v);
  },
  '--limits': (v, o) => {
    o.limits = oneOf('--limits', ['aws', 'off'] as const)(v);
  },
  '--aggregation': (v, o) => {
    o.aggregation = oneOf('--aggregation', ['on', 'off'] as const)(v) === 'on';
  },
  '--duration': (v, o) => {
    o.durationSeconds = positiveNumber('--duration')(v);
  },
  '--json': (v, o) => {
    o.jsonFile = nonEmpty('--json', /\S/, 'a file name')(v);
  },
  '--reshard': (v, o) => {
    o.reshard = oneOf('--reshard', ['split', 'merge', 'none'] as const)(v);
  },
  '--kill-worker': (v, o) => {
    o.killWorker = integer('--kill-worker', 1, 64)(v);
  },
  '--endpoint': (v, o) => {
    o.endpoint = url('--endpoint')(v);
  },
  '--dynamodb-endpoint': (v, o) => {
    o.dynamoDbEndpoint = url('--dynamodb-endpoint')(v);
  },
  '--region': (v, o) => {
    o.region = nonEmpty('--region', /^[a-z0-9-]{2,32}$/, 'a region name such as us-east-1')(v);
  },
  '--stream': (v, o) => {
    o.streamName = nonEmpty('--stream', STREAM_NAME, 'a stream name ([a-zA-Z0-9_.-], 1-128 characters)')(v);
  },
  '--app': (v, o) => {
    o.applicationName = nonEmpty('--app', STREAM_NAME, 'an application name ([a-zA-Z0-9_.-], 1-128 characters)')(v);
  },
  '--failover-ms': (v, o) => {
    o.failoverMs = integer('--failover-ms', 1000, 600_000)(v);
  },
  '--drain-timeout': (v, o) => {
    o.drainTimeoutSeconds = positiveNumber('--drain-timeout')(v);
  },
  '--warmup': (v, o) => {
    o.warmupSeconds = integer('--warmup', 0, 3600)(v);
  },
  '--max-outstanding': (v, o) => {
    o.maxOutstanding = integer('--max-outstanding', 1, 10_000_000)(v);
  },
  '--record-max-buffered-time': (v, o) => {
    o.recordMaxBufferedTime = integer('--record-max-buffered-time', 1, 60_000)(v);
  },
  '--idle-time-between-reads': (v, o) => {
    o.idleTimeBetweenReads = integer('--idle-time-between-reads', 0, 60_000)(v);
  },
  '--min-time-between-reads': (v, o) => {
    o.minTimeBetweenReads = integer('--min-time-between-reads', 0, 60_000)(v);
  },
  '--protocol': (v, o) => {
    o.protocol = oneOf('--protocol', ['cbor', 'json'] as const)(v);
  },
  '--progress': (v, o) => {
    o.progress = oneOf('--progress', ['auto', 'plain', 'off'] as const)(v);
  },
  '--inject-faults': (v, o) => {
    o.injectFaults = parseFaults(v);
  },
});

/** Parses `shardline bench` arguments; every problem is a CliUsageError naming the option. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const given: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new CliUsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const setter = SETTERS[flag];
    if (setter === undefined) throw new CliUsageError(`unknown option ${flag} (see shardline bench --help)`);
    if (seen.has(flag)) throw new CliUsageError(`${flag} given twice`);
    seen.add(flag);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) {
        throw new CliUsageError(`${flag} needs a value`);
      }
      i++;
    }
    setter(value, given);
  }
  const tuning = given.endpoint === undefined && given.limits !== 'aws' ? EMBEDDED_TUNING : {};
  const options = { ...BENCH_DEFAULTS, ...tuning, ...given } as BenchOptions;
  if (options.killWorker !== null) {
    if (options.workers < 2) throw new CliUsageError('--kill-worker needs --workers 2 or more (a survivor)');
    if (options.killWorker > options.workers) {
      throw new CliUsageError(`--kill-worker ${options.killWorker} names no worker (there are ${options.workers})`);
    }
  }
  if (options.reshard === 'merge' && options.shards < 2) {
    throw new CliUsageError('--reshard merge needs --shards 2 or more');
  }
  if (options.endpoint !== null && seen.has('--limits')) {
    throw new CliUsageError('--limits applies to the embedded broker only; drop it when --endpoint is given');
  }
  for (const index of [...options.injectFaults.drop, ...options.injectFaults.corrupt]) {
    if (index >= options.records) {
      throw new CliUsageError(`--inject-faults index ${index} is beyond --records ${options.records}`);
    }
  }
  if (options.durationSeconds !== null && !seen.has('--records')) {
    // --duration alone: produce until the time is up.
    return Object.freeze({ ...options, records: MAX_RECORDS });
  }
  if (options.rate !== 'max' && !seen.has('--records')) {
    // An open-loop rate without a record count means "run the default minute at that rate".
    return Object.freeze({ ...options, records: Math.max(1, Math.round(options.rate * 60)) });
  }
  return Object.freeze(options);
}
