import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const MAC_LENGTH = 16;

/**
 * Opaque, tamper-evident tokens (shard iterators, ListShards/ListStreams next tokens): a JSON payload
 * and a truncated HMAC-SHA256 under a key made at start, so tokens from another broker run are rejected.
 */
export class SealedTokens {
  readonly #key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.#key = key;
  }

  #mac(kind: string, payload: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(kind).update(payload).digest().subarray(0, MAC_LENGTH);
  }

  seal(kind: string, fields: readonly (string | number)[]): string {
    const payload = Buffer.from(JSON.stringify(fields), 'utf8');
    return Buffer.concat([payload, this.#mac(kind, payload)]).toString('base64');
  }

  /** The fields, or undefined when the token is malformed, forged or of another kind. */
  open(kind: string, token: string): unknown[] | undefined {
    if (token.length < 24 || token.length > 4096) return undefined;
    const raw = Buffer.from(token, 'base64');
    if (raw.length <= MAC_LENGTH) return undefined;
    const payload = raw.subarray(0, raw.length - MAC_LENGTH);
    const mac = raw.subarray(raw.length - MAC_LENGTH);
    if (!timingSafeEqual(mac, this.#mac(kind, payload))) return undefined;
    try {
      const fields: unknown = JSON.parse(payload.toString('utf8'));
      return Array.isArray(fields) ? fields : undefined;
    } catch {
      return undefined;
    }
  }
}
