import type { PutRecordsResponse } from './kinesis-transport.js';
import type { PackedRequest } from './packed-request.js';

/**
 * Encodes, signs and sends one packed PutRecords request and returns Kinesis's answer; afterwards
 * packed.sizes holds the aggregates' exact sizes. Throws AwsServiceError or NetworkError as
 * KinesisTransport does. Implemented on the calling thread and on a worker thread.
 */
export interface PutRecordsSender {
  send(packed: PackedRequest): Promise<PutRecordsResponse>;
  /** `packed` will not be sent again (it is not kept for reuse). */
  forget(packed: PackedRequest): void;
  /** Releases connections (and the thread); requests still in flight fail with a retriable error. */
  close(): Promise<void>;
}
