export { aggregateBody } from './aggregate-body.js';
export { AggregateSizer } from './aggregate-sizer.js';
export { type AggregatedRecordSchema, aggregatedRecordSchema } from './aggregated-record-schema.js';
export {
  type DeaggregateOptions,
  deaggregate,
  type FactoryDeaggregationResult,
  type RangeCheckCodec,
  type UserRecordFactory,
} from './deaggregate.js';
export { type AggregationRecord, encodeAggregatedRecord } from './encode-aggregated-record.js';
export type { DeaggregationResult, KinesisRecordInput, UserRecord } from './user-record.js';
