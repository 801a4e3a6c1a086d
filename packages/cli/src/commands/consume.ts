import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type BatchContext,
  type ConsumerRecord,
  KinesisConsumer,
  type KinesisConsumerOptions,
  type Logger,
} from '@shardline/consumer';
import { CliUsageError } from '../cli-usage-error.js';

const HELP = `usage: shardline consume --stream S --app A [options]

Runs one consumer worker. Several workers with the same --app share the stream's shards
through the lease table (DynamoDB), like KCL workers.

  --stream NAME              stream to read (required)
  --app NAME                 application name; also the lease table name (required)
  --handler PATH             ES module whose default export is async (batch) => {}; called per batch
                             (records, shardId, checkpoint(), signal, millisBehindLatest). Without it,
                             records are printed to stdout as JSON lines.
  --endpoint URL             Kinesis endpoint (e.g. http://127.0.0.1:4567 for the reference broker)
  --dynamodb-endpoint URL    DynamoDB endpoint for the lease table; with a loopback --endpoint and none
                             given, an embedded DynamoDB is started (leases then live in this process only)
  --region REGION            AWS region (default us-east-1)
  --lease-table NAME         lease table name (default: --app)
  --worker-id ID             worker identity (default: host:pid:uuid)
  --initial-position POS     TRIM_HORIZON, LATEST (default) or an ISO-8601 timestamp
  --failover-time-ms N       lease failover time (default 10000)
  --taker-interval-ms N      lease taker period (default 1500)
  --idle-time-ms N           wait after an empty read (default 1000)
  --max-records N            GetRecords limit (default 10000)
  --max-batch-records N      most user records per handler call (default 1000)
  --checkpoint-interval-ms N minimum time between automatic checkpoints (default 5000)
  --no-auto-checkpoint       with --handler: never checkpoint automatically (call batch.checkpoint())
  --data-encoding ENC        printing: utf8 (default) or base64
  --verbose                  log lease activity to stderr
  -h, --help                 this text

SIGINT/SIGTERM: graceful shutdown (final checkpoint, leases released).`;

function integerOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new CliUsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

function initialPosition(raw: string | undefined): KinesisConsumerOptions['initialPosition'] {
  if (raw === undefined) return undefined;
  if (raw === 'TRIM_HORIZON' || raw === 'LATEST') return raw;
  const timestamp = new Date(raw);
  if (Number.isNaN(timestamp.getTime())) {
    throw new CliUsageError(
      `--initial-position must be TRIM_HORIZON, LATEST or an ISO-8601 timestamp, got ${JSON.stringify(raw)}`,
    );
  }
  return { timestamp };
}

function stderrLogger(verbose: boolean): Logger {
  const write = (level: string) => (obj: unknown, msg?: string) => {
    const fields = obj instanceof Error ? { err: obj.message } : (obj as Record<string, unknown>);
    const err = fields?.err instanceof Error ? { err: fields.err.message } : {};
    process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields, ...err })}\n`);
  };
  const noop = (): void => {};
  return { debug: noop, info: verbose ? write('info') : noop, warn: write('warn'), error: write('error') };
}

type BatchHandler = (batch: BatchContext) => unknown;

async function loadHandler(path: string): Promise<BatchHandler> {
  let imported: { default?: unknown };
  try {
    imported = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
  } catch (error) {
    throw new CliUsageError(`--handler ${path} could not be loaded: ${(error as Error).message}`);
  }
  if (typeof imported.default !== 'function')
    throw new CliUsageError(`--handler ${path} must have a default export function (batch) => {}`);
  return imported.default as BatchHandler;
}

function printer(encoding: 'utf8' | 'base64'): (batch: BatchContext) => void {
  return ({ records }) => {
    let out = '';
    for (const record of records as readonly ConsumerRecord[]) {
      out += `${JSON.stringify({
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber: record.subSequenceNumber,
        partitionKey: record.partitionKey,
        data: record.data.toString(encoding),
      })}\n`;
    }
    if (out.length > 0) process.stdout.write(out);
  };
}

/** `shardline consume`: one worker of a consumer fleet. Resolves with the exit code after a graceful stop. */
export async function consumeCommand(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        stream: { type: 'string' },
        app: { type: 'string' },
        handler: { type: 'string' },
        endpoint: { type: 'string' },
        'dynamodb-endpoint': { type: 'string' },
        region: { type: 'string' },
        'lease-table': { type: 'string' },
        'worker-id': { type: 'string' },
        'initial-position': { type: 'string' },
        'failover-time-ms': { type: 'string' },
        'taker-interval-ms': { type: 'string' },
        'idle-time-ms': { type: 'string' },
        'max-records': { type: 'string' },
        'max-batch-records': { type: 'string' },
        'checkpoint-interval-ms': { type: 'string' },
        'no-auto-checkpoint': { type: 'boolean' },
        'data-encoding': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const stream = str('stream');
  const app = str('app');
  if (stream === undefined) throw new CliUsageError('--stream is required');
  if (app === undefined) throw new CliUsageError('--app is required');
  const encoding = str('data-encoding') ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'base64')
    throw new CliUsageError(`--data-encoding must be utf8 or base64, got ${JSON.stringify(encoding)}`);
  const handlerPath = str('handler');
  const handler = handlerPath === undefined ? printer(encoding) : await loadHandler(handlerPath);
  const options: Record<string, unknown> = {
    streamName: stream,
    applicationName: app,
    endpoint: str('endpoint'),
    dynamoDbEndpoint: str('dynamodb-endpoint'),
    region: str('region'),
    leaseTableName: str('lease-table'),
    workerId: str('worker-id'),
    initialPosition: initialPosition(str('initial-position')),
    failoverTimeMillis: integerOption(values, 'failover-time-ms'),
    leaseTakerIntervalMillis: integerOption(values, 'taker-interval-ms'),
    idleTimeBetweenReadsMillis: integerOption(values, 'idle-time-ms'),
    maxRecords: integerOption(values, 'max-records'),
    maxBatchRecords: integerOption(values, 'max-batch-records'),
    autoCheckpointIntervalMillis: integerOption(values, 'checkpoint-interval-ms'),
    autoCheckpoint: values['no-auto-checkpoint'] === true ? false : undefined,
    logger: stderrLogger(values.verbose === true),
  };
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  let consumer: KinesisConsumer;
  try {
    consumer = new KinesisConsumer(options as unknown as KinesisConsumerOptions);
  } catch (error) {
    if ((error as { code?: string }).code === 'SHARDLINE_ERR_INVALID_CONFIG')
      throw new CliUsageError((error as Error).message);
    throw error;
  }
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolveStop) => {
    stop = resolveStop;
  });
  const onSignal = (): void => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await consumer.run({ eachBatch: async (batch) => void (await handler(batch)) });
    if (values.verbose === true)
      process.stderr.write(`shardline consume: worker ${consumer.config.workerId} running\n`);
    await stopped;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await consumer.close();
  }
  return 0;
}
