import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Broker, type BrokerOptions, CredentialsError, loadCredentialsFile, startBroker } from '@shardline/broker';
import { InvalidConfigError } from '@shardline/core';
import { CliUsageError } from '../cli-usage-error.js';

const HELP = `usage: shardline broker [options]

Runs the reference Kinesis Data Streams broker (HTTP/1.1 and h2c on one port; JSON 1.1 and CBOR 1.1).

options:
  --port N                 port for HTTP/1.1 and h2c (default 4567; 0 picks a free port)
  --host ADDR              interface to bind (default 127.0.0.1)
  --limits aws|off         per-shard throughput limits as on AWS (default aws)
  --data-dir DIR           keep records in per-shard logs under DIR and recover them on restart
  --fsync MODE             always | interval | never (default interval; needs --data-dir)
  --fsync-interval-ms N    fsync period for --fsync interval (default 1000)
  --max-retained-mib N     memory-only: keep at most N MiB of records, dropping the oldest first
  --tls                    also listen with TLS (h2 and HTTP/1.1 by ALPN)
  --tls-port N             TLS port (default 4568; 0 picks a free port)
  --tls-cert FILE          PEM certificate (default: self-signed, made at start)
  --tls-key FILE           PEM private key for --tls-cert
  --credentials FILE       JSON array of {accessKeyId, secretAccessKey, readOnly?, streams?}; enables SigV4 checks
  --create-stream-ms N     time a stream stays CREATING (default 500)
  --update-stream-ms N     time a stream stays UPDATING (default 500)
  --delete-stream-ms N     time a stream stays DELETING (default 500)
  --shard-limit N          open shards allowed over all streams (default 500)
  --region NAME            region in ARNs (default us-east-1)
  --account-id ID          12-digit account id in ARNs (default 000000000000)
  -h, --help               show this help
`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value))
    throw new CliUsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function readPem(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`--${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function parse(argv: readonly string[]): Promise<BrokerOptions | 'help'> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        limits: { type: 'string' },
        'data-dir': { type: 'string' },
        fsync: { type: 'string' },
        'fsync-interval-ms': { type: 'string' },
        'max-retained-mib': { type: 'string' },
        tls: { type: 'boolean' },
        'tls-port': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        credentials: { type: 'string' },
        'create-stream-ms': { type: 'string' },
        'update-stream-ms': { type: 'string' },
        'delete-stream-ms': { type: 'string' },
        'shard-limit': { type: 'string' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  if (values.help === true) return 'help';
  const str = (k: string): string | undefined => values[k] as string | undefined;
  if (str('fsync') !== undefined && str('data-dir') === undefined) throw new CliUsageError('--fsync needs --data-dir');
  if (str('max-retained-mib') !== undefined && str('data-dir') !== undefined) {
    throw new CliUsageError('--max-retained-mib bounds a memory-only broker; it cannot go with --data-dir');
  }
  const retainedMib = integer('max-retained-mib', str('max-retained-mib'));
  const certPath = str('tls-cert');
  const keyPath = str('tls-key');
  if ((certPath === undefined) !== (keyPath === undefined))
    throw new CliUsageError('--tls-cert and --tls-key go together');
  if (certPath !== undefined && values.tls !== true) throw new CliUsageError('--tls-cert needs --tls');
  const credentialsPath = str('credentials');
  let credentials: BrokerOptions['credentials'];
  if (credentialsPath !== undefined) {
    try {
      credentials = await loadCredentialsFile(credentialsPath);
    } catch (error) {
      if (error instanceof CredentialsError) throw new CliUsageError(`--credentials: ${error.message}`);
      throw error;
    }
  }
  const options: Record<string, unknown> = {
    port: integer('port', str('port')) ?? 4567,
    host: str('host'),
    limits: str('limits'),
    dataDir: str('data-dir'),
    fsync: str('fsync'),
    fsyncIntervalMs: integer('fsync-interval-ms', str('fsync-interval-ms')),
    maxRetainedBytes: retainedMib === undefined ? undefined : retainedMib * 1024 * 1024,
    tls:
      values.tls === true
        ? certPath !== undefined && keyPath !== undefined
          ? { cert: readPem('tls-cert', certPath), key: readPem('tls-key', keyPath) }
          : true
        : undefined,
    tlsPort: values.tls === true ? (integer('tls-port', str('tls-port')) ?? 4568) : undefined,
    credentials,
    createStreamMs: integer('create-stream-ms', str('create-stream-ms')),
    updateStreamMs: integer('update-stream-ms', str('update-stream-ms')),
    deleteStreamMs: integer('delete-stream-ms', str('delete-stream-ms')),
    shardLimit: integer('shard-limit', str('shard-limit')),
    region: str('region'),
    accountId: str('account-id'),
  };
  for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
  return options as BrokerOptions;
}

/** `shardline broker`: runs until SIGINT/SIGTERM, then drains requests and flushes storage. */
export async function brokerCommand(argv: readonly string[]): Promise<number> {
  const options = await parse(argv);
  if (options === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  let broker: Broker;
  try {
    broker = await startBroker(options);
  } catch (error) {
    if (error instanceof InvalidConfigError) throw new CliUsageError(error.message.replace(/^broker option /, '--'));
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      process.stderr.write(`shardline broker: cannot listen: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
  const tls = broker.tlsUrl === undefined ? '' : `, ${broker.tlsUrl} (TLS: h2 + HTTP/1.1)`;
  const storage =
    options.dataDir !== undefined
      ? `data dir ${options.dataDir}, fsync ${options.fsync ?? 'interval'}`
      : options.maxRetainedBytes === undefined
        ? 'in memory'
        : `in memory, at most ${options.maxRetainedBytes / 1024 / 1024} MiB of records`;
  process.stdout.write(
    `shardline broker listening on ${broker.url} (HTTP/1.1 + h2c)${tls}; ${storage}; limits ${options.limits ?? 'aws'}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await broker.close();
  return 0;
}
