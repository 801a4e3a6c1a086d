import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LeaseTableAccessError } from '../errors/lease-table-access-error.js';
import type { Logger } from '../types.js';
import { awsErrorName, isRetriable, toShardlineError } from '../util/aws-error.js';
import { backoffWithJitter } from '../util/backoff.js';
import { delay } from '../util/delay.js';

export interface DynamoTableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly retries: number;
  readonly backoffBaseMillis: number;
  readonly logger: Logger;
}

/** What the table is, for error messages: its role and the permissions a worker needs on it. */
export interface DynamoTableRole {
  readonly description: string;
  readonly permissions: string;
  /** The table's single string hash key. */
  readonly hashKey: string;
}

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'AccessDenied',
  'UnauthorizedOperation',
]);

/**
 * One DynamoDB table a worker keeps: requests retried with backoff and jitter when retriable (throttling,
 * 5xx), missing permissions turned into a LeaseTableAccessError naming what is needed, call counting for
 * the DynamoDbCalls metric, and creation on demand (PAY_PER_REQUEST) shared safely by a whole fleet.
 */
export class DynamoTable {
  readonly tableName: string;
  readonly #client: DynamoDBClient;
  readonly #retries: number;
  readonly #backoffBase: number;
  readonly #logger: Logger;
  readonly #role: DynamoTableRole;
  #calls = 0;

  constructor(options: DynamoTableOptions, role: DynamoTableRole) {
    this.tableName = options.tableName;
    this.#client = options.client;
    this.#retries = options.retries;
    this.#backoffBase = options.backoffBaseMillis;
    this.#logger = options.logger;
    this.#role = role;
  }

  /** DynamoDB requests sent so far, retries included. */
  get calls(): number {
    return this.#calls;
  }

  // biome-ignore lint/suspicious/noExplicitAny: every command class of the client is accepted
  async send<T>(command: any): Promise<T> {
    let attempt = 0;
    for (;;) {
      this.#calls++;
      try {
        return (await this.#client.send(command)) as T;
      } catch (error) {
        if (ACCESS_DENIED.has(awsErrorName(error))) {
          const operation = String(command.constructor.name).replace(/Command$/, '');
          throw new LeaseTableAccessError(
            this.tableName,
            `no permission for ${operation} on ${this.#role.description} ${this.tableName}: ${(error as Error).message}. ` +
              `The worker needs ${this.#role.permissions} on it.`,
            { cause: error },
          );
        }
        if (!isRetriable(error) || attempt >= this.#retries) throw toShardlineError(error);
        const wait = backoffWithJitter(attempt, this.#backoffBase, this.#backoffBase * 32);
        this.#logger.debug(
          { err: error, attempt, wait, table: this.tableName },
          `${this.#role.description} call failed; retrying`,
        );
        attempt++;
        await delay(wait);
      }
    }
  }

  /** Creates the table on demand (PAY_PER_REQUEST, the role's hash key) and waits until it is ACTIVE. */
  async ensureTable(signal?: AbortSignal): Promise<void> {
    let status = await this.#describe();
    if (status === undefined) {
      try {
        await this.send(
          new CreateTableCommand({
            TableName: this.tableName,
            KeySchema: [{ AttributeName: this.#role.hashKey, KeyType: 'HASH' }],
            AttributeDefinitions: [{ AttributeName: this.#role.hashKey, AttributeType: 'S' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
      } catch (error) {
        // Another worker of the fleet created it first.
        if (!(error instanceof Error && /ResourceInUse/.test(error.message))) throw error;
      }
      status = await this.#describe();
    }
    for (let i = 0; status !== 'ACTIVE'; i++) {
      if (signal?.aborted) return;
      // Short polls: siblings waiting here must register before the creator's discovery delay ends.
      await delay(Math.min(100, 20 * 2 ** i), signal);
      status = await this.#describe();
    }
  }

  async #describe(): Promise<string | undefined> {
    try {
      const out = await this.send<{ Table?: { TableStatus?: string } }>(
        new DescribeTableCommand({ TableName: this.tableName }),
      );
      return out.Table?.TableStatus ?? 'ACTIVE';
    } catch (error) {
      if (error instanceof Error && /ResourceNotFound/.test(error.message)) return undefined;
      throw error;
    }
  }
}
