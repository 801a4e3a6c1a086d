import { isAscii } from 'node:buffer';
import type { GetRecordsAnswer, GetRecordsChildShard, GetRecordsRecord } from './get-records-answer.js';

interface JsonRecord {
  Data?: string;
  PartitionKey?: string;
  SequenceNumber?: string;
  ApproximateArrivalTimestamp?: number;
  EncryptionType?: string;
}

/**
 * Decodes a GetRecords answer in JSON 1.1: one JSON.parse and Node's native base64 decoder. Timestamps
 * are epoch seconds in JSON.
 */
export function decodeGetRecordsJson(body: Buffer): GetRecordsAnswer {
  // Answers are ASCII unless a partition key is not: latin1 then decodes byte for byte, several times
  // faster than the UTF-8 decoder on a multi-megabyte body, with the same string.
  const parsed = JSON.parse(body.toString(isAscii(body) ? 'latin1' : 'utf8')) as {
    Records?: JsonRecord[] | null;
    NextShardIterator?: string | null;
    MillisBehindLatest?: number | null;
    ChildShards?: GetRecordsChildShard[] | null;
  };
  const records: GetRecordsRecord[] = (parsed.Records ?? []).map((raw) => ({
    Data: Buffer.from(raw.Data ?? '', 'base64'),
    PartitionKey: raw.PartitionKey,
    SequenceNumber: raw.SequenceNumber,
    ApproximateArrivalTimestamp:
      raw.ApproximateArrivalTimestamp === undefined ? undefined : new Date(raw.ApproximateArrivalTimestamp * 1000),
    EncryptionType: raw.EncryptionType,
  }));
  return {
    Records: records,
    NextShardIterator: parsed.NextShardIterator ?? undefined,
    MillisBehindLatest: parsed.MillisBehindLatest ?? undefined,
    ChildShards: parsed.ChildShards ?? undefined,
  };
}
