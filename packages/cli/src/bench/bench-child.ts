import { type ChildProcess, fork } from 'node:child_process';
import type { ParentMessage } from './ipc-messages.js';

export type BenchEntryName = 'producer-process' | 'consumer-process';

/** Built entry points; resolved from src/bench (tests) and dist/bench alike. */
function benchEntry(name: BenchEntryName): URL {
  return new URL(`../../dist/bench/${name}.js`, import.meta.url);
}

const TAIL_BYTES = 4096;

/**
 * Young-generation size per bench process. The producer keeps every record of the last ~100 ms alive
 * (its promise, its result): at 400k records/s that is tens of megabytes, which 128 MiB semi-spaces
 * let die young (alternating runs: producer CPU per record 2.0-2.2 us vs 2.3-2.5 us with 64 MiB; 256 MiB
 * gained nothing more). Workers hold little beyond the batch in hand, and 128 MiB did not change them.
 */
const SEMI_SPACE_MIB: Readonly<Record<BenchEntryName, number>> = Object.freeze({
  'producer-process': 128,
  'consumer-process': 64,
});

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

  constructor(entry: BenchEntryName, name: string, onMessage: (message: M) => void) {
    this.name = name;
    this.#child = fork(benchEntry(entry), [], {
      // Producer and workers keep tens of thousands of records alive for ~100 ms at a time: with V8's
      // default 16 MiB semi-space they get copied and promoted, and garbage collection takes a third of
      // their CPU. A larger young generation lets them die young, as a high-rate service would configure.
      execArgv: [...process.execArgv, `--max-semi-space-size=${SEMI_SPACE_MIB[entry]}`],
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
