import { describe, expect, it } from 'vitest';
import { IndexBitmap } from '../../src/bench/index-bitmap.js';
import { forEachPackedIndex, IndexPacker } from '../../src/bench/index-packer.js';
import { LossChecker } from '../../src/bench/loss-checker.js';
import { encodePayload, type PayloadFields, readPayload } from '../../src/bench/record-payload.js';

/** Drives the checker the way the orchestrator does: acked and seen indexes arrive packed, in any order. */
function run(records: number, deliver: (index: number, record: Buffer) => Buffer | null): LossChecker {
  const checker = new LossChecker();
  const acked = new IndexPacker(4);
  const seen = new IndexPacker(4);
  const corrupted: number[] = [];
  const out: PayloadFields = { producerId: 0, index: 0, putTimeNs: 0 };
  for (let i = 0; i < records; i++) {
    acked.push(i);
    const delivered = deliver(i, encodePayload(100, 1, i, i * 1000));
    if (delivered === null) continue;
    if (readPayload(delivered, 0, delivered.length, out) === 'ok') seen.push(out.index);
    else corrupted.push(out.index);
  }
  // Deliveries reported before the acks, as happens when a worker is faster than the producer's ack flush.
  forEachPackedIndex(seen.take(), (i) => checker.consume(i));
  forEachPackedIndex(acked.take(), (i) => checker.acknowledge(i));
  for (const i of corrupted) checker.corrupted(i);
  return checker;
}

describe('LossChecker', () => {
  it('passes a clean run', () => {
    const report = run(10_000, (_, record) => record).report();
    expect(report).toMatchObject({ acknowledged: 10_000, lost: 0, duplicates: 0, corrupted: 0, ok: true });
  });

  it('fails a run with one dropped record and names it', () => {
    const report = run(10_000, (i, record) => (i === 4321 ? null : record)).report();
    expect(report.ok).toBe(false);
    expect(report.lost).toBe(1);
    expect(report.lostSample).toEqual([4321]);
  });

  it('fails a run with one corrupted record, even though its index was seen intact elsewhere', () => {
    const checker = run(1000, (i, record) => {
      if (i === 77) record[50] = (record[50] as number) ^ 0xff;
      return record;
    });
    expect(checker.report()).toMatchObject({ corrupted: 1, corruptedSample: [77], lost: 1, ok: false });
    // A later intact re-delivery repairs the loss but not the corruption: the run still fails.
    checker.consume(77);
    expect(checker.report()).toMatchObject({ corrupted: 1, lost: 0, ok: false });
  });

  it('counts duplicates without failing, and a duplicate cannot hide a lost record', () => {
    const checker = new LossChecker();
    for (let i = 0; i < 4; i++) checker.acknowledge(i);
    checker.consume(0);
    checker.consume(1);
    checker.consume(1);
    checker.consume(2);
    expect(checker.pending).toBe(1);
    expect(checker.report()).toMatchObject({ delivered: 4, uniqueConsumed: 3, duplicates: 1, lost: 1, ok: false });
    checker.consume(3);
    expect(checker.report()).toMatchObject({ duplicates: 1, lost: 0, ok: true });
  });

  it('accepts records delivered without an acknowledgement (an ambiguous put that landed)', () => {
    const checker = new LossChecker();
    checker.acknowledge(0);
    checker.consume(0);
    checker.consume(1);
    expect(checker.report()).toMatchObject({ lost: 0, unacknowledgedConsumed: 1, ok: true });
  });
});

describe('IndexBitmap', () => {
  it('grows to high indexes and visits members in order', () => {
    const bitmap = new IndexBitmap();
    for (const i of [5, 0, 9_000_000, 8_388_607, 8_388_608]) expect(bitmap.add(i)).toBe(true);
    expect(bitmap.add(5)).toBe(false);
    expect(bitmap.size).toBe(5);
    expect(bitmap.has(9_000_000)).toBe(true);
    expect(bitmap.has(9_000_001)).toBe(false);
    const visited: number[] = [];
    bitmap.each((i) => visited.push(i));
    expect(visited).toEqual([0, 5, 8_388_607, 8_388_608, 9_000_000]);
  });
});

describe('IndexPacker', () => {
  it('packs 4 bytes per index and starts over after take()', () => {
    const packer = new IndexPacker(2);
    for (const i of [1, 0xffff_ffff, 3]) packer.push(i);
    const packed = packer.take();
    expect(packed.byteLength).toBe(12);
    const out: number[] = [];
    forEachPackedIndex(packed, (i) => out.push(i));
    expect(out).toEqual([1, 0xffff_ffff, 3]);
    expect(packer.take().byteLength).toBe(0);
  });

  it('reads packed indexes at an unaligned offset', () => {
    const packer = new IndexPacker();
    packer.push(258);
    const shifted = new Uint8Array(5);
    shifted.set(packer.take(), 1);
    const out: number[] = [];
    forEachPackedIndex(shifted.subarray(1), (i) => out.push(i));
    expect(out).toEqual([258]);
  });
});
