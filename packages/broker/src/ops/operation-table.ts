import type { Operation, OperationHandler } from './operation.js';
import { getRecords, getShardIterator, putRecord, putRecords } from './record-ops.js';
import { listShards, mergeShards, splitShard, updateShardCount } from './shard-ops.js';
import {
  createStream,
  decreaseStreamRetentionPeriod,
  deleteStream,
  describeLimits,
  describeStream,
  describeStreamSummary,
  disableEnhancedMonitoring,
  enableEnhancedMonitoring,
  increaseStreamRetentionPeriod,
  listStreams,
  startStreamEncryption,
  stopStreamEncryption,
  updateMaxRecordSize,
  updateStreamMode,
} from './stream-ops.js';
import {
  addTagsToStream,
  listTagsForResource,
  listTagsForStream,
  removeTagsFromStream,
  tagResource,
  untagResource,
} from './tag-ops.js';

const read = (handler: OperationHandler): Operation => ({ handler, readOnly: true });
const write = (handler: OperationHandler): Operation => ({ handler, readOnly: false });

/**
 * Every operation by its X-Amz-Target name. Streaming operations (SubscribeToShard) will get their own
 * table entry kind: the request handler already separates decoding, dispatch and response writing.
 */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map([
  ['CreateStream', write(createStream)],
  ['DeleteStream', write(deleteStream)],
  ['DescribeStream', read(describeStream)],
  ['DescribeStreamSummary', read(describeStreamSummary)],
  ['ListStreams', read(listStreams)],
  ['ListShards', read(listShards)],
  ['DescribeLimits', read(describeLimits)],
  ['PutRecord', write(putRecord)],
  ['PutRecords', write(putRecords)],
  ['GetShardIterator', read(getShardIterator)],
  ['GetRecords', read(getRecords)],
  ['SplitShard', write(splitShard)],
  ['MergeShards', write(mergeShards)],
  ['UpdateShardCount', write(updateShardCount)],
  ['IncreaseStreamRetentionPeriod', write(increaseStreamRetentionPeriod)],
  ['DecreaseStreamRetentionPeriod', write(decreaseStreamRetentionPeriod)],
  ['AddTagsToStream', write(addTagsToStream)],
  ['RemoveTagsFromStream', write(removeTagsFromStream)],
  ['ListTagsForStream', read(listTagsForStream)],
  ['TagResource', write(tagResource)],
  ['UntagResource', write(untagResource)],
  ['ListTagsForResource', read(listTagsForResource)],
  ['StartStreamEncryption', write(startStreamEncryption)],
  ['StopStreamEncryption', write(stopStreamEncryption)],
  ['UpdateStreamMode', write(updateStreamMode)],
  ['UpdateMaxRecordSize', write(updateMaxRecordSize)],
  ['EnableEnhancedMonitoring', write(enableEnhancedMonitoring)],
  ['DisableEnhancedMonitoring', write(disableEnhancedMonitoring)],
]);
