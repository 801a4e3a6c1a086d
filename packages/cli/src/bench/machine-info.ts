import { readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { codecInfo } from '@shardline/native';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly versions: Readonly<Record<string, string>>;
  /** The codec the producer and consumers load here: the C++ addon or the TypeScript fallback. */
  readonly codec: 'native' | 'typescript' | 'unknown';
}

function packageVersion(name: string): string {
  try {
    const url = import.meta.resolve(`${name}/package.json`);
    const json = JSON.parse(readFileSync(new URL(url), 'utf8')) as { version?: unknown };
    return typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function codecImplementation(): 'native' | 'typescript' | 'unknown' {
  try {
    return codecInfo().implementation;
  } catch {
    return 'unknown';
  }
}

/** What a reader needs to judge figures: results from different machines are never put in one table. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  const versions: Record<string, string> = {};
  for (const name of [
    '@shardline/cli',
    '@shardline/core',
    '@shardline/native',
    '@shardline/broker',
    '@shardline/producer',
    '@shardline/consumer',
  ]) {
    versions[name] = packageVersion(name);
  }
  return Object.freeze({
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${platform()} ${release()} ${process.arch}`,
    versions: Object.freeze(versions),
    codec: codecImplementation(),
  });
}

/** A stable key: two results are comparable side by side only when these match. */
export function machineKey(info: MachineInfo): string {
  return `${info.cpuModel} x${info.cores}, ${Math.round(info.memoryBytes / 2 ** 30)} GiB, ${info.node}`;
}
