import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { clock } from '../src/pipeline/clock.js';

// The property that matters is V8's representation, so the test asks V8 (the flag only affects
// functions compiled after it is set, such as this one).
setFlagsFromString('--allow-natives-syntax');
const isSmallInteger = new Function('value', 'return %IsSmi(value)') as (value: unknown) => boolean;

describe('clock', () => {
  it('returns whole milliseconds as a small integer, so record timestamps stay unboxed', () => {
    expect(isSmallInteger(Date.now() - 1)).toBe(false);
    const before = clock();
    expect(Number.isInteger(before)).toBe(true);
    expect(isSmallInteger(before)).toBe(true);
    expect(clock()).toBeGreaterThanOrEqual(before);
  });
});
