import http from 'node:http';
import https from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ConsumerCredentials } from '../config/consumer-options.js';
import { isLoopbackEndpoint } from '../config/resolve-config.js';
import { installFastGetRecords } from '../retrieval/fast-get-records.js';

// Local servers accept any key; the SDK still needs something to sign with. Letters and digits only:
// DynamoDB Local 2.x refuses any other access key id (UnrecognizedClientException).
export const LOCAL_CREDENTIALS: ConsumerCredentials = Object.freeze({
  accessKeyId: 'shardlinelocal',
  secretAccessKey: 'shardlinelocal',
});

/**
 * Keys for a loopback endpoint when none were given: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when both are
 * set (the first step of the SDK's own chain: DynamoDB Local keeps one database per key, so the key picks
 * the database), else placeholders.
 */
export function localCredentials(env: NodeJS.ProcessEnv): ConsumerCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return LOCAL_CREDENTIALS;
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

function clientConfig(region: string, endpoint: string | undefined, credentials: ConsumerCredentials | undefined) {
  const local = endpoint !== undefined && isLoopbackEndpoint(endpoint);
  const creds = credentials ?? (local ? localCredentials(process.env) : undefined);
  const secure = endpoint === undefined || endpoint.startsWith('https:');
  // Keep-alive HTTP/1.1: on loopback it is faster than HTTP/2 and every socket is closed by destroy().
  const requestHandler = new NodeHttpHandler(
    secure ? { httpsAgent: new https.Agent({ keepAlive: true }) } : { httpAgent: new http.Agent({ keepAlive: true }) },
  );
  return {
    region,
    requestHandler,
    ...(endpoint === undefined ? {} : { endpoint }),
    // A copy: the SDK writes feature markers onto the credentials object and a frozen one would throw.
    ...(creds === undefined ? {} : { credentials: { ...creds } }),
    maxAttempts: 1,
  };
}

export function createKinesisClient(
  region: string,
  endpoint: string | undefined,
  credentials: ConsumerCredentials | undefined,
): KinesisClient {
  const client = new KinesisClient(clientConfig(region, endpoint, credentials));
  installFastGetRecords(client);
  return client;
}

export function createDynamoDbClient(
  region: string,
  endpoint: string | undefined,
  credentials: ConsumerCredentials | undefined,
): DynamoDBClient {
  return new DynamoDBClient(clientConfig(region, endpoint, credentials));
}
