import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, InvalidConfigError, NativeLoadError, typescriptCodec } from '@shardline/core';
import { codecInfo, FALLBACK_WARNING_CODE, loadCodec } from '@shardline/native';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { platformTag } from '../lib/platform-tag.js';
import { LOCAL_BUILD } from './support/native-paths.js';

describe('loadCodec', () => {
  let dir: string;
  let warn: ReturnType<typeof vi.spyOn>;
  const env = {};

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shardline-native-load-'));
    warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  });
  afterEach(() => {
    warn.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  const prebuildDir = () => join(dir, 'prebuilds', platformTag());
  const buildDir = () => join(dir, 'build', 'Release');

  it('falls back to the TypeScript codec with one warning listing every candidate', () => {
    const codec = loadCodec({ env, packageRoot: dir });
    expect(codec).toBe(typescriptCodec);
    expect(warn).toHaveBeenCalledTimes(1);
    const [message, options] = warn.mock.calls[0] as [string, { code: string }];
    expect(options.code).toBe(FALLBACK_WARNING_CODE);
    expect(message).toContain(join(prebuildDir(), 'shardline_native.node'));
    expect(message).toContain(join(buildDir(), 'shardline_native.node'));
    const info = codecInfo(codec);
    expect(info.implementation).toBe('typescript');
    expect(info.disabled).toBe(false);
    expect(info.fallbackReasons.map((a) => a.reason)).toEqual(['not found', 'not found']);
  });

  it('loads the prebuild for this platform first', () => {
    mkdirSync(prebuildDir(), { recursive: true });
    copyFileSync(LOCAL_BUILD, join(prebuildDir(), 'shardline_native.node'));
    const codec = loadCodec({ env, packageRoot: dir });
    expect(codec.implementation).toBe('native');
    expect(codecInfo(codec).source).toBe(join(prebuildDir(), 'shardline_native.node'));
    expect(warn).not.toHaveBeenCalled();
  });

  it('skips a broken prebuild for the local build and records why', () => {
    mkdirSync(prebuildDir(), { recursive: true });
    writeFileSync(join(prebuildDir(), 'shardline_native.node'), 'not a shared object');
    mkdirSync(buildDir(), { recursive: true });
    copyFileSync(LOCAL_BUILD, join(buildDir(), 'shardline_native.node'));
    const codec = loadCodec({ env, packageRoot: dir });
    const info = codecInfo(codec);
    expect(info.implementation).toBe('native');
    expect(info.source).toBe(join(buildDir(), 'shardline_native.node'));
    expect(info.fallbackReasons).toHaveLength(1);
    expect(info.fallbackReasons[0]?.reason).toMatch(/^failed to load/);
    expect(warn).not.toHaveBeenCalled();
  });

  it('uses an explicit nativeBinding and throws NativeLoadError when it cannot be loaded', () => {
    expect(loadCodec({ env, nativeBinding: LOCAL_BUILD, packageRoot: dir }).implementation).toBe('native');
    const missing = join(dir, 'missing.node');
    try {
      loadCodec({ env, nativeBinding: missing, packageRoot: dir });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NativeLoadError);
      expect((error as NativeLoadError).code).toBe(ErrorCodes.NATIVE_LOAD);
      expect((error as NativeLoadError).attempts).toEqual([
        { source: `${missing} (nativeBinding option)`, reason: 'not found' },
      ]);
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('honours SHARDLINE_NATIVE_BINDING, failing loudly too', () => {
    expect(loadCodec({ env: { SHARDLINE_NATIVE_BINDING: LOCAL_BUILD }, packageRoot: dir }).implementation).toBe(
      'native',
    );
    const junk = join(dir, 'junk.node');
    writeFileSync(junk, 'junk');
    expect(() => loadCodec({ env: { SHARDLINE_NATIVE_BINDING: junk }, packageRoot: dir })).toThrow(NativeLoadError);
  });

  it('refuses a module with the wrong shape or ABI', () => {
    const fake = join(dir, 'fake.cjs');
    const fns =
      'hashPackedKeys(){}, hashMessages(){}, hashRanges(){}, aggregateSize(){}, encodeAggregate(){}, encodeAggregates(){}, lookupShards(){}, base64Encode(){}, base64Decode(){}, retainFreedMemory(){}';
    writeFileSync(fake, `module.exports = { abi: 1, ${fns} };`);
    expect(() => loadCodec({ env, nativeBinding: fake })).toThrow(/binding ABI 1/);
    const wrongHash = join(dir, 'wrong-hash.cjs');
    writeFileSync(wrongHash, `module.exports = { abi: 4, ${fns} };`);
    expect(() => loadCodec({ env, nativeBinding: wrongHash })).toThrow(/self-test/);
    const partial = join(dir, 'partial.cjs');
    writeFileSync(partial, 'module.exports = { abi: 4 };');
    expect(() => loadCodec({ env, nativeBinding: partial })).toThrow(/hashPackedKeys/);
    // A binary from before encodeAggregates (ABI 1's five functions) is refused by name.
    const older = join(dir, 'older.cjs');
    writeFileSync(
      older,
      'module.exports = { abi: 3, hashPackedKeys(){}, hashMessages(){}, hashRanges(){}, aggregateSize(){}, encodeAggregate(){}, lookupShards(){}, base64Encode(){} };',
    );
    expect(() => loadCodec({ env, nativeBinding: older })).toThrow(/encodeAggregates/);
    // An ABI 2 binary has no retainFreedMemory and is refused by name.
    const abi2 = join(dir, 'abi2.cjs');
    writeFileSync(abi2, `module.exports = { abi: 2, ${fns.replace(', retainFreedMemory(){}', '')} };`);
    expect(() => loadCodec({ env, nativeBinding: abi2 })).toThrow(/retainFreedMemory/);
    // An ABI 3 binary has no base64Decode and is refused by name.
    const abi3 = join(dir, 'abi3.cjs');
    writeFileSync(abi3, `module.exports = { abi: 3, ${fns.replace(' base64Decode(){},', '')} };`);
    expect(() => loadCodec({ env, nativeBinding: abi3 })).toThrow(/base64Decode/);
  });

  it('SHARDLINE_NATIVE=0 selects the TypeScript codec silently, even over an explicit binding', () => {
    const codec = loadCodec({ env: { SHARDLINE_NATIVE: '0', SHARDLINE_NATIVE_BINDING: join(dir, 'x.node') } });
    expect(codec).toBe(typescriptCodec);
    expect(codecInfo(codec).disabled).toBe(true);
    expect(loadCodec({ env: { SHARDLINE_NATIVE: '0' }, nativeBinding: LOCAL_BUILD })).toBe(typescriptCodec);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('loadCodec options', () => {
  it('rejects invalid options with InvalidConfigError', () => {
    const bad = (options: unknown) => () => loadCodec(options as Parameters<typeof loadCodec>[0]);
    expect(bad({ nativeBinding: 5 })).toThrow(InvalidConfigError);
    expect(bad({ nativeBinding: '' })).toThrow(InvalidConfigError);
    expect(bad({ packageRoot: {} })).toThrow(InvalidConfigError);
    expect(bad({ env: 'SHARDLINE_NATIVE=0' })).toThrow(InvalidConfigError);
    expect(bad(null)).toThrow(InvalidConfigError);
  });
});
