import { createServer as createHttpServer } from 'node:http';
import {
  createServer as createH2Server,
  createSecureServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
} from 'node:http2';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AnyRequest, AnyResponse } from './request-handler.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** Idle keep-alive connections close after this long (AWS's front end uses about a minute). */
const IDLE_MS = 60_000;
/** A client must send its whole request within this time (slow-loris guard). */
const REQUEST_MS = 60_000;

/** Connection-level HTTP/2 receive window: room for a few large requests in flight. */
const CONNECTION_WINDOW = 32 * 1024 * 1024;

type Handler = (req: AnyRequest, res: AnyResponse) => void;

/**
 * One port serving HTTP/1.1 keep-alive and cleartext HTTP/2 (prior knowledge): the first bytes of each
 * connection decide which server gets it. With TLS, ALPN decides instead (h2 or http/1.1).
 */
export class Listener {
  readonly #net: NetServer;
  readonly #h1 = createHttpServer({ keepAlive: true, requestTimeout: REQUEST_MS, headersTimeout: REQUEST_MS });
  readonly #h2: Http2Server | Http2SecureServer;
  readonly #sockets = new Set<Socket>();
  readonly #sessions = new Set<Http2Session>();
  readonly #tls: boolean;

  constructor(handler: Handler, tls?: { cert: string | Buffer; key: string | Buffer }) {
    this.#h1.keepAliveTimeout = IDLE_MS;
    this.#h1.on('request', handler);
    this.#tls = tls !== undefined;
    // HTTP/2's default 64 KiB flow-control windows would make a 10 MiB PutRecords wait on ~160 round trips.
    const h2Options = {
      settings: { maxConcurrentStreams: 1000, initialWindowSize: 4 * 1024 * 1024 },
      maxSessionMemory: 256,
    };
    if (tls !== undefined) {
      this.#h2 = createSecureServer({ ...h2Options, cert: tls.cert, key: tls.key, allowHTTP1: true });
      this.#h2.on('request', handler);
      this.#net = this.#h2 as unknown as NetServer;
      this.#h2.on('secureConnection', (socket: Socket) => this.#track(socket));
    } else {
      this.#h2 = createH2Server(h2Options);
      this.#h2.on('request', handler);
      this.#net = createNetServer((socket) => this.#route(socket));
    }
    this.#h2.on('session', (session: Http2Session) => {
      this.#sessions.add(session);
      session.once('connect', () => {
        if (!session.destroyed) session.setLocalWindowSize(CONNECTION_WINDOW);
      });
      session.setTimeout(IDLE_MS, () => session.close());
      session.on('close', () => this.#sessions.delete(session));
    });
    this.#h2.on('sessionError', () => {});
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
  }

  #route(socket: Socket): void {
    this.#track(socket);
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(), REQUEST_MS);
    const onReadable = (): void => {
      const chunk = socket.read() as Buffer | null;
      if (chunk === null) return;
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.unshift(chunk);
      const n = Math.min(chunk.length, PREFACE.length);
      const h2 = chunk.subarray(0, n).equals(PREFACE.subarray(0, n));
      (h2 ? this.#h2 : this.#h1).emit('connection', socket);
    };
    socket.on('readable', onReadable);
    socket.on('close', () => clearTimeout(timer));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#net.once('error', reject);
      this.#net.listen(port, host, () => {
        this.#net.off('error', reject);
        const address = this.#net.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  get tls(): boolean {
    return this.#tls;
  }

  /** Stops accepting, lets requests in flight finish (bounded by `graceMs`), then drops every connection. */
  async close(waitIdle: () => Promise<void>, graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#net.close(() => resolve()));
    this.#h1.closeIdleConnections();
    for (const session of this.#sessions) session.close();
    await Promise.race([waitIdle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const session of this.#sessions) session.destroy();
    for (const socket of this.#sockets) socket.destroy();
    this.#h1.close();
    await closed;
  }
}
