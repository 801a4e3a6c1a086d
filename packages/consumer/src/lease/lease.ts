import type { ExtendedSequenceNumber } from '../types.js';

/** One lease (one shard) as stored in the KCL 2.x-compatible lease table. */
export interface Lease {
  readonly leaseKey: string;
  readonly leaseOwner: string | undefined;
  readonly leaseCounter: number;
  readonly checkpoint: ExtendedSequenceNumber;
  readonly pendingCheckpoint: ExtendedSequenceNumber | undefined;
  readonly pendingCheckpointState: Buffer | undefined;
  readonly ownerSwitchesSinceCheckpoint: number;
  readonly parentShardIds: readonly string[];
  readonly childShardIds: readonly string[];
  readonly startingHashKey: string | undefined;
  readonly endingHashKey: string | undefined;
  /** Shardline extension: the AT_TIMESTAMP start (epoch ms), stored so it is never re-read from config. */
  readonly checkpointTimestamp: number | undefined;
}
