export { METRIC_NAMES, type MetricName } from './metric-names.js';
export type { MetricStat } from './metric-stat.js';
export { type MetricsSnapshot, ProducerMetrics } from './producer-metrics.js';
