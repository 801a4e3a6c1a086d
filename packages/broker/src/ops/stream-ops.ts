import { ApiError, inUse, invalidArgument, limitExceeded, validationError } from '../errors/api-error.js';
import type { BrokerState } from '../model/broker-state.js';
import { createInitialShards } from '../model/resharding.js';
import { Stream, type StreamMode } from '../model/stream.js';
import {
  type Input,
  optEnum,
  optInt,
  optObject,
  optString,
  optStringList,
  optStringMap,
  reqEnum,
  reqInt,
  reqString,
} from './input.js';
import type { RequestContext } from './operation.js';
import {
  accountOf,
  activeStream,
  creationTime,
  describeShard,
  findStream,
  modeDetails,
  STREAM_NAME,
  shardVisible,
} from './stream-lookup.js';
import { validateTags } from './tag-ops.js';

const MODES = ['PROVISIONED', 'ON_DEMAND'] as const;
const ON_DEMAND_SHARDS = 4;
const ON_DEMAND_STREAM_LIMIT = 50;
const MAX_CREATING = 5;
const METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
  'ALL',
] as const;
const ALL_METRICS = METRICS.filter((m) => m !== 'ALL');

function changed(state: BrokerState): void {
  state.storage?.metadataChanged();
}

/** UPDATING for the configured time, then ACTIVE (immediately when the delay is 0). */
export function updateThenActivate(state: BrokerState, stream: Stream, apply: () => void): void {
  if (state.options.updateStreamMs <= 0) {
    apply();
    changed(state);
    return;
  }
  stream.status = 'UPDATING';
  state.schedule(state.options.updateStreamMs, () => {
    // A stream deleted meanwhile stays deleted.
    if (state.streams.get(stream.name) !== stream || stream.status !== 'UPDATING') return;
    apply();
    stream.status = 'ACTIVE';
    changed(state);
  });
}

function readMode(input: Input): StreamMode | undefined {
  const details = optObject(input, 'StreamModeDetails');
  return details === undefined ? undefined : reqEnum(details, 'StreamMode', MODES);
}

export function createStream(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const name = reqString(input, 'StreamName', STREAM_NAME);
  const mode = readMode(input) ?? 'PROVISIONED';
  const requested = optInt(input, 'ShardCount', 1, 100_000);
  const maxRecordSizeKiB = optInt(input, 'MaxRecordSizeInKiB', 1024, 10_240) ?? 1024;
  const tags = optStringMap(input, 'Tags');
  if (tags !== undefined) validateTags(tags, 0);
  if (mode === 'PROVISIONED' && requested === undefined) {
    throw validationError('1 validation error detected: ShardCount must be specified for a PROVISIONED stream.');
  }
  const count = requested ?? ON_DEMAND_SHARDS;
  if (state.streams.has(name)) throw inUse(`Stream ${name} under account ${accountOf(state)} already exists.`);
  const open = state.openShardCount();
  if (open + count > state.options.shardLimit) {
    throw limitExceeded(
      `This request would exceed the shard limit for the account ${accountOf(state)} in ${state.options.region}. Current shard count for the account: ${open}. Limit: ${state.options.shardLimit}. Number of additional shards that would have resulted from this request: ${count}. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
    );
  }
  let creating = 0;
  let onDemand = 0;
  for (const s of state.streams.values()) {
    if (s.status === 'CREATING') creating++;
    if (s.mode === 'ON_DEMAND') onDemand++;
  }
  if (creating >= MAX_CREATING) {
    throw limitExceeded(
      `The account ${accountOf(state)} has ${creating} streams CREATING; at most ${MAX_CREATING} may be.`,
    );
  }
  if (mode === 'ON_DEMAND' && onDemand >= ON_DEMAND_STREAM_LIMIT) {
    throw limitExceeded(`The account ${accountOf(state)} already has ${onDemand} on-demand streams.`);
  }
  const stream = new Stream({ name, arn: state.arn(name), createdMs: state.now(), mode, maxRecordSizeKiB });
  if (tags !== undefined) for (const [k, v] of tags) stream.tags.set(k, v);
  state.streams.set(name, stream);
  // Shards exist from the start but, as on AWS, are listed only once the stream is ACTIVE.
  createInitialShards(state, stream, count);
  const activate = (): void => {
    if (state.streams.get(name) === stream && stream.status === 'CREATING') stream.status = 'ACTIVE';
    changed(state);
  };
  if (state.options.createStreamMs <= 0) activate();
  else {
    changed(state);
    state.schedule(state.options.createStreamMs, activate);
  }
  return {};
}

export function deleteStream(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const stream = findStream(state, input);
  if (stream.status === 'DELETING') return {};
  if (stream.status === 'CREATING') {
    throw inUse(`Stream ${stream.name} under account ${accountOf(state)} not ACTIVE, instead in state CREATING`);
  }
  const remove = (): void => {
    if (state.streams.get(stream.name) === stream) state.streams.delete(stream.name);
    // Hands the records' memory back to a bounded broker's pool (a no-op otherwise).
    for (const shard of stream.shards) shard.log.clear();
    changed(state);
  };
  stream.status = 'DELETING';
  if (state.options.deleteStreamMs <= 0) remove();
  else {
    changed(state);
    state.schedule(state.options.deleteStreamMs, remove);
  }
  return {};
}

function summaryFields(stream: Stream): Record<string, unknown> {
  const out: Record<string, unknown> = {
    StreamName: stream.name,
    StreamARN: stream.arn,
    StreamStatus: stream.status,
    StreamModeDetails: modeDetails(stream),
    RetentionPeriodHours: stream.retentionHours,
    StreamCreationTimestamp: creationTime(stream),
    EnhancedMonitoring: [{ ShardLevelMetrics: [...stream.shardLevelMetrics] }],
    EncryptionType: stream.encryptionType,
  };
  if (stream.keyId !== undefined) out.KeyId = stream.keyId;
  return out;
}

export function describeStream(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const limit = optInt(input, 'Limit', 1, 10_000) ?? 100;
  const exclusiveStart = optString(input, 'ExclusiveStartShardId', { min: 1, max: 128, pattern: /^[a-zA-Z0-9_.-]+$/ });
  const stream = findStream(state, input);
  const now = state.now();
  const startIndex =
    exclusiveStart === undefined ? -1 : (stream.shard(exclusiveStart)?.index ?? shardIndexGuess(exclusiveStart));
  const visible =
    stream.status === 'CREATING'
      ? []
      : stream.shards.filter((s) => s.index > startIndex && shardVisible(stream, s, now));
  const page = visible.slice(0, limit);
  const description = summaryFields(stream);
  return {
    StreamDescription: {
      StreamName: description.StreamName,
      StreamARN: description.StreamARN,
      StreamStatus: description.StreamStatus,
      StreamModeDetails: description.StreamModeDetails,
      Shards: page.map(describeShard),
      HasMoreShards: visible.length > page.length,
      RetentionPeriodHours: description.RetentionPeriodHours,
      StreamCreationTimestamp: description.StreamCreationTimestamp,
      EnhancedMonitoring: description.EnhancedMonitoring,
      EncryptionType: description.EncryptionType,
      ...(stream.keyId === undefined ? {} : { KeyId: stream.keyId }),
    },
  };
}

/** An ExclusiveStartShardId that names no shard still orders by its number, as shard ids sort. */
export function shardIndexGuess(shardId: string): number {
  const m = /(\d+)$/.exec(shardId);
  return m === null ? -1 : Number(m[1]);
}

export function describeStreamSummary(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const stream = findStream(state, input);
  return {
    StreamDescriptionSummary: {
      ...summaryFields(stream),
      OpenShardCount: stream.status === 'CREATING' ? 0 : stream.openShards.length,
      ConsumerCount: 0,
      MaxRecordSizeInKiB: stream.maxRecordSizeKiB,
    },
  };
}

export function listStreams(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const limit = optInt(input, 'Limit', 1, 10_000) ?? 100;
  let start = optString(input, 'ExclusiveStartStreamName', STREAM_NAME);
  const nextToken = optString(input, 'NextToken', { min: 1, max: 1048576 });
  if (nextToken !== undefined) {
    const fields = state.tokens.open('ls', nextToken);
    if (fields === undefined || typeof fields[0] !== 'string' || typeof fields[1] !== 'number') {
      throw invalidArgument('Invalid NextToken.');
    }
    if (state.now() - fields[1] > 300_000)
      throw new ApiError('ExpiredNextTokenException', 'The NextToken has expired.');
    start = fields[0];
  }
  const names = [...state.streams.keys()].sort().filter((n) => start === undefined || n > start);
  const page = names.slice(0, limit);
  const more = names.length > page.length;
  const out: Record<string, unknown> = {
    StreamNames: page,
    HasMoreStreams: more,
    StreamSummaries: page.map((n) => {
      const s = state.streams.get(n) as Stream;
      return {
        StreamName: s.name,
        StreamARN: s.arn,
        StreamStatus: s.status,
        StreamModeDetails: modeDetails(s),
        StreamCreationTimestamp: creationTime(s),
      };
    }),
  };
  if (more) out.NextToken = state.tokens.seal('ls', [page.at(-1) as string, state.now()]);
  return out;
}

export function describeLimits(state: BrokerState, _input: Input, _context: RequestContext): unknown {
  let onDemand = 0;
  for (const s of state.streams.values()) if (s.mode === 'ON_DEMAND') onDemand++;
  return {
    ShardLimit: state.options.shardLimit,
    OpenShardCount: state.openShardCount(),
    OnDemandStreamCount: onDemand,
    OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
  };
}

export function increaseStreamRetentionPeriod(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const hours = reqInt(input, 'RetentionPeriodHours', 1, 8760);
  const stream = activeStream(state, input);
  if (hours < 24)
    throw invalidArgument(
      `Minimum allowed retention period is 24 hours. Requested retention period (${hours} hours) is too short.`,
    );
  if (hours < stream.retentionHours) {
    throw invalidArgument(
      `Requested retention period (${hours} hours) for stream ${stream.name} can not be shorter than existing retention period (${stream.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
    );
  }
  stream.retentionHours = hours;
  changed(state);
  return {};
}

export function decreaseStreamRetentionPeriod(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const hours = reqInt(input, 'RetentionPeriodHours', 1, 8760);
  const stream = activeStream(state, input);
  if (hours < 24)
    throw invalidArgument(
      `Minimum allowed retention period is 24 hours. Requested retention period (${hours} hours) is too short.`,
    );
  if (hours > stream.retentionHours) {
    throw invalidArgument(
      `Requested retention period (${hours} hours) for stream ${stream.name} can not be longer than existing retention period (${stream.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
    );
  }
  stream.retentionHours = hours;
  changed(state);
  return {};
}

export function startStreamEncryption(state: BrokerState, input: Input, _context: RequestContext): unknown {
  reqEnum(input, 'EncryptionType', ['KMS'] as const);
  const keyId = reqString(input, 'KeyId', { min: 1, max: 2048 });
  const stream = activeStream(state, input);
  updateThenActivate(state, stream, () => {
    stream.encryptionType = 'KMS';
    stream.keyId = keyId;
  });
  return {};
}

export function stopStreamEncryption(state: BrokerState, input: Input, _context: RequestContext): unknown {
  reqEnum(input, 'EncryptionType', ['KMS'] as const);
  reqString(input, 'KeyId', { min: 1, max: 2048 });
  const stream = activeStream(state, input);
  updateThenActivate(state, stream, () => {
    stream.encryptionType = 'NONE';
    stream.keyId = undefined;
  });
  return {};
}

export function updateStreamMode(state: BrokerState, input: Input, _context: RequestContext): unknown {
  reqString(input, 'StreamARN');
  const details = optObject(input, 'StreamModeDetails');
  if (details === undefined)
    throw validationError(
      "1 validation error detected: Value null at 'streamModeDetails' failed to satisfy constraint: Member must not be null",
    );
  const mode = reqEnum(details, 'StreamMode', MODES);
  const stream = activeStream(state, { StreamARN: input.StreamARN });
  if (stream.mode === mode)
    throw new ApiError('ResourceInUseException', `Stream ${stream.name} is already in ${mode} mode.`);
  updateThenActivate(state, stream, () => {
    stream.mode = mode;
  });
  return {};
}

export function updateMaxRecordSize(state: BrokerState, input: Input, _context: RequestContext): unknown {
  reqString(input, 'StreamARN');
  const size = reqInt(input, 'MaxRecordSizeInKiB', 1024, 10_240);
  const stream = activeStream(state, { StreamARN: input.StreamARN });
  stream.maxRecordSizeKiB = size;
  changed(state);
  return {};
}

function monitoring(state: BrokerState, input: Input, enable: boolean): unknown {
  const metrics = optStringList(input, 'ShardLevelMetrics', 1, 7);
  if (metrics === undefined)
    throw validationError(
      "1 validation error detected: Value null at 'shardLevelMetrics' failed to satisfy constraint: Member must not be null",
    );
  for (const m of metrics) optEnum({ ShardLevelMetrics: m }, 'ShardLevelMetrics', METRICS);
  const stream = activeStream(state, input);
  const current = [...stream.shardLevelMetrics];
  const named = metrics.includes('ALL') ? ALL_METRICS : metrics;
  const set = new Set(current);
  for (const m of named) enable ? set.add(m) : set.delete(m);
  stream.shardLevelMetrics = ALL_METRICS.filter((m) => set.has(m));
  changed(state);
  return {
    StreamName: stream.name,
    StreamARN: stream.arn,
    CurrentShardLevelMetrics: current,
    DesiredShardLevelMetrics: [...stream.shardLevelMetrics],
  };
}

export function enableEnhancedMonitoring(state: BrokerState, input: Input, _context: RequestContext): unknown {
  return monitoring(state, input, true);
}

export function disableEnhancedMonitoring(state: BrokerState, input: Input, _context: RequestContext): unknown {
  return monitoring(state, input, false);
}
