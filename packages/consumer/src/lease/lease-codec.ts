import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Lease } from './lease.js';

type Item = Record<string, AttributeValue>;

function str(item: Item, name: string): string | undefined {
  return item[name]?.S;
}

function num(item: Item, name: string): number | undefined {
  const n = item[name]?.N;
  return n === undefined ? undefined : Number(n);
}

/**
 * Reads a lease item; items of other KCL 3.5 entity types (worker metrics, leader) share the table and
 * are skipped by returning undefined.
 */
export function leaseFromItem(item: Item): Lease | undefined {
  const entityType = str(item, 'entityType');
  if (entityType !== undefined && entityType !== 'LEASE') return undefined;
  const leaseKey = str(item, 'leaseKey');
  if (leaseKey === undefined) return undefined;
  const pending = str(item, 'pendingCheckpoint');
  // The KCL's create path writes pendingCheckpointState as N instead of B; only B carries bytes.
  const state = item.pendingCheckpointState?.B;
  return {
    leaseKey,
    leaseOwner: str(item, 'leaseOwner'),
    leaseCounter: num(item, 'leaseCounter') ?? 0,
    checkpoint: {
      sequenceNumber: str(item, 'checkpoint') ?? 'TRIM_HORIZON',
      subSequenceNumber: num(item, 'checkpointSubSequenceNumber') ?? 0,
    },
    pendingCheckpoint:
      pending === undefined
        ? undefined
        : { sequenceNumber: pending, subSequenceNumber: num(item, 'pendingCheckpointSubSequenceNumber') ?? 0 },
    pendingCheckpointState: state === undefined ? undefined : Buffer.from(state),
    ownerSwitchesSinceCheckpoint: num(item, 'ownerSwitchesSinceCheckpoint') ?? 0,
    parentShardIds: item.parentShardId?.SS ?? [],
    childShardIds: item.childShardIds?.SS ?? [],
    startingHashKey: str(item, 'startingHashKey'),
    endingHashKey: str(item, 'endingHashKey'),
    checkpointTimestamp: num(item, 'checkpointTimestamp'),
  };
}

/** The item a new, unowned lease is created with. String sets cannot be empty in DynamoDB, so empty sets are omitted. */
export function itemFromNewLease(lease: Lease): Item {
  const item: Item = {
    leaseKey: { S: lease.leaseKey },
    leaseCounter: { N: String(lease.leaseCounter) },
    checkpoint: { S: lease.checkpoint.sequenceNumber },
    checkpointSubSequenceNumber: { N: String(lease.checkpoint.subSequenceNumber) },
    ownerSwitchesSinceCheckpoint: { N: String(lease.ownerSwitchesSinceCheckpoint) },
  };
  if (lease.leaseOwner !== undefined) item.leaseOwner = { S: lease.leaseOwner };
  if (lease.parentShardIds.length > 0) item.parentShardId = { SS: [...lease.parentShardIds] };
  if (lease.childShardIds.length > 0) item.childShardIds = { SS: [...lease.childShardIds] };
  if (lease.startingHashKey !== undefined) item.startingHashKey = { S: lease.startingHashKey };
  if (lease.endingHashKey !== undefined) item.endingHashKey = { S: lease.endingHashKey };
  if (lease.checkpointTimestamp !== undefined) item.checkpointTimestamp = { N: String(lease.checkpointTimestamp) };
  return item;
}

/** Attribute names this package reads and writes in the lease table (see README, "Lease table"). */
export const LEASE_TABLE_ATTRIBUTES = Object.freeze([
  'leaseKey',
  'leaseOwner',
  'leaseCounter',
  'checkpoint',
  'checkpointSubSequenceNumber',
  'pendingCheckpoint',
  'pendingCheckpointSubSequenceNumber',
  'pendingCheckpointState',
  'ownerSwitchesSinceCheckpoint',
  'parentShardId',
  'childShardIds',
  'startingHashKey',
  'endingHashKey',
  'checkpointTimestamp',
] as const);
