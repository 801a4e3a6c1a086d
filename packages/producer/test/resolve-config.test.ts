import { readFileSync } from 'node:fs';
import { InvalidConfigError } from '@shardline/core';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/config/defaults.js';
import { resolveConfig } from '../src/config/resolve-config.js';

describe('resolveConfig', () => {
  it('fills the KPL defaults', () => {
    const config = resolveConfig({ region: 'eu-west-1' }, {});
    expect(config.aggregationMaxSize).toBe(51_200);
    expect(config.collectionMaxCount).toBe(500);
    expect(config.collectionMaxSize).toBe(5_242_880);
    expect(config.recordMaxBufferedTime).toBe(100);
    expect(config.recordTtl).toBe(30_000);
    expect(config.rateLimit).toBe(150);
    expect(config.maxConnections).toBe(24);
    expect(config.minRequestsInFlight).toBe(4);
    expect(config.sendWorkers).toBe(2);
    expect(config.requestTimeout).toBe(6_000);
    expect(config.endpoint).toBe('https://kinesis.eu-west-1.amazonaws.com');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes the region from the environment, or us-east-1 with an explicit endpoint', () => {
    expect(resolveConfig({}, { AWS_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
    expect(resolveConfig({ endpoint: 'http://127.0.0.1:4567' }, {}).region).toBe('us-east-1');
    expect(() => resolveConfig({}, {})).toThrow(/region/);
  });

  it.each([
    [{ collectionMaxCount: 501 }, /collectionMaxCount/],
    [{ aggregationMaxSize: 10 }, /aggregationMaxSize/],
    [{ recordTtl: 1.5 }, /recordTtl/],
    [{ maxConnections: 0 }, /maxConnections/],
    [{ minRequestsInFlight: -1 }, /minRequestsInFlight/],
    [{ minRequestsInFlight: 257 }, /minRequestsInFlight/],
    [{ sendWorkers: 0 }, /sendWorkers must be an integer in 1\.\.16/],
    [{ sendWorkers: 17 }, /sendWorkers/],
    [{ sendWorkers: 1.5 }, /sendWorkers/],
    [{ aggregationEnabled: 'yes' }, /aggregationEnabled/],
    [{ whenFull: 'drop' }, /whenFull/],
    [{ sendThread: 'pool' }, /sendThread/],
    [{ endpoint: 'ftp://x' }, /endpoint/],
    [{ credentials: { accessKeyId: 1 } }, /credentials/],
    [{ logger: { info() {} } }, /logger/],
    [{ noSuchOption: 1 }, /noSuchOption/],
    [{ retryInitialBackoff: 500, retryMaxBackoff: 100 }, /retryMaxBackoff/],
  ])('rejects %o naming the option', (bad, message) => {
    expect(() => resolveConfig({ region: 'us-east-1', ...(bad as object) }, {})).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ region: 'us-east-1', ...(bad as object) }, {})).toThrow(message);
  });

  it('the README table lists every default exactly as DEFAULTS has it', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [name, value] of Object.entries(DEFAULTS)) {
      // Table cells may be padded by the formatter.
      const row = readme.split('\n').find((line) => new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`).test(line));
      expect(row, `README row for ${name}`).toBeDefined();
      const cell = row?.split('|')[2]?.trim();
      const expected = value === undefined ? '—' : `\`${JSON.stringify(value)}\``;
      expect(cell, name).toBe(expected);
    }
  });
});
