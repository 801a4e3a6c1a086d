import { readFile } from 'node:fs/promises';
import { CredentialsError } from '../errors/credentials-error.js';
import type { BrokerCredential } from '../options/broker-options.js';

/**
 * Reads a credentials file: a JSON array of { accessKeyId, secretAccessKey, readOnly?, streams? }.
 * Errors name the file and the entry, never a secret.
 */
export async function loadCredentialsFile(path: string): Promise<BrokerCredential[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CredentialsError(
      `cannot read credentials file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CredentialsError(`credentials file ${path} is not valid JSON`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new CredentialsError(`credentials file ${path} must hold a non-empty JSON array`);
  }
  return parsed.map((entry: unknown, i): BrokerCredential => {
    const e = entry as Record<string, unknown>;
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.accessKeyId !== 'string' ||
      e.accessKeyId === '' ||
      typeof e.secretAccessKey !== 'string' ||
      e.secretAccessKey === ''
    ) {
      throw new CredentialsError(`credentials file ${path}: entry ${i} needs accessKeyId and secretAccessKey strings`);
    }
    if (e.readOnly !== undefined && typeof e.readOnly !== 'boolean') {
      throw new CredentialsError(`credentials file ${path}: entry ${i} readOnly must be a boolean`);
    }
    if (e.streams !== undefined && (!Array.isArray(e.streams) || !e.streams.every((s) => typeof s === 'string'))) {
      throw new CredentialsError(`credentials file ${path}: entry ${i} streams must be an array of stream names`);
    }
    return {
      accessKeyId: e.accessKeyId,
      secretAccessKey: e.secretAccessKey,
      ...(e.readOnly === undefined ? {} : { readOnly: e.readOnly as boolean }),
      ...(e.streams === undefined ? {} : { streams: e.streams as string[] }),
    };
  });
}
