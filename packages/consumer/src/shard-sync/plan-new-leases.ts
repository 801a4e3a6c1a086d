import type { ExtendedSequenceNumber } from '../types.js';
import type { ShardInfo } from './shard-info.js';

export type InitialPositionSpec = 'TRIM_HORIZON' | 'LATEST' | { readonly timestamp: Date };

export interface NewLeaseSpec {
  readonly shard: ShardInfo;
  readonly checkpoint: ExtendedSequenceNumber;
  readonly checkpointTimestamp: number | undefined;
}

/**
 * Which shards need a lease, and where each starts. Parents come before children; a shard whose parent
 * has (or gets) a lease starts at TRIM_HORIZON (children always do). A shard with a leased descendant
 * was already consumed (and maybe cleaned up) and is skipped. Otherwise an open shard, or with a
 * TRIM_HORIZON/AT_TIMESTAMP position any shard at the root of the retained history, starts at the
 * configured initial position.
 */
export function planNewLeases(
  shards: readonly ShardInfo[],
  existing: ReadonlySet<string>,
  initial: InitialPositionSpec,
): NewLeaseSpec[] {
  const byId = new Map(shards.map((shard) => [shard.shardId, shard]));
  const children = new Map<string, string[]>();
  for (const shard of shards) {
    for (const parent of shard.parentShardIds) {
      let list = children.get(parent);
      if (list === undefined) {
        list = [];
        children.set(parent, list);
      }
      list.push(shard.shardId);
    }
  }
  const descendantLeased = new Map<string, boolean>();
  const hasLeasedDescendant = (shardId: string): boolean => {
    const cached = descendantLeased.get(shardId);
    if (cached !== undefined) return cached;
    descendantLeased.set(shardId, false);
    let result = false;
    for (const child of children.get(shardId) ?? []) {
      if (existing.has(child) || hasLeasedDescendant(child)) {
        result = true;
        break;
      }
    }
    descendantLeased.set(shardId, result);
    return result;
  };
  // Topological order: a shard after all of its parents present in the listing.
  const ordered: ShardInfo[] = [];
  const visited = new Set<string>();
  const visit = (shard: ShardInfo): void => {
    if (visited.has(shard.shardId)) return;
    visited.add(shard.shardId);
    for (const parent of shard.parentShardIds) {
      const parentShard = byId.get(parent);
      if (parentShard !== undefined) visit(parentShard);
    }
    ordered.push(shard);
  };
  for (const shard of shards) visit(shard);

  const leased = new Set(existing);
  const plan: NewLeaseSpec[] = [];
  const initialCheckpoint: ExtendedSequenceNumber =
    typeof initial === 'string'
      ? { sequenceNumber: initial, subSequenceNumber: 0 }
      : { sequenceNumber: 'AT_TIMESTAMP', subSequenceNumber: 0 };
  const initialTimestamp = typeof initial === 'string' ? undefined : initial.timestamp.getTime();
  for (const shard of ordered) {
    if (leased.has(shard.shardId) || hasLeasedDescendant(shard.shardId)) continue;
    const leasedParent = shard.parentShardIds.some((parent) => leased.has(parent));
    let spec: NewLeaseSpec | undefined;
    if (leasedParent) {
      spec = {
        shard,
        checkpoint: { sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0 },
        checkpointTimestamp: undefined,
      };
    } else if (!shard.closed || initial !== 'LATEST') {
      spec = { shard, checkpoint: initialCheckpoint, checkpointTimestamp: initialTimestamp };
    }
    if (spec !== undefined) {
      plan.push(spec);
      leased.add(shard.shardId);
    }
  }
  return plan;
}
