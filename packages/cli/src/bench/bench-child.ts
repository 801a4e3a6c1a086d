import { type ChildProcess, fork } from 'node:child_process';
import type { ParentMessage } from './ipc-messages.js';

/** Built entry points; resolved from src/bench (tests) and dist/bench alike. */
export function benchEntry(name: 'producer-process' | 'consumer-process'): URL {
  return new URL(`../../dist/bench/${name}.js`, import.meta.url);
}

const TAIL_BYTES = 4096;

const CHILD_SEMI_SPACE_MIB = 64;

/**
 * One forked bench process: IPC with raw-byte payloads, the tail of its stderr kept for error messages,
 * and a promise for its exit so the orchestrator never leaves a process behind.
 */
export class BenchChild<M extends { readonly type: string }> {
  readonly name: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcess;
  #stderrTail = '';
  #alive = true;
  #ready: Promise<void>;

  constructor(entry: URL, name: string, onMessage: (message: M) => void) {
    this.name = name;
    this.#child = fork(entry, [], {
      // Producer and workers keep tens of thousands of records alive for ~100 ms at a time: with V8's
      // default 16 MiB semi-space they get copied and promoted, and garbage collection takes a third of
      // their CPU. A larger young generation lets them die young, as a high-rate service would configure.
      execArgv: [...process.execArgv, `--max-semi-space-size=${CHILD_SEMI_SPACE_MIB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (chunk: string) => {
      this.#stderrTail = (this.#stderrTail + chunk).slice(-TAIL_BYTES);
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#alive = false;
        resolve({ code, signal });
      });
    });
    this.#ready = new Promise((resolve, reject) => {
      this.#child.on('message', (message: M) => {
        if (message.type === 'ready') resolve();
        else onMessage(message);
      });
      void this.exited.then(({ code, signal }) =>
        reject(new Error(`${name} exited before it was ready (${signal ?? `code ${code}`})${this.stderrSuffix()}`)),
      );
      this.#child.once('error', reject);
    });
    // The ready promise may be rejected after it was awaited: keep that from becoming unhandled.
    this.#ready.catch(() => {});
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  get alive(): boolean {
    return this.#alive;
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  send(message: ParentMessage): void {
    if (this.#alive && this.#child.connected) this.#child.send(message);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.#alive) this.#child.kill(signal);
  }

  /** Waits up to `ms` for the process to exit by itself, then kills it. */
  async stop(ms: number): Promise<void> {
    if (!this.#alive) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    });
    const outcome = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.kill('SIGKILL');
      await this.exited;
    }
  }

  stderrSuffix(): string {
    const tail = this.#stderrTail.trim();
    return tail === '' ? '' : `: ${tail.split('\n').slice(-5).join(' | ')}`;
  }
}
