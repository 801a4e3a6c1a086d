import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { type AggregateInput, aggregatedRecordSchema, packStrings } from '@shardline/core';

/** A user record as the tests describe it. */
export interface TestRecord {
  partitionKey: string;
  explicitHashKey?: string | undefined;
  data: Uint8Array;
}

/** Packs records into the codec's AggregateInput (EHK column only when some record has one). */
export function toAggregateInput(records: readonly TestRecord[]): AggregateInput {
  const dataOffsets = new Uint32Array(records.length + 1);
  let total = 0;
  records.forEach((record, i) => {
    total += record.data.length;
    dataOffsets[i + 1] = total;
  });
  const data = new Uint8Array(total);
  records.forEach((record, i) => {
    data.set(record.data, dataOffsets[i]);
  });
  const anyEhk = records.some((record) => record.explicitHashKey !== undefined);
  return {
    count: records.length,
    partitionKeys: packStrings(records.map((record) => record.partitionKey)),
    explicitHashKeys: anyEhk ? packStrings(records.map((record) => record.explicitHashKey ?? '')) : undefined,
    data,
    dataOffsets,
  };
}

/**
 * The aggregated record built independently with protobufjs from proto/aggregation.proto: tables in
 * first-appearance order (deduplicated on UTF-8 bytes), records in input order.
 */
export function referenceEncode(records: readonly TestRecord[]): Buffer {
  const { AggregatedRecord } = aggregatedRecordSchema();
  const pkTable: string[] = [];
  const pkIndex = new Map<string, number>();
  const ehkTable: string[] = [];
  const ehkIndex = new Map<string, number>();
  const intern = (table: string[], index: Map<string, number>, key: string): number => {
    const bytesKey = Buffer.from(key, 'utf8').toString('latin1');
    let i = index.get(bytesKey);
    if (i === undefined) {
      i = table.length;
      table.push(key);
      index.set(bytesKey, i);
    }
    return i;
  };
  const body = {
    partitionKeyTable: pkTable,
    explicitHashKeyTable: ehkTable,
    records: records.map((record) => {
      const message: Record<string, unknown> = { partitionKeyIndex: intern(pkTable, pkIndex, record.partitionKey) };
      if (record.explicitHashKey !== undefined && record.explicitHashKey !== '') {
        message.explicitHashKeyIndex = intern(ehkTable, ehkIndex, record.explicitHashKey);
      }
      message.data = record.data;
      return message;
    }),
  };
  const encoded = AggregatedRecord.encode(AggregatedRecord.fromObject(body)).finish();
  return Buffer.concat([MAGIC, encoded, md5(encoded)]);
}

export interface ReferenceDecoded {
  partitionKeyTable: string[];
  explicitHashKeyTable: string[];
  records: { partitionKeyIndex: number; explicitHashKeyIndex?: number; data: Uint8Array }[];
}

/** Decodes an aggregated record's body with protobufjs (after checking magic and MD5). */
export function referenceDecode(aggregate: Uint8Array): ReferenceDecoded {
  const { AggregatedRecord } = aggregatedRecordSchema();
  if (!Buffer.from(aggregate.subarray(0, 4)).equals(MAGIC)) throw new Error('no magic');
  const body = aggregate.subarray(4, aggregate.length - 16);
  if (!md5(body).equals(aggregate.subarray(aggregate.length - 16))) throw new Error('bad md5');
  const message = AggregatedRecord.decode(body);
  const object = AggregatedRecord.toObject(message, { longs: Number, arrays: true }) as {
    partitionKeyTable: string[];
    explicitHashKeyTable: string[];
    records: { partitionKeyIndex: number; explicitHashKeyIndex?: number; data: Uint8Array }[];
  };
  // protobufjs fills absent optional scalars from the prototype; keep only fields present on the wire.
  const records = object.records.map((record, i) => {
    const raw = (message as unknown as { records: object[] }).records[i] as object;
    const out: { partitionKeyIndex: number; explicitHashKeyIndex?: number; data: Uint8Array } = {
      partitionKeyIndex: record.partitionKeyIndex,
      data: record.data,
    };
    if (Object.hasOwn(raw, 'explicitHashKeyIndex')) out.explicitHashKeyIndex = record.explicitHashKeyIndex as number;
    return out;
  });
  return { partitionKeyTable: object.partitionKeyTable, explicitHashKeyTable: object.explicitHashKeyTable, records };
}

export const MAGIC = Buffer.from('f3899ac2', 'hex');

export function md5(bytes: Uint8Array | string): Buffer {
  return createHash('md5').update(bytes).digest();
}

/** Wraps a protobuf body into a full aggregated record with a correct MD5. */
export function wrapBody(body: Uint8Array): Buffer {
  return Buffer.concat([MAGIC, body, md5(body)]);
}

/** The parts of aws-kinesis-agg 4.2.x the tests use (its own typings import aws-sdk v2). */
export interface AwsKinesisAgg {
  RecordAggregator: new () => {
    addUserRecord(record: { partitionKey: string; explicitHashKey?: string; data: Buffer }): void;
    build(): { partitionKey: string; data: Buffer; ExplicitHashKey?: string };
  };
  deaggregateSync(
    record: { partitionKey: string; sequenceNumber: string; data: string; explicitPartitionKey?: string },
    computeChecksums: boolean,
    callback: (error: Error | null | undefined, records?: AwsUserRecord[]) => void,
  ): void;
}

export interface AwsUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  data: string;
}

export const awsKinesisAgg = createRequire(import.meta.url)('aws-kinesis-agg') as AwsKinesisAgg;

/** deaggregateSync as a plain function: returns the records or throws the error it reports. */
export function awsDeaggregate(aggregate: Uint8Array, partitionKey = 'outer', sequenceNumber = '1'): AwsUserRecord[] {
  let result: AwsUserRecord[] | undefined;
  let failure: Error | undefined;
  awsKinesisAgg.deaggregateSync(
    { partitionKey, sequenceNumber, data: Buffer.from(aggregate).toString('base64') },
    true,
    (error, records) => {
      if (error) failure = error;
      else result = records;
    },
  );
  if (failure !== undefined) throw failure;
  if (result === undefined) throw new Error('deaggregateSync did not call back');
  return result;
}

/** aws-kinesis-agg's encoder: one RecordAggregator, all records, one build(). */
export function awsAggregate(records: readonly TestRecord[]): Buffer {
  const aggregator = new awsKinesisAgg.RecordAggregator();
  for (const record of records) {
    const input: { partitionKey: string; explicitHashKey?: string; data: Buffer } = {
      partitionKey: record.partitionKey,
      data: Buffer.from(record.data),
    };
    if (record.explicitHashKey !== undefined) input.explicitHashKey = record.explicitHashKey;
    aggregator.addUserRecord(input);
  }
  return aggregator.build().data;
}
