import type { KinesisRecord } from '../src/pipeline/kinesis-record.js';
import { PackedRequest } from '../src/transport/packed-request.js';

/** Packs `records` as the producer does, writes the body, and stores exact aggregate sizes back. */
export function writeBody(
  writer: { write(packed: PackedRequest): { body: Buffer; buffer: Buffer } },
  streamName: string,
  records: KinesisRecord[],
): { body: Buffer; buffer: Buffer } {
  const packed = new PackedRequest();
  packed.pack(streamName, records);
  const written = writer.write(packed);
  records.forEach((record, i) => {
    if (record.aggregated) record.dataSize = packed.sizes[i] as number;
  });
  return written;
}
