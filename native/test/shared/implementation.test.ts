import { codecInfo, getCodec } from '@shardline/native';
import { describe, expect, it } from 'vitest';
import { expectedImplementation } from '../support/expected-implementation.js';

describe('active codec', () => {
  it('is the implementation this project selects', () => {
    const expected = expectedImplementation();
    expect(getCodec().implementation).toBe(expected);
    const info = codecInfo();
    expect(info.implementation).toBe(expected);
    if (expected === 'native') {
      expect(info.source).toMatch(/shardline_native\.node$/);
    } else {
      expect(info.source).toBeUndefined();
      expect(info.disabled).toBe(true);
      expect(info.fallbackReasons).toEqual([]);
    }
  });

  it('is loaded once and memoized', () => {
    expect(getCodec()).toBe(getCodec());
  });
});
