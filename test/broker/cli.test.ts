import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { ListStreamsCommand } from '../../packages/broker/test/helpers/aws-sdk.js';
import { errorName, sdkClient } from './sdk-client.js';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin/shardline.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shardline-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('rejects bad options with one line and exit code 2', () => {
  for (const args of [
    ['--limits', 'sometimes'],
    ['--port', 'x'],
    ['--bogus'],
    ['--fsync', 'always'],
    ['--credentials', join(dir, 'missing.json')],
    ['--max-retained-mib', '-5'],
    ['--max-retained-mib', '64', '--data-dir', dir],
  ]) {
    const r = spawnSync(process.execPath, [CLI, 'broker', ...args], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^shardline broker: /);
  }
  const help = spawnSync(process.execPath, [CLI, 'broker', '--help'], { encoding: 'utf8', timeout: 10_000 });
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('--data-dir');
});

it('starts with credentials and TLS, prints one line with the endpoints, and stops cleanly on SIGTERM', async () => {
  const credentials = join(dir, 'creds.json');
  writeFileSync(credentials, JSON.stringify([{ accessKeyId: 'AKIDCLI', secretAccessKey: 'cli-secret' }]));
  const child = spawn(
    process.execPath,
    [
      CLI,
      'broker',
      '--port',
      '0',
      '--tls',
      '--tls-port',
      '0',
      '--credentials',
      credentials,
      '--max-retained-mib',
      '64',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    expect(line.trim().split('\n')).toHaveLength(1);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1] ?? '';
    expect(line).toMatch(/https:\/\/127\.0\.0\.1:\d+/);
    expect(line).toContain('in memory, at most 64 MiB of records');
    const good = sdkClient(url, { http1: true, accessKeyId: 'AKIDCLI', secretAccessKey: 'cli-secret' });
    const bad = sdkClient(url, { http1: true, accessKeyId: 'AKIDCLI', secretAccessKey: 'nope' });
    expect(await errorName(good.send(new ListStreamsCommand({})))).toBe('no error');
    expect(await errorName(bad.send(new ListStreamsCommand({})))).toBe('InvalidSignatureException');
    good.destroy();
    bad.destroy();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  expect(child.exitCode).toBe(0);
});
