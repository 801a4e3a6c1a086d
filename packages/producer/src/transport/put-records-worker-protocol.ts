import type { PutRecordsResponse } from './kinesis-transport.js';
import type { PackedArrays, PackedHeader } from './packed-request.js';
import type { TransferableError } from './transferable-error.js';

/** workerData of the PutRecords worker thread. */
export interface PutRecordsWorkerInit {
  readonly endpoint: string;
  readonly region: string;
  readonly maxConnections: number;
  readonly requestTimeout: number;
  readonly cbor: boolean;
}

/**
 * Producer thread to worker: one request, with the credentials to sign it with. `slot` names the
 * packed request's shared columns, which come along only when they are new or have grown.
 */
export interface PutRecordsWorkerRequest {
  readonly type: 'send';
  readonly id: number;
  readonly slot: number;
  readonly header: PackedHeader;
  readonly arrays: PackedArrays | undefined;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Producer thread to worker: the slot's packed request is no longer kept, so its columns can go. */
export interface PutRecordsWorkerForget {
  readonly type: 'forget';
  readonly slot: number;
}

/** Worker to producer thread: the answer or the error (the exact aggregate sizes are in the shared columns). */
export interface PutRecordsWorkerAnswer {
  readonly type: 'answer';
  readonly id: number;
  readonly response?: PutRecordsResponse;
  readonly error?: TransferableError;
}

/**
 * Worker to producer thread: the thread has written and signed the request's body and handed it to its
 * connection pool, and every request that reached it before has got as far: its CPU work is done.
 */
export interface PutRecordsWorkerSent {
  readonly type: 'sent';
  readonly id: number;
}

/** Worker to producer thread, once: it loaded and listens for requests. */
export interface PutRecordsWorkerReady {
  readonly type: 'ready';
}
