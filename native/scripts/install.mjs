// Install hook: never fails the install. A matching prebuild needs no compiler; otherwise try a local
// build, and if that is impossible the loader falls back to the TypeScript implementation at run time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp, nodeGypArgs } from './gyp-args.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const musl = process.report?.getReport?.().header?.glibcVersionRuntime === undefined && process.platform === 'linux';
const tag = `${process.platform}-${process.arch}${musl ? '-musl' : ''}`;

if (process.env.SHARDLINE_NATIVE === '0') process.exit(0);
if (existsSync(join(root, 'prebuilds', tag, 'shardline_native.node'))) process.exit(0);
if (!existsSync(join(root, 'binding.gyp'))) process.exit(0);
const gyp = findNodeGyp();
if (gyp === undefined) {
  console.warn('@shardline/native: no prebuild for %s and no node-gyp; the TypeScript codec will be used', tag);
  process.exit(0);
}
const result = spawnSync(process.execPath, [gyp, ...nodeGypArgs()], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.warn('@shardline/native: local build failed; the TypeScript codec will be used (identical output, slower)');
}
process.exit(0);
