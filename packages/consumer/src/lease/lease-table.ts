import {
  type AttributeValue,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ExtendedSequenceNumber, Logger } from '../types.js';
import { awsErrorName } from '../util/aws-error.js';
import { DynamoTable, type DynamoTableOptions } from './dynamo-table.js';
import type { Lease } from './lease.js';
import { itemFromNewLease, leaseFromItem } from './lease-codec.js';

/** Outcome of a counter-conditioned write: the new counter, or proof that the lease moved on. */
export type LeaseWriteResult =
  | { readonly ok: true; readonly counter: number }
  | { readonly ok: false; readonly current: Lease | undefined };

export type LeaseTableOptions = DynamoTableOptions;

/**
 * The DynamoDB side of leasing. Every mutation is conditioned on the lease counter the caller last saw and
 * increments it, so the counter is the fencing token. A conditional failure after a lost response is
 * resolved by re-reading: if the item shows exactly our write (owner, counter + 1, values), it succeeded.
 */
export class LeaseTable {
  readonly tableName: string;
  readonly #table: DynamoTable;
  readonly #logger: Logger;

  constructor(options: LeaseTableOptions) {
    this.tableName = options.tableName;
    this.#logger = options.logger;
    this.#table = new DynamoTable(options, {
      description: 'lease table',
      permissions: 'dynamodb:CreateTable, DescribeTable, Scan, GetItem, PutItem, UpdateItem and DeleteItem',
      hashKey: 'leaseKey',
    });
  }

  /** DynamoDB requests sent so far, retries included. */
  get calls(): number {
    return this.#table.calls;
  }

  /** Creates the table on demand and waits until it is ACTIVE. */
  ensureTable(signal?: AbortSignal): Promise<void> {
    return this.#table.ensureTable(signal);
  }

  /** Every lease, strongly consistent, all pages. */
  async listLeases(): Promise<Lease[]> {
    const leases: Lease[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.#table.send<{
        Items?: Record<string, AttributeValue>[];
        LastEvaluatedKey?: Record<string, AttributeValue>;
      }>(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
      for (const item of out.Items ?? []) {
        const lease = leaseFromItem(item);
        if (lease !== undefined) leases.push(lease);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    return leases;
  }

  async getLease(leaseKey: string): Promise<Lease | undefined> {
    const out = await this.#table.send<{ Item?: Record<string, AttributeValue> }>(
      new GetItemCommand({ TableName: this.tableName, Key: { leaseKey: { S: leaseKey } }, ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : leaseFromItem(out.Item);
  }

  /** Creates a lease unless one exists; false when it already did. */
  async createLeaseIfAbsent(lease: Lease): Promise<boolean> {
    try {
      await this.#table.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: itemFromNewLease(lease),
          ConditionExpression: 'attribute_not_exists(leaseKey)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  /** Heartbeat: counter + 1 if we still own it at `counter`. */
  renew(leaseKey: string, owner: string, counter: number): Promise<LeaseWriteResult> {
    return this.#conditionalUpdate(leaseKey, owner, counter, {
      update: 'SET leaseCounter = :next',
      values: {},
      requireOwner: true,
      verify: (lease) => lease.leaseOwner === owner,
    });
  }

  /** Takes an unowned, expired or (stealing) another worker's lease seen at `counter`. */
  take(leaseKey: string, owner: string, counter: number): Promise<LeaseWriteResult> {
    return this.#conditionalUpdate(leaseKey, owner, counter, {
      update:
        'SET leaseOwner = :owner, leaseCounter = :next ADD ownerSwitchesSinceCheckpoint :one REMOVE checkpointOwner',
      values: { ':one': { N: '1' } },
      requireOwner: false,
      verify: (lease) => lease.leaseOwner === owner,
    });
  }

  /** Clears the owner so any worker may take the lease at once (graceful shutdown, shard end, stop policy). */
  release(leaseKey: string, owner: string, counter: number): Promise<LeaseWriteResult> {
    return this.#conditionalUpdate(leaseKey, owner, counter, {
      update: 'SET leaseCounter = :next REMOVE leaseOwner',
      values: {},
      requireOwner: true,
      verify: (lease) => lease.leaseOwner === undefined,
    });
  }

  /**
   * Stores a checkpoint (clearing any prepared one). At SHARD_END it also records the children and,
   * with `release`, clears the owner in the same write.
   */
  checkpoint(
    leaseKey: string,
    owner: string,
    counter: number,
    value: ExtendedSequenceNumber,
    options: { childShardIds?: readonly string[]; release?: boolean } = {},
  ): Promise<LeaseWriteResult> {
    const values: Record<string, AttributeValue> = {
      ':cp': { S: value.sequenceNumber },
      ':sub': { N: String(value.subSequenceNumber) },
      ':zero': { N: '0' },
    };
    let set =
      'SET leaseCounter = :next, checkpoint = :cp, checkpointSubSequenceNumber = :sub, ownerSwitchesSinceCheckpoint = :zero';
    const remove = ['pendingCheckpoint', 'pendingCheckpointSubSequenceNumber', 'pendingCheckpointState'];
    if (options.childShardIds !== undefined && options.childShardIds.length > 0) {
      set += ', childShardIds = :children';
      values[':children'] = { SS: [...options.childShardIds] };
    }
    if (options.release === true) remove.push('leaseOwner');
    return this.#conditionalUpdate(leaseKey, owner, counter, {
      update: `${set} REMOVE ${remove.join(', ')}`,
      values,
      requireOwner: true,
      verify: (lease) =>
        lease.checkpoint.sequenceNumber === value.sequenceNumber &&
        lease.checkpoint.subSequenceNumber === value.subSequenceNumber &&
        (options.release === true ? lease.leaseOwner === undefined : lease.leaseOwner === owner),
    });
  }

  /** Writes only the pending (prepared) checkpoint fields. */
  prepareCheckpoint(
    leaseKey: string,
    owner: string,
    counter: number,
    value: ExtendedSequenceNumber,
    state: Uint8Array | undefined,
  ): Promise<LeaseWriteResult> {
    const values: Record<string, AttributeValue> = {
      ':pcp': { S: value.sequenceNumber },
      ':psub': { N: String(value.subSequenceNumber) },
    };
    let update = 'SET leaseCounter = :next, pendingCheckpoint = :pcp, pendingCheckpointSubSequenceNumber = :psub';
    if (state !== undefined) {
      update += ', pendingCheckpointState = :pstate';
      values[':pstate'] = { B: state };
    } else {
      update += ' REMOVE pendingCheckpointState';
    }
    return this.#conditionalUpdate(leaseKey, owner, counter, {
      update,
      values,
      requireOwner: true,
      verify: (lease) => lease.leaseOwner === owner && lease.pendingCheckpoint?.sequenceNumber === value.sequenceNumber,
    });
  }

  /** Records child shard ids on a finished lease (cleanup needs them). */
  async setChildShardIds(leaseKey: string, childShardIds: readonly string[]): Promise<void> {
    if (childShardIds.length === 0) return;
    await this.#table
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: { S: leaseKey } },
          UpdateExpression: 'ADD childShardIds :children',
          ConditionExpression: 'attribute_exists(leaseKey)',
          ExpressionAttributeValues: { ':children': { SS: [...childShardIds] } },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionalFailure(error)) throw error;
      });
  }

  /** Deletes a finished lease; only SHARD_END leases can go. */
  async deleteFinishedLease(leaseKey: string): Promise<boolean> {
    try {
      await this.#table.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: { S: leaseKey } },
          ConditionExpression: 'checkpoint = :end',
          ExpressionAttributeValues: { ':end': { S: 'SHARD_END' } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  async #conditionalUpdate(
    leaseKey: string,
    owner: string,
    counter: number,
    spec: {
      update: string;
      values: Record<string, AttributeValue>;
      requireOwner: boolean;
      verify: (lease: Lease) => boolean;
    },
  ): Promise<LeaseWriteResult> {
    const values: Record<string, AttributeValue> = {
      ...spec.values,
      ':counter': { N: String(counter) },
      ':next': { N: String(counter + 1) },
    };
    let condition = 'leaseCounter = :counter';
    if (spec.requireOwner || spec.update.includes(':owner')) values[':owner'] = { S: owner };
    if (spec.requireOwner) condition += ' AND leaseOwner = :owner';
    try {
      await this.#table.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: { S: leaseKey } },
          UpdateExpression: spec.update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      return { ok: true, counter: counter + 1 };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      // A retried request whose first attempt succeeded fails its condition: re-read to tell them apart.
      const current = await this.getLease(leaseKey);
      if (current !== undefined && current.leaseCounter === counter + 1 && spec.verify(current)) {
        this.#logger.debug({ leaseKey, counter }, 'conditional write failed but had succeeded');
        return { ok: true, counter: counter + 1 };
      }
      return { ok: false, current };
    }
  }
}

function isConditionalFailure(error: unknown): boolean {
  if (awsErrorName(error) === 'ConditionalCheckFailedException') return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && awsErrorName(cause) === 'ConditionalCheckFailedException';
}
