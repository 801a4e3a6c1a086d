import { createHash, subtle } from 'node:crypto';

/**
 * Bodies from this size on are digested on libuv's thread pool. A PutRecords body of aggregates is
 * megabytes, and its SigV4 SHA-256 would otherwise run on the thread that also serves put(): WebCrypto
 * copies the bytes (0.5 ms for 4 MiB on our VM, against 3.1 ms for the SHA-NI digest) and hashes them
 * elsewhere. Smaller bodies are cheaper to hash here than to hand over.
 */
const OFF_THREAD_BYTES = 64 * 1024;

/**
 * The hex SHA-256 of a request body, for the x-amz-content-sha256 header and the signature. `offThread`
 * false hashes here whatever the size: on a thread that serves no put(), the copy would be pure cost.
 */
export async function bodySha256Hex(body: Uint8Array, offThread = true): Promise<string> {
  if (!offThread || body.length < OFF_THREAD_BYTES) return createHash('sha256').update(body).digest('hex');
  const digest = await subtle.digest('SHA-256', body);
  return Buffer.from(digest).toString('hex');
}
