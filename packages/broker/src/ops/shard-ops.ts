import { MAX_HASH_KEY } from '@shardline/core';
import { ApiError, invalidArgument, limitExceeded, validationError } from '../errors/api-error.js';
import type { BrokerState } from '../model/broker-state.js';
import { mergeShards as merge, scaleUniformly, splitShard as split } from '../model/resharding.js';
import type { Shard } from '../model/shard.js';
import type { Stream } from '../model/stream.js';
import { type Input, optInt, optObject, optString, optTimestampMs, reqEnum, reqInt, reqString } from './input.js';
import type { RequestContext } from './operation.js';
import {
  accountOf,
  activeStream,
  describeShard,
  findShard,
  findStream,
  SHARD_ID,
  shardVisible,
  streamNotFound,
} from './stream-lookup.js';
import { shardIndexGuess, updateThenActivate } from './stream-ops.js';

const FILTER_TYPES = [
  'AFTER_SHARD_ID',
  'AT_TRIM_HORIZON',
  'FROM_TRIM_HORIZON',
  'AT_LATEST',
  'AT_TIMESTAMP',
  'FROM_TIMESTAMP',
] as const;
type FilterType = (typeof FILTER_TYPES)[number];
const NEXT_TOKEN_TTL_MS = 300_000;
const PAGE_MAX = 1000;
const HASH_KEY_PATTERN = /^(0|[1-9]\d{0,38})$/;

function openAt(shard: Shard, t: number): boolean {
  return shard.createdMs <= t && (shard.closedMs === undefined || shard.closedMs > t);
}

function passes(
  stream: Stream,
  shard: Shard,
  type: FilterType | '',
  filterIndex: number,
  ts: number,
  now: number,
): boolean {
  const horizon = Math.max(now - stream.retentionHours * 3_600_000, stream.createdMs);
  switch (type) {
    case '':
    case 'FROM_TRIM_HORIZON':
      return true;
    case 'AFTER_SHARD_ID':
      return shard.index > filterIndex;
    case 'AT_TRIM_HORIZON':
      return openAt(shard, horizon);
    case 'AT_LATEST':
      return shard.open;
    case 'AT_TIMESTAMP':
      return openAt(shard, Math.max(ts, stream.createdMs));
    case 'FROM_TIMESTAMP':
      return shard.closedMs === undefined || shard.closedMs >= ts;
  }
}

export function listShards(state: BrokerState, input: Input, context: RequestContext): unknown {
  const nextToken = optString(input, 'NextToken', { min: 1, max: 1048576 });
  const maxResults = optInt(input, 'MaxResults', 1, 10_000) ?? PAGE_MAX;
  const exclusiveStart = optString(input, 'ExclusiveStartShardId', SHARD_ID);
  const now = state.now();
  let stream: Stream;
  let after: number;
  let type: FilterType | '' = '';
  let filterIndex = -1;
  let ts = 0;
  if (nextToken !== undefined) {
    if (input.StreamName !== undefined || input.StreamARN !== undefined) {
      throw invalidArgument('NextToken and StreamName cannot be provided together.');
    }
    const f = state.tokens.open('lsh', nextToken);
    if (f === undefined || f.length !== 7) throw invalidArgument(`Invalid NextToken.`);
    const [name, createdMs, last, filterType, index, time, issued] = f as [
      string,
      number,
      number,
      FilterType | '',
      number,
      number,
      number,
    ];
    if (now - issued > NEXT_TOKEN_TTL_MS) {
      throw new ApiError(
        'ExpiredNextTokenException',
        `The timestampInMillis parameter for the NextToken ${nextToken} has expired.`,
      );
    }
    const found = state.streams.get(name);
    if (found === undefined || found.createdMs !== createdMs) throw streamNotFound(state, name);
    stream = found;
    after = last;
    type = filterType;
    filterIndex = index;
    ts = time;
  } else {
    stream = findStream(state, input);
    after = exclusiveStart === undefined ? -1 : shardIndexGuess(exclusiveStart);
    const filter = optObject(input, 'ShardFilter');
    if (filter !== undefined) {
      type = reqEnum(filter, 'Type', FILTER_TYPES);
      const shardId = optString(filter, 'ShardId', SHARD_ID);
      const time = optTimestampMs(filter, 'Timestamp', context.protocol);
      if (type === 'AFTER_SHARD_ID') {
        if (shardId === undefined)
          throw invalidArgument('ShardId must be specified for ShardFilter type AFTER_SHARD_ID.');
        filterIndex = shardIndexGuess(shardId);
      }
      if (type === 'AT_TIMESTAMP' || type === 'FROM_TIMESTAMP') {
        if (time === undefined) throw invalidArgument(`Timestamp must be specified for ShardFilter type ${type}.`);
        ts = time;
      }
    }
  }
  if (stream.status === 'CREATING') {
    throw new ApiError(
      'ResourceInUseException',
      `Stream ${stream.name} under account ${accountOf(state)} is in CREATING state.`,
    );
  }
  const matching = stream.shards.filter(
    (s) => s.index > after && shardVisible(stream, s, now) && passes(stream, s, type, filterIndex, ts, now),
  );
  const page = matching.slice(0, Math.min(maxResults, PAGE_MAX));
  const out: Record<string, unknown> = { Shards: page.map(describeShard) };
  if (matching.length > page.length) {
    out.NextToken = state.tokens.seal('lsh', [
      stream.name,
      stream.createdMs,
      (page.at(-1) as Shard).index,
      type,
      filterIndex,
      ts,
      now,
    ]);
  }
  return out;
}

function provisioned(stream: Stream, operation: string): void {
  if (stream.mode === 'ON_DEMAND') {
    throw validationError(`${operation} is not supported for stream ${stream.name} because it is in ON_DEMAND mode.`);
  }
}

function quota(state: BrokerState, extra: number): void {
  const open = state.openShardCount();
  if (open + extra > state.options.shardLimit) {
    throw limitExceeded(
      `This request would exceed the shard limit for the account ${state.options.accountId} in ${state.options.region}. Current shard count for the account: ${open}. Limit: ${state.options.shardLimit}.`,
    );
  }
}

function openShard(state: BrokerState, stream: Stream, shardId: string): Shard {
  const shard = findShard(state, stream, shardId);
  if (!shard.open) {
    throw invalidArgument(
      `Shard ${shard.shardId} in stream ${stream.name} under account ${accountOf(state)} has already been merged or split, and thus is not eligible for merging or splitting.`,
    );
  }
  return shard;
}

export function splitShard(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const shardId = reqString(input, 'ShardToSplit', SHARD_ID);
  const keyText = reqString(input, 'NewStartingHashKey', { pattern: HASH_KEY_PATTERN });
  const stream = activeStream(state, input);
  provisioned(stream, 'SplitShard');
  const shard = openShard(state, stream, shardId);
  const key = BigInt(keyText);
  if (key > MAX_HASH_KEY || key <= shard.startingHashKey + 1n || key >= shard.endingHashKey) {
    throw invalidArgument(
      `NewStartingHashKey ${keyText} used in SplitShard() on shard ${shard.shardId} in stream ${stream.name} under account ${accountOf(state)} is not both greater than one plus the shard's StartingHashKey ${shard.startingHashKey} and less than the shard's EndingHashKey ${shard.endingHashKey}.`,
    );
  }
  quota(state, 1);
  updateThenActivate(state, stream, () => {
    split(state, stream, shard, key);
  });
  return {};
}

export function mergeShards(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const first = reqString(input, 'ShardToMerge', SHARD_ID);
  const second = reqString(input, 'AdjacentShardToMerge', SHARD_ID);
  const stream = activeStream(state, input);
  provisioned(stream, 'MergeShards');
  const a = openShard(state, stream, first);
  const b = openShard(state, stream, second);
  if (a.endingHashKey + 1n !== b.startingHashKey && b.endingHashKey + 1n !== a.startingHashKey) {
    throw invalidArgument(
      `Shards ${a.shardId} and ${b.shardId} in stream ${stream.name} under account ${accountOf(state)} are not an adjacent pair of shards eligible for merging`,
    );
  }
  updateThenActivate(state, stream, () => {
    merge(state, stream, a, b);
  });
  return {};
}

export function updateShardCount(state: BrokerState, input: Input, _context: RequestContext): unknown {
  const target = reqInt(input, 'TargetShardCount', 1, 100_000);
  reqEnum(input, 'ScalingType', ['UNIFORM_SCALING'] as const);
  const stream = activeStream(state, input);
  provisioned(stream, 'UpdateShardCount');
  const current = stream.openShards.length;
  if (target > current * 2) {
    throw invalidArgument(
      `UpdateShardCount cannot scale up over double the current open shard count (${current}): ${target}.`,
    );
  }
  if (target * 2 < current) {
    throw invalidArgument(
      `UpdateShardCount cannot scale down below half the current open shard count (${current}): ${target}.`,
    );
  }
  quota(state, Math.max(0, target - current));
  const now = state.now();
  if (state.limitsOn) {
    const day = now - 86_400_000;
    while ((stream.scalings[0] ?? now) < day) stream.scalings.shift();
    if (stream.scalings.length >= 10) {
      throw limitExceeded(
        `Stream ${stream.name} under account ${accountOf(state)} has already been scaled 10 times in the last 24 hours.`,
      );
    }
  }
  stream.scalings.push(now);
  updateThenActivate(state, stream, () => {
    scaleUniformly(state, stream, target);
  });
  return { StreamName: stream.name, CurrentShardCount: current, TargetShardCount: target, StreamARN: stream.arn };
}
