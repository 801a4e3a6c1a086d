/** The figures the bench takes from a producer metrics snapshot (KPL metric names). */
export interface ProducerFigures {
  readonly aggregationRatio: number | null;
  readonly kinesisRecordsPut: number | null;
  readonly userRecordsPut: number | null;
  readonly throttles: number;
  readonly retries: number;
  readonly errorsByCode: Record<string, number>;
}

const THROTTLE_CODES = ['ProvisionedThroughputExceededException', 'ThrottlingException', 'LimitExceededException'];

function field(source: unknown, name: string): unknown {
  return typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[name] : undefined;
}

/** A KPL metric is either a plain number or a statistic set ({ sum, count, average/avg/mean, ... }). */
function total(metric: unknown): number | null {
  if (typeof metric === 'number' && Number.isFinite(metric)) return metric;
  for (const key of ['sum', 'total', 'value', 'count']) {
    const v = field(metric, key);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

function average(metric: unknown): number | null {
  if (typeof metric === 'number' && Number.isFinite(metric)) return metric;
  for (const key of ['average', 'avg', 'mean']) {
    const v = field(metric, key);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  const sum = field(metric, 'sum');
  const count = field(metric, 'count');
  if (typeof sum === 'number' && typeof count === 'number' && count > 0) return sum / count;
  return null;
}

/**
 * Reads the snapshot the producer process forwarded. Missing metrics read as null (or zero for counters of
 * bad news), so a producer that reports fewer metrics still yields a report.
 */
export function readProducerMetrics(snapshot: unknown): ProducerFigures {
  const root = field(snapshot, 'metrics') ?? snapshot;
  const userRecordsPut = total(field(root, 'UserRecordsPut'));
  const kinesisRecordsPut = total(field(root, 'KinesisRecordsPut'));
  let aggregationRatio = average(field(root, 'UserRecordsPerKinesisRecord'));
  if (userRecordsPut !== null && kinesisRecordsPut !== null && kinesisRecordsPut > 0) {
    aggregationRatio = userRecordsPut / kinesisRecordsPut;
  }
  const errorsByCode: Record<string, number> = {};
  // The snapshot keeps errors split by code beside the statistic sets; accept either placement.
  const errors = field(snapshot, 'errorsByCode') ?? field(root, 'ErrorsByCode');
  if (typeof errors === 'object' && errors !== null) {
    for (const [code, value] of Object.entries(errors)) {
      const n = total(value);
      if (n !== null && n > 0) errorsByCode[code] = n;
    }
  }
  const throttles = THROTTLE_CODES.reduce((sum, code) => sum + (errorsByCode[code] ?? 0), 0);
  return {
    aggregationRatio: aggregationRatio === null ? null : Math.round(aggregationRatio * 100) / 100,
    kinesisRecordsPut,
    userRecordsPut,
    throttles,
    retries: total(field(root, 'RetriesPerRecord')) ?? 0,
    errorsByCode,
  };
}
