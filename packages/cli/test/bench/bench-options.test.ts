import { describe, expect, it } from 'vitest';
import { BENCH_DEFAULTS, EMBEDDED_TUNING, parseBenchOptions } from '../../src/bench/bench-options.js';
import { CliUsageError } from '../../src/cli-usage-error.js';

function usageError(argv: string[]): string {
  try {
    parseBenchOptions(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('parseBenchOptions', () => {
  it('returns the defaults with no arguments, tuned for the embedded broker without limits', () => {
    expect(parseBenchOptions([])).toEqual({ ...BENCH_DEFAULTS, ...EMBEDDED_TUNING });
  });

  it('leaves linger and polling to the libraries when AWS limits apply or the endpoint is real', () => {
    const libraryDefaults = { recordMaxBufferedTime: null, idleTimeBetweenReads: null, minTimeBetweenReads: null };
    expect(parseBenchOptions(['--limits', 'aws'])).toMatchObject(libraryDefaults);
    expect(parseBenchOptions(['--endpoint', 'https://kinesis.eu-west-1.amazonaws.com'])).toMatchObject(libraryDefaults);
  });

  it('keeps a given tuning value over the embedded tuning', () => {
    expect(parseBenchOptions(['--min-time-between-reads', '200'])).toMatchObject({
      ...EMBEDDED_TUNING,
      minTimeBetweenReads: 200,
    });
  });

  it('parses every option, in both --flag value and --flag=value forms', () => {
    const o = parseBenchOptions([
      '--records=20000',
      '--record-size',
      '256',
      '--rate',
      '5000',
      '--shards',
      '3',
      '--workers',
      '2',
      '--partition-keys',
      'zipf:50:1.2',
      '--limits',
      'aws',
      '--aggregation',
      'off',
      '--duration',
      '2.5',
      '--json',
      'out.json',
      '--reshard',
      'merge',
      '--kill-worker',
      '2',
      '--region',
      'eu-west-1',
      '--stream',
      'my-stream',
      '--app',
      'my-app',
      '--failover-ms',
      '3000',
      '--drain-timeout',
      '5',
      '--warmup',
      '2',
      '--max-outstanding',
      '1000',
      '--progress',
      'off',
      '--inject-faults',
      'drop:5,corrupt:7',
      '--record-max-buffered-time',
      '20',
      '--idle-time-between-reads',
      '100',
      '--min-time-between-reads',
      '50',
      '--protocol',
      'json',
    ]);
    expect(o).toMatchObject({
      records: 20_000,
      recordSize: 256,
      rate: 5000,
      shards: 3,
      workers: 2,
      partitionKeys: { distribution: 'zipf', count: 50, exponent: 1.2 },
      limits: 'aws',
      aggregation: false,
      durationSeconds: 2.5,
      jsonFile: 'out.json',
      reshard: 'merge',
      killWorker: 2,
      region: 'eu-west-1',
      streamName: 'my-stream',
      applicationName: 'my-app',
      failoverMs: 3000,
      drainTimeoutSeconds: 5,
      warmupSeconds: 2,
      maxOutstanding: 1000,
      progress: 'off',
      injectFaults: { drop: [5], corrupt: [7] },
      recordMaxBufferedTime: 20,
      idleTimeBetweenReads: 100,
      minTimeBetweenReads: 50,
      protocol: 'json',
    });
  });

  it('accepts endpoints and a plain key count', () => {
    const o = parseBenchOptions([
      '--endpoint',
      'https://kinesis.eu-west-1.amazonaws.com',
      '--dynamodb-endpoint',
      'http://127.0.0.1:8000',
      '--partition-keys',
      '10',
    ]);
    expect(o.endpoint).toBe('https://kinesis.eu-west-1.amazonaws.com');
    expect(o.dynamoDbEndpoint).toBe('http://127.0.0.1:8000');
    expect(o.partitionKeys).toEqual({ distribution: 'uniform', count: 10, exponent: 1 });
  });

  it('derives the record count from a rate alone, and lifts it for a duration alone', () => {
    expect(parseBenchOptions(['--rate', '1000']).records).toBe(60_000);
    expect(parseBenchOptions(['--duration', '10']).records).toBe(0xffff_ffff);
    expect(parseBenchOptions(['--duration', '10', '--records', '5']).records).toBe(5);
  });

  it.each([
    [['--records', 'abc'], '--records must be an integer, got "abc"'],
    [['--records', '0'], '--records must be between 1'],
    [['--records', '-5'], '--records must be an integer, got "-5"'],
    [['--record-size', '10'], '--record-size must be between 20'],
    [['--rate', 'fast'], '--rate must be an integer'],
    [['--shards'], '--shards needs a value'],
    [['--workers', '0'], '--workers must be between 1'],
    [['--warmup', '-1'], '--warmup must be an integer, got "-1"'],
    [['--warmup', '1.5'], '--warmup must be an integer'],
    [['--partition-keys', 'normal:5'], '--partition-keys must be N, uniform:N or zipf:N'],
    [['--partition-keys', 'uniform:5:2'], '--partition-keys must be'],
    [['--limits', 'gcp'], '--limits must be one of aws, off, got "gcp"'],
    [['--aggregation', 'yes'], '--aggregation must be one of on, off'],
    [['--duration', '0'], '--duration must be a positive number'],
    [['--reshard', 'both'], '--reshard must be one of split, merge, none'],
    [['--protocol', 'xml'], '--protocol must be one of cbor, json, got "xml"'],
    [['--kill-worker', '3', '--workers', '2'], '--kill-worker 3 names no worker (there are 2)'],
    [['--kill-worker', '1', '--workers', '1'], '--kill-worker needs --workers 2 or more'],
    [['--reshard', 'merge', '--shards', '1'], '--reshard merge needs --shards 2 or more'],
    [['--endpoint', 'ftp://x'], '--endpoint must be an http(s) URL'],
    [['--endpoint', 'not a url'], '--endpoint must be an http(s) URL'],
    [['--endpoint', 'http://127.0.0.1:1', '--limits', 'aws'], '--limits applies to the embedded broker only'],
    [['--stream', 'bad name'], '--stream must be a stream name'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['records'], 'unexpected argument "records"'],
    [['--shards', '2', '--shards', '3'], '--shards given twice'],
    [['--record-max-buffered-time', '0'], '--record-max-buffered-time must be between 1 and 60000, got 0'],
    [['--inject-faults', 'lose:3'], '--inject-faults must look like drop:I,corrupt:J'],
    [['--inject-faults', 'drop:50', '--records', '10'], '--inject-faults index 50 is beyond --records 10'],
  ])('rejects %j with a one-line message', (argv, message) => {
    const text = usageError(argv);
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });
});
