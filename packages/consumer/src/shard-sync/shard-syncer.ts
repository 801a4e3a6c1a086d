import { type KinesisClient, ListShardsCommand, type ListShardsCommandOutput } from '@aws-sdk/client-kinesis';
import type { HashKeyRange } from '@shardline/core';
import type { Lease } from '../lease/lease.js';
import type { LeaseTable } from '../lease/lease-table.js';
import { isFinished } from '../lease/plan-lease-taking.js';
import type { Clock, Logger } from '../types.js';
import { findHashRangeHole } from './hash-range-coverage.js';
import { type InitialPositionSpec, planNewLeases } from './plan-new-leases.js';
import type { ShardInfo } from './shard-info.js';

export interface ShardSyncerOptions {
  readonly kinesis: KinesisClient;
  readonly table: LeaseTable;
  readonly streamName: string;
  readonly initialPosition: InitialPositionSpec;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly syncIntervalMillis: number;
  readonly auditIntervalMillis: number;
  readonly auditHoleThreshold: number;
  readonly isLeader: () => boolean;
  /** Leases were created: let the taker look at once. */
  readonly onLeasesCreated: () => void;
}

const TRIM_OR_POSITION = new Set(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']);

/**
 * Keeps the lease table in step with the stream's shards. Only the elected worker runs the periodic
 * full sync, the hash-range audit and cleanup (conditional puts and deletes make a rare double run
 * harmless); any worker creates its own shard's child leases at SHARD_END.
 */
export class ShardSyncer {
  readonly #o: ShardSyncerOptions;
  readonly #shards = new Map<string, ShardInfo>();
  #lastSyncAt = Number.NEGATIVE_INFINITY;
  #lastAuditAt = Number.NEGATIVE_INFINITY;
  #holeStreak = 0;
  #syncs = 0;

  constructor(options: ShardSyncerOptions) {
    this.#o = options;
  }

  /** Full syncs run so far. */
  get syncs(): number {
    return this.#syncs;
  }

  async listShards(): Promise<ShardInfo[]> {
    const shards: ShardInfo[] = [];
    let nextToken: string | undefined;
    do {
      const out: ListShardsCommandOutput = await this.#o.kinesis.send(
        nextToken === undefined
          ? new ListShardsCommand({ StreamName: this.#o.streamName })
          : new ListShardsCommand({ NextToken: nextToken }),
      );
      for (const shard of out.Shards ?? []) {
        if (
          shard.ShardId === undefined ||
          shard.HashKeyRange?.StartingHashKey === undefined ||
          shard.HashKeyRange.EndingHashKey === undefined
        )
          continue;
        const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
          (id): id is string => id !== undefined && id !== null && id !== '',
        );
        const info: ShardInfo = {
          shardId: shard.ShardId,
          parentShardIds: parents,
          hashKeyRange: {
            startingHashKey: BigInt(shard.HashKeyRange.StartingHashKey),
            endingHashKey: BigInt(shard.HashKeyRange.EndingHashKey),
          },
          closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
        };
        shards.push(info);
        this.#shards.set(info.shardId, info);
      }
      nextToken = out.NextToken;
    } while (nextToken !== undefined);
    return shards;
  }

  /** The shard's hash range: from its lease when stored there, else from ListShards. */
  async hashKeyRange(lease: Lease): Promise<HashKeyRange | undefined> {
    if (lease.startingHashKey !== undefined && lease.endingHashKey !== undefined) {
      return { startingHashKey: BigInt(lease.startingHashKey), endingHashKey: BigInt(lease.endingHashKey) };
    }
    if (!this.#shards.has(lease.leaseKey)) await this.listShards();
    return this.#shards.get(lease.leaseKey)?.hashKeyRange;
  }

  /** Creates leases for every shard that needs one (see planNewLeases). Returns the keys created. */
  async sync(existing: readonly Lease[]): Promise<string[]> {
    this.#syncs++;
    this.#lastSyncAt = this.#o.clock.now();
    const shards = await this.listShards();
    const plan = planNewLeases(shards, new Set(existing.map((lease) => lease.leaseKey)), this.#o.initialPosition);
    const created: string[] = [];
    for (const spec of plan) {
      const ok = await this.#o.table.createLeaseIfAbsent(
        newLease(spec.shard, spec.checkpoint.sequenceNumber, spec.checkpointTimestamp),
      );
      if (ok) created.push(spec.shard.shardId);
    }
    if (created.length > 0) {
      this.#o.logger.info({ created }, 'shard sync created leases');
      this.#o.onLeasesCreated();
    }
    return created;
  }

  /** At SHARD_END: leases for the shard's children (TRIM_HORIZON), so they exist before the parent is marked finished. */
  async createChildLeases(shardId: string): Promise<string[]> {
    const shards = await this.listShards();
    const children = shards.filter((shard) => shard.parentShardIds.includes(shardId));
    for (const child of children) {
      await this.#o.table.createLeaseIfAbsent(newLease(child, 'TRIM_HORIZON', undefined));
    }
    return children.map((child) => child.shardId);
  }

  /** Piggybacks on each taker scan: sync when due (or the table is empty), audit, clean up. */
  async onScan(leases: readonly Lease[]): Promise<void> {
    const now = this.#o.clock.now();
    if (leases.length === 0) {
      await this.sync(leases);
      return;
    }
    if (!this.#o.isLeader()) return;
    if (now - this.#lastSyncAt >= this.#o.syncIntervalMillis) {
      await this.sync(leases);
      await this.cleanup(leases);
      return;
    }
    if (now - this.#lastAuditAt >= this.#o.auditIntervalMillis) {
      this.#lastAuditAt = now;
      const hole = this.audit(leases);
      if (hole !== undefined) {
        this.#holeStreak++;
        this.#o.logger.warn(
          { hole: hole.toString(), streak: this.#holeStreak },
          'leases do not cover the whole hash range',
        );
        if (this.#holeStreak >= this.#o.auditHoleThreshold) {
          this.#holeStreak = 0;
          await this.sync(leases);
        }
      } else {
        this.#holeStreak = 0;
      }
      await this.cleanup(leases);
    }
  }

  /**
   * The first hash key no unfinished lease covers, or undefined. Leases without stored ranges (written
   * by an older KCL) make the audit inconclusive, which counts as covered.
   */
  audit(leases: readonly Lease[]): bigint | undefined {
    const ranges: HashKeyRange[] = [];
    for (const lease of leases) {
      if (isFinished(lease)) continue;
      if (lease.startingHashKey === undefined || lease.endingHashKey === undefined) return undefined;
      ranges.push({ startingHashKey: BigInt(lease.startingHashKey), endingHashKey: BigInt(lease.endingHashKey) });
    }
    return findHashRangeHole(ranges);
  }

  /**
   * Deletes a finished lease once every child has a lease that checkpointed past its starting position,
   * and its own parents' leases are gone; children's parent checks and redelivery both rely on that order.
   */
  async cleanup(leases: readonly Lease[]): Promise<string[]> {
    const byKey = new Map(leases.map((lease) => [lease.leaseKey, lease]));
    const deleted: string[] = [];
    for (const lease of leases) {
      if (!isFinished(lease)) continue;
      let children = lease.childShardIds;
      if (children.length === 0) {
        children = [...this.#shards.values()]
          .filter((shard) => shard.parentShardIds.includes(lease.leaseKey))
          .map((shard) => shard.shardId);
      }
      if (children.length === 0) continue;
      const childrenStarted = children.every((child) => {
        const childLease = byKey.get(child);
        return childLease !== undefined && !TRIM_OR_POSITION.has(childLease.checkpoint.sequenceNumber);
      });
      const parentsGone = lease.parentShardIds.every((parent) => !byKey.has(parent));
      if (childrenStarted && parentsGone && (await this.#o.table.deleteFinishedLease(lease.leaseKey))) {
        deleted.push(lease.leaseKey);
      }
    }
    if (deleted.length > 0) this.#o.logger.info({ deleted }, 'finished leases cleaned up');
    return deleted;
  }
}

function newLease(shard: ShardInfo, checkpoint: string, checkpointTimestamp: number | undefined): Lease {
  return {
    leaseKey: shard.shardId,
    leaseOwner: undefined,
    leaseCounter: 0,
    checkpoint: { sequenceNumber: checkpoint, subSequenceNumber: 0 },
    pendingCheckpoint: undefined,
    pendingCheckpointState: undefined,
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: shard.parentShardIds,
    childShardIds: [],
    startingHashKey: shard.hashKeyRange.startingHashKey.toString(),
    endingHashKey: shard.hashKeyRange.endingHashKey.toString(),
    checkpointTimestamp,
  };
}
