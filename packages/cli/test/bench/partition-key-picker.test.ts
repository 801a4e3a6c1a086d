import { describe, expect, it } from 'vitest';
import {
  formatPartitionKeySpec,
  PartitionKeyPicker,
  parsePartitionKeySpec,
} from '../../src/bench/partition-key-picker.js';

describe('PartitionKeyPicker', () => {
  it('spreads uniform picks over every key', () => {
    const picker = new PartitionKeyPicker(parsePartitionKeySpec('uniform:10'));
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const index = picker.nextIndex();
      counts[index] = (counts[index] ?? 0) + 1;
    }
    for (const n of counts) expect(n).toBeGreaterThan(9_000);
    for (const n of counts) expect(n).toBeLessThan(11_000);
  });

  it('skews zipf picks towards the first keys (weight 1/k^s)', () => {
    const picker = new PartitionKeyPicker(parsePartitionKeySpec('zipf:100:1'));
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 200_000; i++) {
      const index = picker.nextIndex();
      counts[index] = (counts[index] ?? 0) + 1;
    }
    // With s = 1, key 1 is picked twice as often as key 2 and ten times as often as key 10.
    expect((counts[0] as number) / (counts[1] as number)).toBeCloseTo(2, 0);
    expect((counts[0] as number) / (counts[9] as number)).toBeGreaterThan(7);
    expect((counts[0] as number) / (counts[9] as number)).toBeLessThan(13);
  });

  it('is deterministic for a seed and names keys pk-N', () => {
    const a = new PartitionKeyPicker(parsePartitionKeySpec('1000'), 42);
    const b = new PartitionKeyPicker(parsePartitionKeySpec('1000'), 42);
    const keys = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(keys);
    for (const key of keys) expect(key).toMatch(/^pk-\d+$/);
  });

  it('formats a spec back to its option form', () => {
    expect(formatPartitionKeySpec(parsePartitionKeySpec('7'))).toBe('uniform:7');
    expect(formatPartitionKeySpec(parsePartitionKeySpec('zipf:7'))).toBe('zipf:7:1');
  });
});
