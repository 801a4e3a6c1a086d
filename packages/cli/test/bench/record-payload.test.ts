import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { payloadChecksum } from '../../src/bench/payload-checksum.js';
import {
  encodePayload,
  fillPayloadTemplate,
  PAYLOAD_MIN_BYTES,
  type PayloadFields,
  readPayload,
  stampPayload,
} from '../../src/bench/record-payload.js';

const fields = (): PayloadFields => ({ producerId: 0, index: 0, putTimeNs: 0 });

describe('record payload', () => {
  it('round-trips identity and put time for any size, index and time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: PAYLOAD_MIN_BYTES, max: 2048 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (size, producerId, index, putTimeNs) => {
          const out = fields();
          expect(readPayload(encodePayload(size, producerId, index, putTimeNs), 0, size, out)).toBe('ok');
          expect(out).toEqual({ producerId, index, putTimeNs });
        },
      ),
    );
  });

  it('detects any single flipped bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: PAYLOAD_MIN_BYTES, max: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (size, at, bit) => {
          const record = encodePayload(size, 1, 12345, 1e15);
          const position = at % size;
          record[position] = (record[position] as number) ^ (1 << bit);
          expect(readPayload(record, 0, size, fields())).toBe('corrupted');
        },
      ),
    );
  });

  it('rejects truncated records and foreign data', () => {
    const record = encodePayload(100, 1, 7, 1);
    expect(readPayload(record, 0, 99, fields())).toBe('corrupted');
    const out = fields();
    expect(readPayload(Buffer.from('hello'), 0, 5, out)).toBe('corrupted');
    expect(out.index).toBe(-1);
  });

  it('stamps records in place inside a shared slab', () => {
    const size = 64;
    const slab = Buffer.alloc(size * 3);
    fillPayloadTemplate(slab, 0, size, 3);
    for (let i = 0; i < 3; i++) stampPayload(slab, i * size, size, 2, 100 + i, 5000 + i);
    const out = fields();
    for (let i = 0; i < 3; i++) {
      expect(readPayload(slab.subarray(i * size, (i + 1) * size), 0, size, out)).toBe('ok');
      expect(out).toEqual({ producerId: 2, index: 100 + i, putTimeNs: 5000 + i });
      expect(readPayload(slab, i * size, (i + 1) * size, out)).toBe('ok');
    }
  });

  it('checksums depend on every byte and on the length', () => {
    const bytes = Buffer.from('the quick brown fox jumps');
    const base = payloadChecksum(bytes, 0, bytes.length);
    expect(payloadChecksum(bytes, 0, bytes.length - 1)).not.toBe(base);
    expect(payloadChecksum(bytes, 1, bytes.length)).not.toBe(base);
    expect(payloadChecksum(Buffer.from(bytes), 0, bytes.length)).toBe(base);
  });
});
