import { hash } from 'node:crypto';
import { nativeCodec } from './native-codec.js';
import type { Shard } from './shard.js';
import type { Stream } from './stream.js';

/**
 * Routes partition keys to shards by MD5. With the native addon loaded, a whole PutRecords is hashed in one
 * call (about half the cost of one crypto.hash call per key); otherwise crypto.hash per key, which beats
 * the pure-TypeScript MD5 of the fallback codec.
 */
export class KeyHasher {
  #bytes = Buffer.allocUnsafe(64 * 1024);
  #offsets = new Uint32Array(501);
  #digests = Buffer.allocUnsafe(500 * 16);

  /** Sets `shards[i]` for every `keys[i]` that is a string (entries left undefined were routed otherwise). */
  route(stream: Stream, keys: readonly (string | undefined)[], shards: Shard[]): void {
    const codec = keys.length > 1 ? nativeCodec() : null;
    if (codec === null) {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        // A latin1 ('binary') string is the cheapest output of crypto.hash; a Buffer costs about three times more.
        if (key !== undefined) shards[i] = stream.routeDigest(hash('md5', key, 'binary'));
      }
      return;
    }
    let count = 0;
    let at = 0;
    if (this.#offsets.length < keys.length + 1) this.#offsets = new Uint32Array(keys.length + 1);
    const offsets = this.#offsets;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      if (this.#bytes.length - at < key.length * 3) {
        const grown = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, at + key.length * 3));
        this.#bytes.copy(grown, 0, 0, at);
        this.#bytes = grown;
      }
      offsets[count] = at;
      at += this.#bytes.write(key, at, 'utf8');
      count++;
    }
    offsets[count] = at;
    if (this.#digests.length < count * 16) this.#digests = Buffer.allocUnsafe(count * 16);
    codec.hashPackedKeys(
      { count, bytes: this.#bytes.subarray(0, at), offsets: offsets.subarray(0, count + 1) },
      this.#digests,
    );
    let d = 0;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === undefined) continue;
      shards[i] = stream.routeDigestBytes(this.#digests, d * 16);
      d++;
    }
  }
}
