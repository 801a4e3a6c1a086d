import { MAX_HASH_KEY, splitHashKeyRange } from '@shardline/core';
import type { BrokerState } from './broker-state.js';
import { streamTokenOf } from './sequence-number.js';
import { Shard } from './shard.js';
import type { Stream } from './stream.js';

/** Creates the initial shards of a stream with Kinesis's even hash ranges. */
export function createInitialShards(state: BrokerState, stream: Stream, count: number): void {
  // Stamped with the stream's own creation time, not a second clock reading: a shard born a millisecond
  // after its stream was not open at the stream's trim horizon, and AT_TRIM_HORIZON listed none.
  const now = stream.createdMs;
  for (const range of splitHashKeyRange(count)) {
    stream.addShard(
      new Shard({
        index: stream.nextShardIndex,
        startingHashKey: range.startingHashKey,
        endingHashKey: range.endingHashKey,
        startingCounter: state.nextCounter(),
        createdMs: now,
        streamToken: streamTokenOf(stream.createdMs),
        segments: state.segments,
      }),
    );
  }
}

function close(state: BrokerState, shard: Shard, now: number): void {
  shard.endingCounter = shard.log.end > 0 ? shard.log.counterAt(shard.log.end - 1) : state.nextCounter();
  shard.closedMs = now;
}

function child(
  state: BrokerState,
  stream: Stream,
  start: bigint,
  end: bigint,
  parent: string,
  adjacent?: string,
): Shard {
  const shard = new Shard({
    index: stream.nextShardIndex,
    startingHashKey: start,
    endingHashKey: end,
    parentShardId: parent,
    adjacentParentShardId: adjacent,
    startingCounter: state.nextCounter(),
    createdMs: state.now(),
    streamToken: streamTokenOf(stream.createdMs),
    segments: state.segments,
  });
  stream.addShard(shard);
  return shard;
}

/** Closes `shard` and opens two children split at `newStart` (which lies inside its range, not at its start). */
export function splitShard(state: BrokerState, stream: Stream, shard: Shard, newStart: bigint): [Shard, Shard] {
  close(state, shard, state.now());
  const low = child(state, stream, shard.startingHashKey, newStart - 1n, shard.shardId);
  const high = child(state, stream, newStart, shard.endingHashKey, shard.shardId);
  return [low, high];
}

/** Closes two adjacent shards and opens their union; `shard` becomes the parent, `adjacent` the adjacent parent. */
export function mergeShards(state: BrokerState, stream: Stream, shard: Shard, adjacent: Shard): Shard {
  const now = state.now();
  close(state, shard, now);
  close(state, adjacent, now);
  const [low, high] = shard.startingHashKey < adjacent.startingHashKey ? [shard, adjacent] : [adjacent, shard];
  return child(state, stream, low.startingHashKey, high.endingHashKey, shard.shardId, adjacent.shardId);
}

/**
 * Reaches `target` evenly spread open shards by real splits and merges, as Kinesis does, so every
 * child names its true parents: first split every open shard at each target boundary inside it, then
 * merge the pieces of each target range left to right.
 */
export function scaleUniformly(state: BrokerState, stream: Stream, target: number): void {
  const ranges = splitHashKeyRange(target);
  const boundaries = ranges.slice(1).map((r) => r.startingHashKey);
  for (const boundary of boundaries) {
    const owner = stream.routeKey(boundary);
    if (owner.startingHashKey !== boundary) splitShard(state, stream, owner, boundary);
  }
  for (const range of ranges) {
    for (;;) {
      const pieces = stream.openShards.filter(
        (s) => s.startingHashKey >= range.startingHashKey && s.endingHashKey <= range.endingHashKey,
      );
      if (pieces.length <= 1) break;
      const [first, second] = pieces as [Shard, Shard];
      mergeShards(state, stream, first, second);
    }
  }
  if (stream.openShards.length !== target || stream.openShards.at(-1)?.endingHashKey !== MAX_HASH_KEY) {
    throw new Error('uniform scaling did not reach the target layout');
  }
}
