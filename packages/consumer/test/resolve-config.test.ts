import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/config/defaults.js';
import { isLoopbackEndpoint, resolveConfig } from '../src/config/resolve-config.js';

const base = { streamName: 'orders', applicationName: 'billing' };

describe('resolveConfig', () => {
  it('applies the defaults table', () => {
    const config = resolveConfig(base);
    expect(config.leaseTableName).toBe('billing');
    expect(config.workerRegistryTableName).toBe('billing-workers');
    expect(resolveConfig({ ...base, leaseTableName: 'leases' }).workerRegistryTableName).toBe('leases-workers');
    expect(config.failoverTimeMillis).toBe(DEFAULTS.failoverTimeMillis);
    expect(config.leaseRenewalIntervalMillis).toBe(3_308);
    expect(config.initialPosition).toBe('LATEST');
    expect(config.handlerErrorPolicy.policy).toBe('retry');
    expect(config.embeddedDynamoDb).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });

  it('speaks CBOR for GetRecords unless told otherwise or given a client whose middleware must see it', () => {
    expect(DEFAULTS.getRecordsProtocol).toBeNull();
    expect(resolveConfig(base).getRecordsProtocol).toBe('cbor');
    expect(resolveConfig({ ...base, getRecordsProtocol: 'json' }).getRecordsProtocol).toBe('json');
    const injected = { ...base, kinesisClient: {} as never };
    expect(resolveConfig(injected).getRecordsProtocol).toBe('json');
    expect(resolveConfig({ ...injected, getRecordsProtocol: 'cbor' }).getRecordsProtocol).toBe('cbor');
  });

  it('rejects bad options naming them', () => {
    const bad: [object, RegExp][] = [
      [{ streamName: '' }, /streamName/],
      [{ applicationName: '' }, /applicationName/],
      [{ applicationName: 'ab' }, /leaseTableName/],
      [{ workerRegistryTableName: 'billing' }, /workerRegistryTableName/],
      [{ workerRegistryTableName: 'x' }, /workerRegistryTableName/],
      [{ failoverTimeMillis: 1.5 }, /failoverTimeMillis/],
      [{ maxRecords: 10_001 }, /maxRecords/],
      [{ maxBatchRecords: 0 }, /maxBatchRecords/],
      [{ maxBatchRecords: 2.5 }, /maxBatchRecords/],
      [{ leaseRenewalIntervalMillis: 20_000 }, /leaseRenewalIntervalMillis/],
      [{ initialPosition: 'NOW' }, /initialPosition/],
      [{ handlerErrorPolicy: 'skip' }, /handlerErrorPolicy/],
      [{ endpoint: 'ftp://x' }, /endpoint/],
      [{ logger: { info: () => {} } }, /logger\.debug/],
      [{ getRecordsProtocol: 'xml' }, /getRecordsProtocol/],
    ];
    for (const [patch, message] of bad) {
      expect(() => resolveConfig({ ...base, ...patch } as never)).toThrow(message);
      try {
        resolveConfig({ ...base, ...patch } as never);
      } catch (error) {
        expect((error as { code: string }).code).toBe('SHARDLINE_ERR_INVALID_CONFIG');
      }
    }
  });

  it('starts an embedded DynamoDB only for a loopback Kinesis endpoint without a DynamoDB endpoint', () => {
    expect(resolveConfig({ ...base, endpoint: 'http://127.0.0.1:4567' }).embeddedDynamoDb).toEqual({
      dataDir: undefined,
    });
    expect(
      resolveConfig({ ...base, endpoint: 'http://localhost:4567', dynamoDbEndpoint: 'http://127.0.0.1:8000' })
        .embeddedDynamoDb,
    ).toBe(false);
    expect(resolveConfig({ ...base, endpoint: 'https://kinesis.us-east-1.amazonaws.com' }).embeddedDynamoDb).toBe(
      false,
    );
    expect(() => resolveConfig({ ...base, embeddedDynamoDb: true })).toThrow(/loopback/);
    expect(() =>
      resolveConfig({
        ...base,
        endpoint: 'https://kinesis.eu-west-1.amazonaws.com',
        embeddedDynamoDb: { dataDir: '/tmp/x' },
      }),
    ).toThrow(/loopback/);
    expect(isLoopbackEndpoint('http://[::1]:4567')).toBe(true);
    expect(isLoopbackEndpoint('http://10.0.0.1:4567')).toBe(false);
  });

  it('keeps an AT_TIMESTAMP position as a copy', () => {
    const timestamp = new Date('2026-01-01T00:00:00Z');
    const config = resolveConfig({ ...base, initialPosition: { timestamp } });
    timestamp.setTime(0);
    expect(config.initialPosition).toEqual({ timestamp: new Date('2026-01-01T00:00:00Z') });
  });
});
