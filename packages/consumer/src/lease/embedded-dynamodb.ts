import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An in-process DynamoDB-compatible server (dynalite) on loopback. */
export interface EmbeddedDynamoDb {
  readonly endpoint: string;
  close(): Promise<void>;
}

type DynaliteFactory = (options: {
  path?: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;

/**
 * Starts dynalite on 127.0.0.1 with an ephemeral port, in memory or on `dataDir`. Loaded on demand so
 * importing the consumer never loads it.
 */
export async function startEmbeddedDynamoDb(dataDir: string | undefined): Promise<EmbeddedDynamoDb> {
  const moduleName = 'dynalite';
  const imported = (await import(moduleName)) as { default: DynaliteFactory };
  const server = imported.default({
    ...(dataDir === undefined ? {} : { path: dataDir }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
