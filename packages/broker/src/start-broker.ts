import { retainFreedMemory } from '@shardline/native';
import { BrokerState } from './model/broker-state.js';
import { type BrokerOptions, resolveBrokerOptions } from './options/broker-options.js';
import { Listener } from './server/listener.js';
import { createRequestHandler } from './server/request-handler.js';
import { selfSignedCertificate } from './server/tls-material.js';
import { DataDirStore } from './storage/data-dir-store.js';

/** How long close() waits for requests in flight before dropping connections. */
const DRAIN_MS = 5000;
/** How often retention trimming frees memory of idle shards (reads trim eagerly anyway). */
const TRIM_EVERY_MS = 60_000;

export interface Broker {
  /** `http://host:port`: HTTP/1.1 and h2c. */
  readonly url: string;
  readonly port: number;
  /** `https://host:tlsPort` when TLS is on. */
  readonly tlsUrl: string | undefined;
  readonly tlsPort: number | undefined;
  /** PEM certificate the TLS port presents (self-signed unless one was given). */
  readonly tlsCertificate: string | undefined;
  /** Stops listening, drains requests in flight, flushes and closes storage. Idempotent. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts a Kinesis-compatible broker. Options are validated first (InvalidConfigError names the bad one). */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const resolved = resolveBrokerOptions(options);
  if (resolved.retainFreedMemoryBytes !== false) {
    const applied = retainFreedMemory(resolved.retainFreedMemoryBytes);
    resolved.logger?.debug(
      { applied, bytes: resolved.retainFreedMemoryBytes },
      'allocator keeps freed memory for reuse',
    );
  }
  const state = new BrokerState(resolved);
  let store: DataDirStore | undefined;
  if (resolved.dataDir !== undefined) {
    store = await DataDirStore.open(resolved.dataDir, state);
    state.storage = store;
  }
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const track = (delta: 1 | -1): void => {
    inFlight += delta;
    if (inFlight === 0 && idle !== undefined) idle();
  };
  const waitIdle = (): Promise<void> =>
    inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve));
  // The signer behind verification (~1 MB of heap) is loaded only by brokers that check signatures.
  const verifier =
    resolved.credentials === undefined
      ? undefined
      : new (await import('./auth/sigv4-verifier.js')).SigV4Verifier(resolved.credentials, resolved.clockSkewMs);
  const handler = createRequestHandler(state, { verifier, track });
  const listeners: Listener[] = [];
  try {
    const plain = new Listener(handler);
    listeners.push(plain);
    const port = await plain.listen(resolved.port, resolved.host);
    let tlsPort: number | undefined;
    let tlsCertificate: string | undefined;
    if (resolved.tls !== false) {
      const material = resolved.tls === true ? await selfSignedCertificate(resolved.host) : resolved.tls;
      tlsCertificate = String(material.cert);
      const secure = new Listener(handler, material);
      listeners.push(secure);
      tlsPort = await secure.listen(resolved.tlsPort, resolved.host);
    }
    state.every(TRIM_EVERY_MS, () => {
      const now = state.now();
      for (const stream of state.streams.values()) {
        for (const shard of stream.shards) shard.log.trimBefore(now - stream.retentionHours * 3_600_000);
      }
      store?.trim(now);
    });
    let closing: Promise<void> | undefined;
    const host = urlHost(resolved.host);
    resolved.logger?.info({ port, tlsPort }, 'broker listening');
    return {
      url: `http://${host}:${port}`,
      port,
      tlsUrl: tlsPort === undefined ? undefined : `https://${host}:${tlsPort}`,
      tlsPort,
      tlsCertificate,
      close(): Promise<void> {
        closing ??= (async () => {
          await Promise.all(listeners.map((l) => l.close(waitIdle, DRAIN_MS)));
          state.close();
          await store?.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await Promise.all(listeners.map((l) => l.close(waitIdle, 0).catch(() => {})));
    state.close();
    await store?.close();
    throw error;
  }
}
