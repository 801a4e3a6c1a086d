import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSequenceNumber, parseSequenceNumber, sequenceSuffix } from '../src/model/sequence-number.js';
import { ShardLog } from '../src/model/shard-log.js';

describe('ShardLog', () => {
  it('returns what was appended, in order, across segment boundaries, and trims by arrival', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ key: fc.string({ minLength: 1, maxLength: 20 }), data: fc.uint8Array({ maxLength: 3000 }) }),
          {
            minLength: 1,
            maxLength: 300,
          },
        ),
        fc.nat(),
        (records, cut) => {
          const log = new ShardLog();
          records.forEach((r, i) => {
            if (i % 2 === 0) log.appendBytes(10 + i * 3, 1000 + i, r.key, r.data);
            else
              expect(
                log.appendBase64(10 + i * 3, 1000 + i, r.key, Buffer.from(r.data).toString('base64'), r.data.length),
              ).toBe(true);
          });
          expect(log.end).toBe(records.length);
          const read = log.readEntries(0, 10_000, Number.MAX_SAFE_INTEGER);
          expect(read.entries.map((e) => [e.partitionKey, Buffer.from(e.data).toString('hex'), e.counter])).toEqual(
            records.map((r, i) => [r.key, Buffer.from(r.data).toString('hex'), 10 + i * 3]),
          );
          const span = log.span(0, 10_000, Number.MAX_SAFE_INTEGER);
          const out = Buffer.alloc(log.jsonSize(span, false));
          const suffix = Buffer.from(sequenceSuffix(0, 1), 'latin1');
          expect(log.writeJson(span, suffix, false, out, 0)).toBe(out.length);
          const json = JSON.parse(`[${out.toString('utf8')}]`) as {
            Data: string;
            PartitionKey: string;
            SequenceNumber: string;
          }[];
          expect(json.map((j) => [j.PartitionKey, Buffer.from(j.Data, 'base64').toString('hex')])).toEqual(
            records.map((r) => [r.key, Buffer.from(r.data).toString('hex')]),
          );
          expect(log.indexOfCounter(11)).toBe(Math.min(1, records.length));
          const drop = cut % (records.length + 1);
          log.trimBefore(1000 + drop);
          expect(log.start).toBe(drop);
          expect(log.readEntries(0, 10_000, Number.MAX_SAFE_INTEGER).entries).toHaveLength(records.length - drop);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects data that is not base64 and rolls back a batch to its mark', () => {
    const log = new ShardLog();
    log.appendBytes(1, 1, 'k', Buffer.from('keep'));
    const mark = log.mark();
    expect(log.appendBase64(2, 2, 'k', 'AAAA', 3)).toBe(true);
    expect(log.appendBase64(3, 3, 'k', 'A$A=', 2)).toBe(false);
    log.truncate(mark);
    expect(log.end).toBe(1);
    expect(log.retainedBytes).toBe(5);
    expect(log.readEntries(0, 10, 100).entries.map((e) => e.data.toString())).toEqual(['keep']);
  });

  it('caps a read by bytes but always returns at least one record', () => {
    const log = new ShardLog();
    for (let i = 0; i < 5; i++) log.appendBytes(i, i, 'k', Buffer.alloc(100));
    expect(log.readEntries(0, 10, 250).entries).toHaveLength(2);
    expect(log.readEntries(0, 10, 10).entries).toHaveLength(1);
    expect(log.readEntries(0, 3, 10_000).next).toBe(3);
  });
});

describe('sequence numbers', () => {
  it('are 56 digits whose string order is counter order, and parse back', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: 99_999 }),
        (a, b, shard) => {
          const suffix = sequenceSuffix(shard, 1795305446625);
          const sa = formatSequenceNumber(a, suffix);
          const sb = formatSequenceNumber(b, suffix);
          expect(sa).toHaveLength(56);
          expect(sa < sb).toBe(a < b);
          expect(parseSequenceNumber(sa)).toEqual({ counter: a, shardIndex: shard, streamToken: 1795305446625 });
        },
      ),
    );
    expect(parseSequenceNumber('12345')).toBeUndefined();
  });
});
