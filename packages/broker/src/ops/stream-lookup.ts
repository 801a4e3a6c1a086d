import { ApiError, notFound, validationError } from '../errors/api-error.js';
import type { BrokerState } from '../model/broker-state.js';
import type { Shard } from '../model/shard.js';
import type { Stream } from '../model/stream.js';
import { EpochMs } from '../protocol/epoch-ms.js';
import { type Input, optString } from './input.js';

export const STREAM_NAME = { min: 1, max: 128, pattern: /^[a-zA-Z0-9_.-]+$/ } as const;
export const STREAM_ARN = {
  min: 1,
  max: 2048,
  pattern: /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]+$/,
} as const;
export const SHARD_ID = { min: 1, max: 128, pattern: /^[a-zA-Z0-9_.-]+$/ } as const;

export function accountOf(state: BrokerState): string {
  return state.options.accountId;
}

export function streamNotFound(state: BrokerState, name: string): ApiError {
  return notFound(`Stream ${name} under account ${accountOf(state)} not found.`);
}

/** The stream named by StreamName or StreamARN (either is accepted, as on AWS). */
export function streamNameOf(state: BrokerState, input: Input, arnField = 'StreamARN'): string {
  const name = optString(input, 'StreamName', STREAM_NAME);
  const arn = optString(input, arnField, STREAM_ARN);
  if (arn !== undefined) {
    const arnName = arn.slice(arn.indexOf(':stream/') + 8);
    const parts = arn.split(':');
    if (parts[3] !== state.options.region || parts[4] !== state.options.accountId) throw streamNotFound(state, arnName);
    if (name !== undefined && name !== arnName) {
      throw new ApiError('InvalidArgumentException', 'StreamName and StreamARN name different streams.');
    }
    return arnName;
  }
  if (name === undefined) throw validationError('Either StreamName or StreamARN must be provided.');
  return name;
}

/** The stream, in any state (DescribeStream, DeleteStream). */
export function findStream(state: BrokerState, input: Input, arnField?: string): Stream {
  const name = streamNameOf(state, input, arnField);
  const stream = state.streams.get(name);
  if (stream === undefined) throw streamNotFound(state, name);
  return stream;
}

/** The stream, which must be ACTIVE or UPDATING (record operations). */
export function liveStream(state: BrokerState, input: Input, arnField?: string): Stream {
  const stream = findStream(state, input, arnField);
  if (!stream.writable) throw streamNotFound(state, stream.name);
  return stream;
}

/** The stream, which must be ACTIVE (control-plane changes). */
export function activeStream(state: BrokerState, input: Input, arnField?: string): Stream {
  const stream = findStream(state, input, arnField);
  if (stream.status !== 'ACTIVE') {
    throw new ApiError(
      'ResourceInUseException',
      `Stream ${stream.name} under account ${accountOf(state)} not ACTIVE, instead in state ${stream.status}`,
    );
  }
  return stream;
}

/** Closed shards stay listed and readable until retention has passed since they closed. */
export function shardVisible(stream: Stream, shard: Shard, now: number): boolean {
  return shard.closedMs === undefined || shard.closedMs + stream.retentionHours * 3_600_000 > now;
}

export function findShard(state: BrokerState, stream: Stream, shardId: string): Shard {
  const shard = stream.shard(shardId);
  if (shard === undefined || !shardVisible(stream, shard, state.now())) {
    throw notFound(`Shard ${shardId} in stream ${stream.name} under account ${accountOf(state)} does not exist`);
  }
  return shard;
}

export function describeShard(shard: Shard): Record<string, unknown> {
  const out: Record<string, unknown> = { ShardId: shard.shardId };
  if (shard.parentShardId !== undefined) out.ParentShardId = shard.parentShardId;
  if (shard.adjacentParentShardId !== undefined) out.AdjacentParentShardId = shard.adjacentParentShardId;
  out.HashKeyRange = { StartingHashKey: String(shard.startingHashKey), EndingHashKey: String(shard.endingHashKey) };
  const range: Record<string, string> = { StartingSequenceNumber: shard.sequenceNumber(shard.startingCounter) };
  if (shard.endingCounter !== undefined) range.EndingSequenceNumber = shard.sequenceNumber(shard.endingCounter);
  out.SequenceNumberRange = range;
  return out;
}

export function childShardsOf(stream: Stream, shard: Shard): Record<string, unknown>[] {
  const children: Record<string, unknown>[] = [];
  for (const s of stream.shards) {
    if (s.parentShardId !== shard.shardId && s.adjacentParentShardId !== shard.shardId) continue;
    const parents = [s.parentShardId];
    if (s.adjacentParentShardId !== undefined) parents.push(s.adjacentParentShardId);
    children.push({
      ShardId: s.shardId,
      ParentShards: parents,
      HashKeyRange: { StartingHashKey: String(s.startingHashKey), EndingHashKey: String(s.endingHashKey) },
    });
  }
  return children;
}

export function modeDetails(stream: Stream): { StreamMode: string } {
  return { StreamMode: stream.mode };
}

export function creationTime(stream: Stream): EpochMs {
  return new EpochMs(stream.createdMs);
}
