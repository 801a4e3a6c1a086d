import { channel } from 'node:diagnostics_channel';

/**
 * `node:diagnostics_channel` channels of the producer. Messages are built only when a channel has
 * subscribers, so an unobserved producer pays one property read per event.
 */
export const producerChannels = Object.freeze({
  /** A PutRecords request is sent: { streamName, kinesisRecords, userRecords, bytes }. */
  request: channel('shardline:producer:request'),
  /** A PutRecords request ended: { streamName, durationMs, failedRecords, error? }. */
  response: channel('shardline:producer:response'),
  /** A Kinesis record is scheduled for another attempt: { streamName, shardId?, attempts, errorCode, delayMs }. */
  retry: channel('shardline:producer:retry'),
  /** A stream's shard map changed: { streamName, shardCount }. */
  shardMap: channel('shardline:producer:shard-map'),
  /** User records failed: { streamName, count, code }. */
  failure: channel('shardline:producer:failure'),
});
