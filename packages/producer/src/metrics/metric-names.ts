/** KPL metric names, kept verbatim so KPL dashboards and docs apply. */
export const METRIC_NAMES = Object.freeze([
  'UserRecordsReceived',
  'UserRecordsPending',
  'UserRecordsPut',
  'UserRecordsDataPut',
  'KinesisRecordsPut',
  'KinesisRecordsDataPut',
  'ErrorsByCode',
  'AllErrors',
  'RetriesPerRecord',
  'UserRecordExpired',
  'BufferingTime',
  'RequestTime',
  'UserRecordsPerKinesisRecord',
  'KinesisRecordsPerPutRecordsRequest',
  'UserRecordsPerPutRecordsRequest',
] as const);

export type MetricName = (typeof METRIC_NAMES)[number];
