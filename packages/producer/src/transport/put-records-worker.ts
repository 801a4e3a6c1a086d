/**
 * Entry point of the PutRecords worker thread (sendThread 'worker'). It encodes aggregates, writes
 * bodies, signs and sends them over its own connection pool, so the thread serving put() only packs
 * records and settles them. Never imported by the package's index: only `new Worker()` loads it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getCodec } from '@shardline/native';
import { InlinePutRecordsSender } from './inline-put-records-sender.js';
import { KinesisTransport } from './kinesis-transport.js';
import { PackedRequest } from './packed-request.js';
import type {
  PutRecordsWorkerAnswer,
  PutRecordsWorkerForget,
  PutRecordsWorkerInit,
  PutRecordsWorkerReady,
  PutRecordsWorkerRequest,
  PutRecordsWorkerSent,
} from './put-records-worker-protocol.js';
import { toTransferableError } from './transferable-error.js';

const port = parentPort;
if (port === null) throw new Error('put-records-worker runs only as a worker thread');
const init = workerData as PutRecordsWorkerInit;
// The producer thread resolves credentials (its provider may be any function) and sends them along.
let credentials: PutRecordsWorkerRequest['credentials'] = { accessKeyId: '', secretAccessKey: '' };
const transport = new KinesisTransport({
  endpoint: init.endpoint,
  region: init.region,
  credentials: async () => credentials,
  maxConnections: init.maxConnections,
  requestTimeout: init.requestTimeout,
  offThreadDigest: false,
});
const sender = new InlinePutRecordsSender(transport, getCodec(), init.cbor, init.maxConnections);

/** Each slot's packed request: its columns are shared with the producer thread. */
const slots = new Map<number, PackedRequest>();

port.on('message', (message: PutRecordsWorkerRequest | PutRecordsWorkerForget) => {
  if (message.type === 'forget') {
    slots.delete(message.slot);
    return;
  }
  credentials = message.credentials;
  let packed = slots.get(message.slot);
  if (packed === undefined) {
    packed = new PackedRequest();
    slots.set(message.slot, packed);
  }
  if (message.arrays !== undefined) packed.adoptArrays(message.arrays);
  packed.adoptHeader(message.header);
  const id = message.id;
  // By the check phase, this request's body (and that of every request queued with it) is written and
  // signed: the producer thread counts it as no longer waiting for this thread's CPU.
  setImmediate(() => port.postMessage({ type: 'sent', id } satisfies PutRecordsWorkerSent));
  sender.send(packed).then(
    (response) => port.postMessage({ type: 'answer', id, response } satisfies PutRecordsWorkerAnswer),
    (error: unknown) =>
      port.postMessage({ type: 'answer', id, error: toTransferableError(error) } satisfies PutRecordsWorkerAnswer),
  );
});
// Sent after the listener is in place: requests are handled only after this script has run, so a
// thread that stops before this message took none of them.
port.postMessage({ type: 'ready' } satisfies PutRecordsWorkerReady);
