import { type AttributeValue, DeleteItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { awsErrorName } from '../util/aws-error.js';
import { DynamoTable, type DynamoTableOptions } from './dynamo-table.js';

export type WorkerRegistryOptions = DynamoTableOptions;

/** One registered worker as scanned: its id and heartbeat counter. */
export interface RegisteredWorker {
  readonly workerId: string;
  readonly heartbeat: number;
}

/**
 * The fleet's worker registry: a separate DynamoDB table (key workerId) where each worker bumps a
 * heartbeat counter every renewal cycle. It lives outside the lease table so that table stays exactly
 * KCL 2.x-shaped. Workers read it to know the live fleet before taking leases: without it a worker
 * infers the fleet from lease owners only, and the first of several workers started together would see
 * itself alone and take every lease.
 */
export class WorkerRegistry {
  readonly tableName: string;
  readonly #table: DynamoTable;

  constructor(options: WorkerRegistryOptions) {
    this.tableName = options.tableName;
    this.#table = new DynamoTable(options, {
      description: 'worker registry table',
      permissions: 'dynamodb:CreateTable, DescribeTable, Scan, UpdateItem and DeleteItem',
      hashKey: 'workerId',
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

  /** Registers the worker, or bumps its heartbeat when already registered. */
  async heartbeat(workerId: string): Promise<void> {
    await this.#table.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { workerId: { S: workerId } },
        UpdateExpression: 'ADD heartbeat :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
  }

  /** Every registered worker, strongly consistent, all pages. */
  async listWorkers(): Promise<RegisteredWorker[]> {
    const workers: RegisteredWorker[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.#table.send<{
        Items?: Record<string, AttributeValue>[];
        LastEvaluatedKey?: Record<string, AttributeValue>;
      }>(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
      for (const item of out.Items ?? []) {
        const workerId = item.workerId?.S;
        const heartbeat = Number(item.heartbeat?.N ?? 'NaN');
        if (workerId !== undefined && Number.isFinite(heartbeat)) workers.push({ workerId, heartbeat });
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    return workers;
  }

  /**
   * Removes a dead worker's item, only if its heartbeat is still `heartbeat`: a worker that is alive
   * after all is never removed (and its next heartbeat would recreate the item anyway).
   */
  async removeStale(workerId: string, heartbeat: number): Promise<void> {
    try {
      await this.#table.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { workerId: { S: workerId } },
          ConditionExpression: 'heartbeat = :seen',
          ExpressionAttributeValues: { ':seen': { N: String(heartbeat) } },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return;
      if (awsErrorName((error as { cause?: unknown } | null)?.cause) === 'ConditionalCheckFailedException') return;
      throw error;
    }
  }

  /** Removes the worker (graceful shutdown), so others stop counting it at once. */
  async deregister(workerId: string): Promise<void> {
    await this.#table.send(new DeleteItemCommand({ TableName: this.tableName, Key: { workerId: { S: workerId } } }));
  }
}
