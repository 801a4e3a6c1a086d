import { KinesisClient, NodeHttpHandler } from '../../packages/broker/test/helpers/aws-sdk.js';

/** An SDK client for a local broker: HTTP/2 (the SDK default) unless `http1`, no retries so errors surface. */
export function sdkClient(
  endpoint: string,
  options: { http1?: boolean; accessKeyId?: string; secretAccessKey?: string } = {},
): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: {
      accessKeyId: options.accessKeyId ?? 'AKIDEXAMPLE',
      secretAccessKey: options.secretAccessKey ?? 'secret',
    },
    ...(options.http1 === true ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

/** Resolves with the rejection's class name (what application code matches on). */
export async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  return 'no error';
}
