// Development build of the addon (pnpm build). Fails loudly: in this repository a compiler is expected.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp, nodeGypArgs } from './gyp-args.mjs';

if (process.env.SHARDLINE_NATIVE === '0') {
  console.log('@shardline/native: SHARDLINE_NATIVE=0, skipping the C++ build');
  process.exit(0);
}
const gyp = findNodeGyp();
if (gyp === undefined) {
  console.error('@shardline/native: node-gyp not found; run pnpm install first');
  process.exit(1);
}
const cwd = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync(process.execPath, [gyp, ...nodeGypArgs()], { cwd, stdio: 'inherit' });
process.exit(result.status ?? 1);
