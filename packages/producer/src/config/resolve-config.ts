import { InvalidConfigError } from '@shardline/core';
import { DEFAULTS } from './defaults.js';
import type { ProducerConfig, ResolvedProducerConfig } from './producer-config.js';

const MAX_INT = Number.MAX_SAFE_INTEGER;

/** Integer options with their inclusive ranges (KPL ranges where the KPL has the option). */
const INTEGER_RANGES = Object.freeze({
  aggregationMaxCount: [1, MAX_INT],
  aggregationMaxSize: [64, 10_485_760],
  collectionMaxCount: [1, 500],
  collectionMaxSize: [52_224, MAX_INT],
  recordMaxBufferedTime: [0, MAX_INT],
  recordTtl: [100, MAX_INT],
  rateLimit: [1, MAX_INT],
  maxConnections: [1, 256],
  minRequestsInFlight: [0, 256],
  requestTimeout: [100, 600_000],
  maxRecordSize: [64, 10_485_760],
  maxBufferedBytes: [1, MAX_INT],
  maxBufferedRecords: [1, MAX_INT],
  retryInitialBackoff: [1, 600_000],
  retryMaxBackoff: [1, 3_600_000],
  shardMapRefreshInterval: [0, MAX_INT],
  metricsInterval: [0, MAX_INT],
  sendWorkers: [1, 16],
} as const);

const BOOLEANS = ['aggregationEnabled', 'failIfThrottled', 'ordered'] as const;
const KNOWN = new Set<string>([...Object.keys(DEFAULTS), 'credentials', 'logger']);

/** Validates `config` once, fills defaults, and returns a frozen object; throws InvalidConfigError naming the option. */
export function resolveConfig(config: ProducerConfig, env: NodeJS.ProcessEnv = process.env): ResolvedProducerConfig {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidConfigError('producer config must be an object');
  }
  for (const key of Object.keys(config)) {
    if (!KNOWN.has(key)) throw new InvalidConfigError(`unknown producer option "${key}"`);
  }
  const raw = config as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, [min, max]] of Object.entries(INTEGER_RANGES)) {
    const value = raw[name] ?? DEFAULTS[name as keyof typeof INTEGER_RANGES];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new InvalidConfigError(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
    }
    out[name] = value;
  }
  for (const name of BOOLEANS) {
    const value = raw[name] ?? DEFAULTS[name];
    if (typeof value !== 'boolean') throw new InvalidConfigError(`${name} must be a boolean, got ${typeof value}`);
    out[name] = value;
  }
  const whenFull = raw.whenFull ?? DEFAULTS.whenFull;
  if (whenFull !== 'wait' && whenFull !== 'fail') {
    throw new InvalidConfigError(`whenFull must be 'wait' or 'fail', got ${String(whenFull)}`);
  }
  out.whenFull = whenFull;
  const protocol = raw.protocol ?? DEFAULTS.protocol;
  if (protocol !== 'json' && protocol !== 'cbor') {
    throw new InvalidConfigError(`protocol must be 'json' or 'cbor', got ${String(protocol)}`);
  }
  out.protocol = protocol;
  const sendThread = raw.sendThread ?? DEFAULTS.sendThread;
  if (sendThread !== 'worker' && sendThread !== 'main') {
    throw new InvalidConfigError(`sendThread must be 'worker' or 'main', got ${String(sendThread)}`);
  }
  out.sendThread = sendThread;
  if ((out.retryMaxBackoff as number) < (out.retryInitialBackoff as number)) {
    throw new InvalidConfigError('retryMaxBackoff must not be below retryInitialBackoff');
  }

  const endpointOption = raw.endpoint;
  if (endpointOption !== undefined && typeof endpointOption !== 'string') {
    throw new InvalidConfigError('endpoint must be a URL string');
  }
  const region = raw.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (endpointOption ? 'us-east-1' : undefined);
  if (typeof region !== 'string' || !/^[a-z0-9-]{1,64}$/.test(region)) {
    throw new InvalidConfigError(
      region === undefined
        ? 'region is required: pass region, set AWS_REGION, or pass an endpoint'
        : `region must look like us-east-1, got ${JSON.stringify(region)}`,
    );
  }
  out.region = region;
  const endpoint = endpointOption ?? `https://kinesis.${region}.amazonaws.com`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (cause) {
    throw new InvalidConfigError(`endpoint is not a valid URL: ${JSON.stringify(endpoint)}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidConfigError(`endpoint must be http: or https:, got ${url.protocol}`);
  }
  out.endpoint = url.origin;

  const credentials = raw.credentials;
  if (credentials !== undefined && typeof credentials !== 'function') {
    const c = credentials as Record<string, unknown>;
    if (typeof c !== 'object' || typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string') {
      throw new InvalidConfigError('credentials must be { accessKeyId, secretAccessKey, sessionToken? } or a function');
    }
  }
  const logger = raw.logger;
  if (logger !== undefined) {
    const l = logger as Record<string, unknown>;
    for (const level of ['debug', 'info', 'warn', 'error']) {
      if (typeof l[level] !== 'function') throw new InvalidConfigError(`logger.${level} must be a function`);
    }
  }
  // Copied into a fresh literal before freezing: `out`, grown by a score of computed-key stores, is by
  // now a dictionary-mode object, and every hot-path read of a dictionary-mode config is a generic
  // lookup V8 cannot inline (~2 % of the put() thread). The spread's copy has fast properties.
  return Object.freeze({ ...out }) as unknown as ResolvedProducerConfig;
}
