import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with one request. */
export type Fault =
  | 'pass'
  /** Answers 500 without forwarding. */
  | 'error500'
  /** Drops the connection without forwarding. */
  | 'reset-before'
  /** Forwards, then drops the connection instead of answering (the write may have happened). */
  | 'reset-after'
  /** Forwards and answers after `slowMs`. */
  | 'slow'
  /** Holds the request until resume() (a paused broker). */
  | 'hold';

export interface FaultProxy {
  readonly url: string;
  /** Chooses the fault for each request; called with the request's X-Amz-Target. */
  choose: (target: string) => Fault;
  slowMs: number;
  /** Sets the target broker URL (after a broker restart on another port). */
  target: string;
  readonly counts: Record<Fault, number>;
  resume(): void;
  close(): Promise<void>;
}

/** An HTTP proxy on loopback that injects faults between the producer and the broker. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const held: (() => void)[] = [];
  const counts: Record<Fault, number> = {
    pass: 0,
    error500: 0,
    'reset-before': 0,
    'reset-after': 0,
    slow: 0,
    hold: 0,
  };
  const proxy: FaultProxy = {
    url: '',
    choose: () => 'pass',
    slowMs: 0,
    target,
    counts,
    resume() {
      proxy.choose = () => 'pass';
      for (const release of held.splice(0)) release();
    },
    close: async () => {
      proxy.resume();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
    after: (status: number, headers: Record<string, string | string[] | undefined>, answer: Buffer) => void,
  ): void => {
    const url = new URL(proxy.target);
    const upstream = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => after(answer.statusCode ?? 502, answer.headers, Buffer.concat(chunks)));
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = proxy.choose(String(req.headers['x-amz-target'] ?? ''));
      counts[fault]++;
      const reply = (status: number, headers: Record<string, string | string[] | undefined>, answer: Buffer): void => {
        if (res.destroyed) return;
        res.writeHead(status, headers);
        res.end(answer);
      };
      switch (fault) {
        case 'error500':
          reply(
            500,
            { 'content-type': 'application/x-amz-json-1.1' },
            Buffer.from('{"__type":"InternalFailure","message":"injected"}'),
          );
          return;
        case 'reset-before':
          req.socket.destroy();
          return;
        case 'reset-after':
          forward(req, body, res, () => req.socket.destroy());
          return;
        case 'slow':
          forward(req, body, res, (status, headers, answer) => {
            setTimeout(() => reply(status, headers, answer), proxy.slowMs);
          });
          return;
        case 'hold':
          held.push(() => forward(req, body, res, reply));
          return;
        default:
          forward(req, body, res, reply);
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (proxy as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
