import http from 'node:http';
import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker } from '../src/index.js';
import { sequenceSuffix } from '../src/model/sequence-number.js';
import { ShardLog } from '../src/model/shard-log.js';
import { Base64Slice } from '../src/protocol/base64-slice.js';
import { decodePutCbor } from '../src/protocol/cbor-put-decoder.js';
import { decodeCbor, encodeCbor } from '../src/protocol/cbor-wire.js';
import { EpochMs } from '../src/protocol/epoch-ms.js';

const encoder = new Encoder({ useRecords: false, tagUint8Array: false, variableMapSize: true } as ConstructorParameters<
  typeof Encoder
>[0]);

/** The generic decoder's value, or the error it throws. */
function generic(body: Buffer): unknown {
  try {
    return decodeCbor(body);
  } catch (error) {
    return error;
  }
}

/** Buffers as plain byte arrays, so that views and copies compare by content. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const ascii = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.:/'.split('')), maxLength: 40 });
const entry = fc.record(
  {
    PartitionKey: fc.oneof(ascii, fc.string({ maxLength: 10 })),
    Data: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    ExplicitHashKey: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String), ascii),
  },
  { requiredKeys: [] },
);
const putRecords = fc.record(
  {
    StreamName: ascii,
    StreamARN: ascii,
    Records: fc.array(entry, { maxLength: 30 }),
  },
  { requiredKeys: [] },
);
const putRecord = fc.record(
  {
    StreamName: ascii,
    PartitionKey: fc.oneof(ascii, fc.string({ maxLength: 10 })),
    Data: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    ExplicitHashKey: ascii,
    SequenceNumberForOrdering: ascii,
  },
  { requiredKeys: [] },
);

describe('fast CBOR PutRecords/PutRecord decoder', () => {
  it('decodes what the generic decoder decodes, to the same value', () => {
    fc.assert(
      fc.property(fc.oneof(putRecords, putRecord), (input) => {
        const body = encoder.encode(input);
        const op = 'Records' in input ? 'PutRecords' : 'PutRecord';
        const fast = decodePutCbor(body, op);
        const allAscii = !JSON.stringify(input).match(/[^\x20-\x7e]/);
        // Plain shapes with ASCII text always take the fast path.
        if (allAscii) expect(fast).toBeDefined();
        if (fast !== undefined) expect(plain(fast)).toEqual(plain(generic(body)));
      }),
      { numRuns: 500 },
    );
  });

  it('never disagrees with the generic decoder on mutated, truncated or extended bodies', () => {
    fc.assert(
      fc.property(
        putRecords,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.integer({ min: -3, max: 3 }),
        (input, edits, resize) => {
          const original = encoder.encode(input);
          let body = Buffer.from(original);
          for (const [at, byte] of edits) if (body.length > 0) body[at % body.length] = byte;
          if (resize < 0) body = body.subarray(0, Math.max(0, body.length + resize));
          if (resize > 0) body = Buffer.concat([body, Buffer.alloc(resize, 0xf6)]);
          const fast = decodePutCbor(body, 'PutRecords');
          if (fast === undefined) return;
          const slow = generic(body);
          expect(slow).not.toBeInstanceOf(Error);
          expect(plain(fast)).toEqual(plain(slow));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('leaves anything unusual to the generic decoder', () => {
    const ok = encoder.encode({ StreamName: 's', Records: [{ PartitionKey: 'k', Data: Buffer.from([1]) }] });
    expect(decodePutCbor(ok, 'PutRecords')).toBeDefined();
    const cases: Buffer[] = [
      // Indefinite-length map and array.
      Buffer.from([0xbf, 0x6a, ...Buffer.from('StreamName'), 0x61, 0x73, 0xff]),
      Buffer.concat([
        Buffer.from([0xa1, 0x67]),
        Buffer.from('Records'),
        Buffer.from([0x9f, 0xa1, 0x64]),
        Buffer.from('Data'),
        Buffer.from([0x41, 1, 0xff]),
      ]),
      // Duplicate key.
      Buffer.concat([
        Buffer.from([0xa2, 0x6a]),
        Buffer.from('StreamName'),
        Buffer.from([0x61, 0x61, 0x6a]),
        Buffer.from('StreamName'),
        Buffer.from([0x61, 0x62]),
      ]),
      encoder.encode({ StreamName: 's', Extra: 1 }),
      encoder.encode({ StreamName: 1 }),
      encoder.encode({ StreamName: null }),
      encoder.encode({ Records: [{ Data: 'AAAA' }] }),
      encoder.encode({ Records: [{ PartitionKey: 'ké' }] }),
      encoder.encode({ Records: [[]] }),
      encoder.encode([1, 2]),
      Buffer.concat([ok, Buffer.from([0])]),
      ok.subarray(0, ok.length - 1),
    ];
    for (const body of cases) expect(decodePutCbor(body, 'PutRecords')).toBeUndefined();
    expect(decodePutCbor(encoder.encode({ StreamName: 's', Records: [] }), 'PutRecord')).toBeUndefined();
  });
});

/** The GetRecords elements as the generic path built them before the fast writer. */
function genericElements(log: ShardLog, suffix: string, encrypted: boolean): Record<string, unknown>[] {
  return log.readEntries(0, 10_000, Number.MAX_SAFE_INTEGER).entries.map((e) => {
    const r: Record<string, unknown> = {
      SequenceNumber: `49${String(e.counter).padStart(20, '0')}${suffix}`,
      ApproximateArrivalTimestamp: new EpochMs(e.arrival),
      Data: e.data,
      PartitionKey: e.partitionKey,
    };
    if (encrypted) r.EncryptionType = 'KMS';
    return r;
  });
}

describe('fast GetRecords writers', () => {
  it('write byte for byte what the generic CBOR encoder and JSON.stringify write', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
            data: fc.uint8Array({ maxLength: 400 }),
            arrival: fc.integer({ min: 0, max: 2 ** 45 }),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 50 }),
        (records, encrypted, firstCounter) => {
          const log = new ShardLog();
          let arrival = 0;
          records.forEach((r, i) => {
            arrival = Math.max(arrival, r.arrival);
            log.appendBytes(firstCounter + i, arrival, r.key, r.data);
          });
          const suffix = sequenceSuffix(3, 1234567);
          const suffixBytes = Buffer.from(suffix, 'latin1');
          const span = log.span(0, 10_000, Number.MAX_SAFE_INTEGER);
          const elements = genericElements(log, suffix, encrypted);

          const cbor = Buffer.alloc(log.cborSize(span, encrypted));
          expect(log.writeCbor(span, suffixBytes, encrypted, cbor, 0)).toBe(cbor.length);
          const expected = encodeCbor(elements);
          // The generic encoding of the list is an array head followed by the elements.
          expect(cbor.equals(expected.subarray(expected.length - cbor.length))).toBe(true);

          const json = Buffer.alloc(log.jsonSize(span, encrypted));
          expect(log.writeJson(span, suffixBytes, encrypted, json, 0)).toBe(json.length);
          const asJson = elements.map((e) => ({ ...e, Data: Buffer.from(e.Data as Uint8Array).toString('base64') }));
          expect(`[${json.toString('utf8')}]`).toBe(JSON.stringify(asJson));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('CBOR over HTTP without an SDK', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0 });
  });
  afterAll(async () => {
    await broker.close();
  });

  function call(
    op: string,
    body: Buffer,
    type = 'application/x-amz-cbor-1.1',
  ): Promise<{ status: number; raw: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        broker.url,
        {
          method: 'POST',
          headers: { 'content-type': type, 'x-amz-target': `Kinesis_20131202.${op}`, 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Re-encodes a decoded answer generically (tag 1 arrives as a Date at ms * 1000). */
  function reencode(value: unknown): unknown {
    if (value instanceof Date) return new EpochMs(value.getTime() / 1000);
    if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(reencode);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reencode(v)]));
  }

  it('round-trips records, answering exactly what the generic encoder would', async () => {
    expect((await call('CreateStream', encoder.encode({ StreamName: 'fast', ShardCount: 1 }))).status).toBe(200);
    const records = [
      { PartitionKey: 'a', Data: Buffer.from([0, 1, 2, 255]) },
      { PartitionKey: 'ключ', Data: Buffer.alloc(0) },
      { PartitionKey: 'big', Data: Buffer.alloc(1024 * 1024 - 3, 9) },
      { PartitionKey: 'q"\\', Data: Buffer.alloc(70_000, 1) },
    ];
    const put = await call('PutRecords', encoder.encode({ StreamName: 'fast', Records: records }));
    expect(put.status).toBe(200);
    const putAnswer = decodeCbor(put.raw) as { FailedRecordCount: number; Records: { SequenceNumber: string }[] };
    expect(putAnswer.FailedRecordCount).toBe(0);
    expect(put.raw.equals(encodeCbor(reencode(putAnswer)))).toBe(true);

    const it = decodeCbor(
      (
        await call(
          'GetShardIterator',
          encoder.encode({ StreamName: 'fast', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
        )
      ).raw,
    ) as { ShardIterator: string };
    const got = await call('GetRecords', encoder.encode({ ShardIterator: it.ShardIterator }));
    expect(got.status).toBe(200);
    const answer = decodeCbor(got.raw) as {
      Records: { Data: Uint8Array; PartitionKey: string; SequenceNumber: string; ApproximateArrivalTimestamp: Date }[];
    };
    expect(answer.Records.map((r) => r.PartitionKey)).toEqual(records.map((r) => r.PartitionKey));
    answer.Records.forEach((r, i) => {
      expect(Buffer.from(r.Data).equals(records[i]?.Data as Buffer)).toBe(true);
      expect(r.SequenceNumber).toBe(putAnswer.Records[i]?.SequenceNumber);
      expect(Math.abs(r.ApproximateArrivalTimestamp.getTime() / 1000 - Date.now())).toBeLessThan(60_000);
    });
    expect(got.raw.equals(encodeCbor(reencode(answer)))).toBe(true);

    // The same records read as JSON.
    const itJson = JSON.parse(
      (
        await call(
          'GetShardIterator',
          Buffer.from(
            JSON.stringify({ StreamName: 'fast', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
          ),
          'application/x-amz-json-1.1',
        )
      ).raw.toString(),
    ) as { ShardIterator: string };
    const gotJson = await call(
      'GetRecords',
      Buffer.from(JSON.stringify({ ShardIterator: itJson.ShardIterator })),
      'application/x-amz-json-1.1',
    );
    const jsonAnswer = JSON.parse(gotJson.raw.toString('utf8')) as {
      Records: { Data: string; PartitionKey: string }[];
    };
    expect(jsonAnswer.Records.map((r) => [r.PartitionKey, Buffer.from(r.Data, 'base64').length])).toEqual(
      records.map((r) => [r.PartitionKey, r.Data.length]),
    );
  });

  it('answers malformed CBOR with SerializationException, never a 5xx', async () => {
    const valid = encoder.encode({ StreamName: 'fast', Records: [{ PartitionKey: 'k', Data: Buffer.alloc(40, 3) }] });
    const bodies = [
      Buffer.from([0xff]),
      Buffer.from([0xbf]),
      valid.subarray(0, valid.length - 5),
      Buffer.from([0xa1, 0x67, ...Buffer.from('Records'), 0x99, 0xff]),
      Buffer.from([0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    ];
    for (const op of ['PutRecords', 'PutRecord']) {
      for (const body of bodies) {
        const r = await call(op, body);
        expect(r.status).toBe(400);
        expect((decodeCbor(r.raw) as { __type: string }).__type).toBe('SerializationException');
      }
    }
  });
});

it('decodes a large JSON Data slice that turns invalid in a later piece as invalid', () => {
  const text = Buffer.alloc(100_000, 5).toString('base64');
  const broken = `${text.slice(0, 50_000)}!${text.slice(50_001)}`;
  const slice = new Base64Slice(Buffer.from(broken, 'latin1'), 0, broken.length);
  expect(slice.decodedLength).toBe(100_000);
  expect(slice.decodeInto(Buffer.alloc(100_000), 0, 100_000)).toBeLessThan(100_000);
  const good = new Base64Slice(Buffer.from(text, 'latin1'), 0, text.length);
  const out = Buffer.alloc(100_000);
  expect(good.decodeInto(out, 0, 100_000)).toBe(100_000);
  expect(out.equals(Buffer.alloc(100_000, 5))).toBe(true);
});

describe('PutRecords answers with throttled records', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, limits: 'aws', createStreamMs: 0 });
  });
  afterAll(async () => {
    await broker.close();
  });

  function call(op: string, body: Buffer, cbor: boolean): Promise<{ status: number; raw: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        broker.url,
        {
          method: 'POST',
          headers: {
            'content-type': cbor ? 'application/x-amz-cbor-1.1' : 'application/x-amz-json-1.1',
            'x-amz-target': `Kinesis_20131202.${op}`,
            'content-length': body.length,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('encode successes and throttling errors exactly as the generic encoders do', async () => {
    const create = Buffer.from(JSON.stringify({ StreamName: 'slow', ShardCount: 2 }));
    expect((await call('CreateStream', create, false)).status).toBe(200);
    const records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(10, i) }));
    let throttled = 0;
    for (let round = 0; round < 3; round++) {
      const json = await call(
        'PutRecords',
        Buffer.from(
          JSON.stringify({
            StreamName: 'slow',
            Records: records.map((r) => ({ ...r, Data: r.Data.toString('base64') })),
          }),
        ),
        false,
      );
      expect(json.status).toBe(200);
      const parsed = JSON.parse(json.raw.toString('utf8')) as {
        FailedRecordCount: number;
        Records: { ErrorCode?: string; ShardId?: string }[];
      };
      expect(json.raw.toString('utf8')).toBe(JSON.stringify(parsed));
      expect(parsed.Records).toHaveLength(500);
      expect(parsed.Records.filter((r) => r.ErrorCode !== undefined)).toHaveLength(parsed.FailedRecordCount);
      throttled += parsed.FailedRecordCount;

      const cbor = await call('PutRecords', encoder.encode({ StreamName: 'slow', Records: records }), true);
      expect(cbor.status).toBe(200);
      const decoded = decodeCbor(cbor.raw) as { FailedRecordCount: number; Records: unknown[] };
      expect(decoded.Records).toHaveLength(500);
      expect(cbor.raw.equals(encodeCbor(decoded))).toBe(true);
      throttled += decoded.FailedRecordCount;
    }
    // 3,000 records into 2 shards within a moment: the 1,000 records/s per shard limit must bite.
    expect(throttled).toBeGreaterThan(0);
  });
});
