// Shared by build-addon.mjs and install.mjs: how to run node-gyp without a network.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The Node prefix whose include/node holds this runtime's headers, if present. */
export function localNodeDir() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/** Path to a node-gyp entry script: our devDependency, else the one npm ships and advertises. */
export function findNodeGyp() {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const fromNpm = process.env.npm_config_node_gyp;
    return fromNpm && existsSync(fromNpm) ? fromNpm : undefined;
  }
}

export function nodeGypArgs(command = 'rebuild') {
  const args = [command, '--release', '-j', 'max'];
  const nodedir = localNodeDir();
  // Headers next to the running binary keep the build offline; without them node-gyp would download.
  if (nodedir !== undefined) args.push(`--nodedir=${nodedir}`);
  return args;
}
