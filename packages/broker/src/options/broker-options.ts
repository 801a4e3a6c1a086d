import { InvalidConfigError } from '@shardline/core';

/** A pino-compatible logger; the broker is silent unless one is given. */
export interface BrokerLogger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** One access key the broker accepts when credentials are configured. */
export interface BrokerCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Only read operations (Describe*, List*, Get*) are allowed. */
  readonly readOnly?: boolean;
  /** Only these streams may be named; absent = all streams. */
  readonly streams?: readonly string[];
}

export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface BrokerOptions {
  /** TCP port for HTTP/1.1 and h2c; 0 picks a free one. */
  readonly port?: number;
  /** Interface to bind; loopback unless told otherwise. */
  readonly host?: string;
  /** 'aws' enforces per-shard throughput limits as Kinesis does; 'off' for raw benchmarks. */
  readonly limits?: 'aws' | 'off';
  /** Time a new stream stays CREATING (0 = ACTIVE at once). */
  readonly createStreamMs?: number;
  /** Time a stream stays UPDATING after resharding or a mode/encryption change. */
  readonly updateStreamMs?: number;
  /** Time a deleted stream stays DELETING. */
  readonly deleteStreamMs?: number;
  /** Most shards (open, over all streams) the account may have. */
  readonly shardLimit?: number;
  readonly region?: string;
  /** 12-digit account id used in ARNs and messages. */
  readonly accountId?: string;
  /** Directory for durable per-shard logs; absent = memory only. */
  readonly dataDir?: string;
  /** When appended records reach the disk; see the README for the trade-off. */
  readonly fsync?: FsyncPolicy;
  readonly fsyncIntervalMs?: number;
  /** Also listen with TLS (ALPN h2 and http/1.1); `true` makes a self-signed certificate at start. */
  readonly tls?: boolean | { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** TLS port when `tls` is set; 0 picks a free one. */
  readonly tlsPort?: number;
  /** When given, every request must carry a valid SigV4 signature by one of these keys. */
  readonly credentials?: readonly BrokerCredential[];
  /** Largest accepted difference between a signature's date and the broker's clock. */
  readonly clockSkewMs?: number;
  /**
   * Freed heap memory the C allocator may keep for reuse (glibc only, process-wide; see retainFreedMemory
   * in @shardline/native); `false` leaves the allocator as it is.
   */
  readonly retainFreedMemoryBytes?: number | false;
  /**
   * Memory-only brokers: the most memory (record bytes plus 26 bytes of index per record slot) the shard
   * logs may hold. Past it the oldest records of all streams are dropped, whole segments at a time, as if
   * their retention period had passed, and their memory is reused for new records. Absent = no bound
   * (records stay for their stream's retention period). Not with dataDir.
   */
  readonly maxRetainedBytes?: number;
  readonly logger?: BrokerLogger;
  /** Time source in epoch ms (tests move time to exercise retention and iterator expiry). */
  readonly clock?: () => number;
}

/**
 * Node copies each chunk of a request body into a new buffer; with glibc's defaults that memory goes back
 * to the kernel when freed and every megabyte received is faulted in again (about 1.5x the CPU of storing
 * 1 MiB records on the benchmark VM). A quarter of a gigabyte kept covers the bodies in flight.
 */
const RETAINED_DEFAULT = 256 * 1024 * 1024;

export const DEFAULTS = Object.freeze({
  port: 4567,
  host: '127.0.0.1',
  limits: 'aws' as 'aws' | 'off',
  createStreamMs: 500,
  updateStreamMs: 500,
  deleteStreamMs: 500,
  shardLimit: 500,
  region: 'us-east-1',
  accountId: '000000000000',
  fsync: 'interval' as FsyncPolicy,
  fsyncIntervalMs: 1000,
  tlsPort: 0,
  clockSkewMs: 15 * 60 * 1000,
  retainFreedMemoryBytes: RETAINED_DEFAULT as number | false,
});

export interface ResolvedBrokerOptions {
  readonly port: number;
  readonly host: string;
  readonly limits: 'aws' | 'off';
  readonly createStreamMs: number;
  readonly updateStreamMs: number;
  readonly deleteStreamMs: number;
  readonly shardLimit: number;
  readonly region: string;
  readonly accountId: string;
  readonly dataDir: string | undefined;
  readonly fsync: FsyncPolicy;
  readonly fsyncIntervalMs: number;
  readonly tls: false | true | { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly tlsPort: number;
  readonly credentials: readonly BrokerCredential[] | undefined;
  readonly clockSkewMs: number;
  readonly retainFreedMemoryBytes: number | false;
  readonly maxRetainedBytes: number | undefined;
  readonly logger: BrokerLogger | undefined;
  readonly clock: () => number;
}

function int(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidConfigError(`broker option ${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, fallback: T, allowed: readonly T[]): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidConfigError(`broker option ${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
  return value as T;
}

/** Validates options once; throws InvalidConfigError naming the bad option. */
export function resolveBrokerOptions(options: BrokerOptions = {}): ResolvedBrokerOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidConfigError('broker options must be an object');
  const host = options.host ?? DEFAULTS.host;
  if (typeof host !== 'string' || host.length === 0)
    throw new InvalidConfigError('broker option host must be a non-empty string');
  const region = options.region ?? DEFAULTS.region;
  if (typeof region !== 'string' || !/^[a-z0-9-]{1,32}$/.test(region)) {
    throw new InvalidConfigError(`broker option region is not a region name: ${String(region)}`);
  }
  const accountId = options.accountId ?? DEFAULTS.accountId;
  if (typeof accountId !== 'string' || !/^\d{12}$/.test(accountId)) {
    throw new InvalidConfigError('broker option accountId must be 12 digits');
  }
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || options.dataDir.length === 0)) {
    throw new InvalidConfigError('broker option dataDir must be a non-empty path');
  }
  const tls = options.tls ?? false;
  if (typeof tls === 'object') {
    if (tls === null || tls.cert === undefined || tls.key === undefined) {
      throw new InvalidConfigError('broker option tls must be true or { cert, key }');
    }
  } else if (typeof tls !== 'boolean') {
    throw new InvalidConfigError('broker option tls must be true or { cert, key }');
  }
  const credentials = options.credentials;
  if (credentials !== undefined) {
    if (!Array.isArray(credentials) || credentials.length === 0) {
      throw new InvalidConfigError('broker option credentials must be a non-empty array');
    }
    for (const c of credentials as readonly BrokerCredential[]) {
      if (typeof c?.accessKeyId !== 'string' || c.accessKeyId.length === 0 || typeof c.secretAccessKey !== 'string') {
        throw new InvalidConfigError('broker option credentials: each entry needs accessKeyId and secretAccessKey');
      }
    }
  }
  if (options.maxRetainedBytes !== undefined && options.dataDir !== undefined) {
    throw new InvalidConfigError(
      'broker option maxRetainedBytes bounds a memory-only broker; with dataDir records live until their retention period ends',
    );
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new InvalidConfigError('broker option clock must be a function');
  }
  return Object.freeze({
    port: int('port', options.port, DEFAULTS.port, 0, 65535),
    host,
    limits: oneOf('limits', options.limits, DEFAULTS.limits, ['aws', 'off']),
    createStreamMs: int('createStreamMs', options.createStreamMs, DEFAULTS.createStreamMs, 0, 600_000),
    updateStreamMs: int('updateStreamMs', options.updateStreamMs, DEFAULTS.updateStreamMs, 0, 600_000),
    deleteStreamMs: int('deleteStreamMs', options.deleteStreamMs, DEFAULTS.deleteStreamMs, 0, 600_000),
    shardLimit: int('shardLimit', options.shardLimit, DEFAULTS.shardLimit, 1, 100_000),
    region,
    accountId,
    dataDir: options.dataDir,
    fsync: oneOf('fsync', options.fsync, DEFAULTS.fsync, ['always', 'interval', 'never']),
    fsyncIntervalMs: int('fsyncIntervalMs', options.fsyncIntervalMs, DEFAULTS.fsyncIntervalMs, 1, 3_600_000),
    tls,
    tlsPort: int('tlsPort', options.tlsPort, DEFAULTS.tlsPort, 0, 65535),
    credentials,
    clockSkewMs: int('clockSkewMs', options.clockSkewMs, DEFAULTS.clockSkewMs, 1000, 86_400_000),
    retainFreedMemoryBytes:
      options.retainFreedMemoryBytes === false
        ? false
        : int('retainFreedMemoryBytes', options.retainFreedMemoryBytes, RETAINED_DEFAULT, 0, 2 ** 31 - 1),
    maxRetainedBytes:
      options.maxRetainedBytes === undefined
        ? undefined
        : int('maxRetainedBytes', options.maxRetainedBytes, 0, 0, Number.MAX_SAFE_INTEGER),
    logger: options.logger,
    clock: options.clock ?? Date.now,
  });
}
