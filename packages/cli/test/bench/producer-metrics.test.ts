import { describe, expect, it } from 'vitest';
import { readProducerMetrics } from '../../src/bench/producer-metrics.js';

describe('readProducerMetrics', () => {
  it('reads plain numbers and statistic sets by KPL name', () => {
    const figures = readProducerMetrics({
      UserRecordsPut: { sum: 1000, count: 4 },
      KinesisRecordsPut: 10,
      RetriesPerRecord: { sum: 3, count: 1000 },
      ErrorsByCode: { ProvisionedThroughputExceededException: { sum: 2 }, InternalFailure: 1, Nothing: 0 },
    });
    expect(figures).toEqual({
      aggregationRatio: 100,
      kinesisRecordsPut: 10,
      userRecordsPut: 1000,
      throttles: 2,
      retries: 3,
      errorsByCode: { ProvisionedThroughputExceededException: 2, InternalFailure: 1 },
    });
  });

  it('reads the producer snapshot shape: statistic sets under metrics, errors split by code beside them', () => {
    const stat = (sum: number, count: number) => ({ count, sum, min: 0, max: 0 });
    const figures = readProducerMetrics({
      startTime: 0,
      endTime: 1,
      metrics: { UserRecordsPut: stat(5000, 10), KinesisRecordsPut: stat(10, 10), RetriesPerRecord: stat(7, 5000) },
      errorsByCode: { ProvisionedThroughputExceededException: 3 },
    });
    expect(figures).toMatchObject({ aggregationRatio: 500, throttles: 3, retries: 7, kinesisRecordsPut: 10 });
  });

  it('falls back to UserRecordsPerKinesisRecord and tolerates missing metrics', () => {
    expect(readProducerMetrics({ metrics: { UserRecordsPerKinesisRecord: { average: 42.5 } } }).aggregationRatio).toBe(
      42.5,
    );
    expect(readProducerMetrics(null)).toEqual({
      aggregationRatio: null,
      kinesisRecordsPut: null,
      userRecordsPut: null,
      throttles: 0,
      retries: 0,
      errorsByCode: {},
    });
  });
});
