import { Worker } from 'node:worker_threads';
import { NetworkError } from '@shardline/core';
import type { CredentialsProvider, ProducerCredentials } from '../config/producer-config.js';
import { credentialsError } from './credentials-error.js';
import type { PutRecordsResponse } from './kinesis-transport.js';
import type { PackedRequest } from './packed-request.js';
import type { PutRecordsSender } from './put-records-sender.js';
import type {
  PutRecordsWorkerAnswer,
  PutRecordsWorkerForget,
  PutRecordsWorkerInit,
  PutRecordsWorkerReady,
  PutRecordsWorkerRequest,
  PutRecordsWorkerSent,
} from './put-records-worker-protocol.js';
import { fromTransferableError } from './transferable-error.js';

interface Pending {
  readonly packed: PackedRequest;
  readonly resolve: (response: PutRecordsResponse) => void;
  readonly reject: (error: unknown) => void;
  /** The request's size as collectionMaxSize counts it until the thread reports its body written and signed, then 0. */
  unwritten: number;
}

/**
 * Sends PutRecords from a worker thread (sendThread 'worker'): the packed request's columns are shared
 * memory, so a request posts only its counts (and its columns when they are new to the thread or have
 * grown), and the answer comes back. The thread starts with the first request, keeps the
 * process alive only while requests are in flight, and is started again if it dies; the requests it
 * held fail with a retriable NetworkError, since whether Kinesis stored them is unknown. If the thread
 * cannot start at all (it stops before it reports ready, so before it took any request), its requests
 * and all later ones go to `fallback` on this thread.
 */
export class WorkerPutRecordsSender implements PutRecordsSender {
  readonly #init: PutRecordsWorkerInit;
  readonly #credentials: ProducerCredentials | CredentialsProvider;
  readonly #pending = new Map<number, Pending>();
  readonly #fallback: PutRecordsSender;
  readonly #onFallback: (reason: string) => void;
  readonly #entry: URL | undefined;
  /** Set once a thread failed to start: every request goes to #fallback. */
  #unavailable = false;
  #worker: Worker | undefined;
  /** Per packed request: its slot number, and the column version the current thread has. */
  #slots = new WeakMap<PackedRequest, { slot: number; version: number }>();
  #nextSlot = 0;
  #nextId = 0;
  #closed = false;
  #busyBytes = 0;

  constructor(
    init: PutRecordsWorkerInit,
    credentials: ProducerCredentials | CredentialsProvider,
    fallback: PutRecordsSender,
    onFallback: (reason: string) => void,
    /** The thread's entry point; tests give stand-ins that fail in chosen ways. */
    entry?: URL,
  ) {
    this.#entry = entry;
    this.#init = init;
    this.#credentials = credentials;
    this.#fallback = fallback;
    this.#onFallback = onFallback;
  }

  /**
   * Sizes (partition keys and data) of the requests handed to the thread whose bodies it has not yet
   * written and signed: how much writing it still has ahead of it.
   */
  get busyBytes(): number {
    return this.#busyBytes;
  }

  async send(packed: PackedRequest): Promise<PutRecordsResponse> {
    if (this.#unavailable) return this.#fallback.send(packed);
    const credentials = await this.#resolveCredentials();
    if (this.#closed) throw new NetworkError('PutRecords not sent: the producer is closing');
    if (this.#unavailable) return this.#fallback.send(packed);
    const worker = this.#worker ?? this.#start();
    if (worker === undefined) return this.#fallback.send(packed);
    return new Promise<PutRecordsResponse>((resolve, reject) => {
      const id = ++this.#nextId;
      let known = this.#slots.get(packed);
      if (known === undefined) {
        known = { slot: ++this.#nextSlot, version: -1 };
        this.#slots.set(packed, known);
      }
      const request: PutRecordsWorkerRequest = {
        type: 'send',
        id,
        slot: known.slot,
        header: packed.header(),
        arrays: known.version === packed.version ? undefined : packed.arrays(),
        credentials,
      };
      try {
        worker.postMessage(request);
        known.version = packed.version;
      } catch (cause) {
        reject(
          new NetworkError(`PutRecords could not be handed to its thread: ${(cause as Error).message}`, { cause }),
        );
        return;
      }
      this.#pending.set(id, { packed, resolve, reject, unwritten: packed.bytes });
      this.#busyBytes += packed.bytes;
      if (this.#pending.size === 1) worker.ref();
    });
  }

  /** The caller drops `packed`: the thread drops its view of the columns too. */
  forget(packed: PackedRequest): void {
    const known = this.#slots.get(packed);
    if (known === undefined) return;
    this.#slots.delete(packed);
    this.#worker?.postMessage({ type: 'forget', slot: known.slot } satisfies PutRecordsWorkerForget);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
    this.#failPending('the producer closed while it was in flight');
  }

  async #resolveCredentials(): Promise<PutRecordsWorkerRequest['credentials']> {
    const source = this.#credentials;
    let credentials: ProducerCredentials;
    try {
      credentials = typeof source === 'function' ? await source() : source;
    } catch (cause) {
      throw credentialsError(cause);
    }
    // Only plain strings cross threads: a provider's result may carry functions or metadata.
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    };
  }

  #start(): Worker | undefined {
    // Tests run the TypeScript sources, but a worker thread runs JavaScript: from a source file, the
    // built twin of the entry point is used.
    const here = import.meta.url;
    const entry =
      this.#entry ??
      (here.endsWith('.ts')
        ? new URL('../../dist/transport/put-records-worker.js', here)
        : new URL('./put-records-worker.js', here));
    let worker: Worker;
    try {
      // The thread runs only this package's JavaScript, so it takes none of the process's flags: some
      // (--input-type) make a worker fail at once, and V8's apply to every thread anyway.
      worker = new Worker(entry, { workerData: this.#init, execArgv: [] });
    } catch (error) {
      this.#unavailable = true;
      this.#onFallback((error as Error).message);
      return undefined;
    }
    worker.unref();
    // 'online' comes even for an entry point that fails to load; the thread's own message does not.
    let ready = false;
    worker.on('message', (message: PutRecordsWorkerAnswer | PutRecordsWorkerSent | PutRecordsWorkerReady) => {
      if (message.type === 'ready') ready = true;
      else if (message.type === 'sent') this.#onSent(message.id);
      else this.#onAnswer(worker, message);
    });
    // Requests are failed or handed over only once the thread has exited: a thread still running could
    // otherwise read columns that this thread has reused for another request.
    let reason: string | undefined;
    worker.on('error', (error) => {
      reason ??= error.message;
    });
    worker.on('messageerror', (error) => {
      reason ??= error.message;
      void worker.terminate();
    });
    worker.on('exit', (code) => this.#onStopped(worker, reason ?? `exit code ${code}`, ready));
    this.#worker = worker;
    // A new thread has seen no columns yet.
    this.#slots = new WeakMap();
    return worker;
  }

  #onSent(id: number): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#busyBytes -= pending.unwritten;
    pending.unwritten = 0;
  }

  #onAnswer(worker: Worker, answer: PutRecordsWorkerAnswer): void {
    this.#onSent(answer.id);
    const pending = this.#pending.get(answer.id);
    if (pending === undefined) return;
    this.#pending.delete(answer.id);
    if (this.#pending.size === 0) worker.unref();
    if (answer.error !== undefined) pending.reject(fromTransferableError(answer.error));
    else pending.resolve(answer.response as PutRecordsResponse);
  }

  #onStopped(worker: Worker, reason: string, ready: boolean): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    if (!ready && !this.#closed) {
      // The thread took no request (it listens only once it is ready): they are sent from here instead.
      this.#unavailable = true;
      this.#onFallback(reason);
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const { packed, resolve, reject } of pending) this.#fallback.send(packed).then(resolve, reject);
    }
    this.#failPending(`its thread stopped (${reason})`);
  }

  #failPending(reason: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#busyBytes = 0;
    for (const { reject } of pending) {
      reject(new NetworkError(`PutRecords got no answer: ${reason}; whether Kinesis stored it is unknown`));
    }
  }
}
