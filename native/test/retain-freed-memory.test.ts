import { execFileSync } from 'node:child_process';
import { InvalidArgumentError } from '@shardline/core';
import { describe, expect, it } from 'vitest';
import { retainFreedMemory } from '../lib/index.js';

const DIST = new URL('../dist/index.js', import.meta.url).href;
const glibc = process.platform === 'linux' && hasGlibc();

function hasGlibc(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return typeof report?.header?.glibcVersionRuntime === 'string';
}

/**
 * Page faults of a child process while it fills 48 one-MiB buffers a second time, after the first 48 were
 * filled, dropped and collected: memory the allocator kept is not faulted in again.
 */
function refillFaults(retain: boolean): number {
  const script = `
    const { retainFreedMemory } = await import(${JSON.stringify(DIST)});
    if (${retain} && !retainFreedMemory(256 * 1024 * 1024)) throw new Error('not applied');
    const fill = () => { const kept = []; for (let i = 0; i < 48; i++) kept.push(Buffer.allocUnsafeSlow(1 << 20).fill(1)); return kept; };
    let kept = fill();
    kept = undefined;
    for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
    const before = process.resourceUsage().minorPageFault;
    kept = fill();
    process.stdout.write(String(process.resourceUsage().minorPageFault - before));
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, SHARDLINE_NATIVE: '' },
  });
  return Number(out);
}

describe('retainFreedMemory', () => {
  it('refuses anything but a byte count glibc can take', () => {
    for (const bad of [-1, 1.5, 2 ** 31, Number.NaN, '1' as unknown as number]) {
      expect(() => retainFreedMemory(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('applies with the native addon on glibc and reports false elsewhere', () => {
    const applies = process.env.SHARDLINE_NATIVE !== '0' && glibc;
    expect(retainFreedMemory(64 * 1024 * 1024)).toBe(applies);
  });

  it.runIf(glibc)('freed megabytes are reused instead of faulted in again', () => {
    const pages = (48 * 1024 * 1024) / 4096;
    // The control shows the test can tell: glibc's defaults give the pages back and fault them in again.
    expect(refillFaults(false)).toBeGreaterThan(pages / 2);
    expect(refillFaults(true)).toBeLessThan(pages / 8);
  });
});
