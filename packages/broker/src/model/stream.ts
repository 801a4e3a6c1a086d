import type { Shard } from './shard.js';

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

export interface StreamInit {
  readonly name: string;
  readonly arn: string;
  readonly createdMs: number;
  readonly mode: StreamMode;
  readonly maxRecordSizeKiB: number;
}

/** One stream: its control-plane state and all its shards, open and closed, in shard-index order. */
export class Stream {
  readonly name: string;
  readonly arn: string;
  readonly createdMs: number;
  status: StreamStatus = 'CREATING';
  mode: StreamMode;
  retentionHours = 24;
  encryptionType: 'NONE' | 'KMS' = 'NONE';
  keyId: string | undefined;
  maxRecordSizeKiB: number;
  shardLevelMetrics: string[] = [];
  readonly tags = new Map<string, string>();
  readonly shards: Shard[] = [];
  /** Times of UpdateShardCount calls, for the 10-per-24-hours limit. */
  readonly scalings: number[] = [];
  #open: Shard[] = [];
  #openHigh = new Float64Array(0);

  constructor(init: StreamInit) {
    this.name = init.name;
    this.arn = init.arn;
    this.createdMs = init.createdMs;
    this.mode = init.mode;
    this.maxRecordSizeKiB = init.maxRecordSizeKiB;
  }

  /** Reads and writes are served in ACTIVE and UPDATING, as on AWS. */
  get writable(): boolean {
    return this.status === 'ACTIVE' || this.status === 'UPDATING';
  }

  get nextShardIndex(): number {
    return this.shards.length;
  }

  get openShards(): readonly Shard[] {
    return this.#open;
  }

  shard(shardId: string): Shard | undefined {
    const m = /^shardId-(\d{1,12})$/.exec(shardId) ?? /^(\d{1,12})$/.exec(shardId);
    if (m === null) return undefined;
    const shard = this.shards[Number(m[1])];
    return shard;
  }

  addShard(shard: Shard): void {
    this.shards[shard.index] = shard;
    this.reindex();
  }

  /** Rebuilds the routing table after shards opened or closed. */
  reindex(): void {
    this.#open = this.shards.filter((s) => s.open).sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1));
    this.#openHigh = Float64Array.from(this.#open, (s) => s.startHigh);
  }

  /** The open shard owning the hash key given as a 16-character latin1 string (an MD5 digest). */
  routeDigest(digest: string): Shard {
    const high =
      digest.charCodeAt(0) * 0x100_0000_0000 +
      digest.charCodeAt(1) * 0x1_0000_0000 +
      (((digest.charCodeAt(2) << 24) |
        (digest.charCodeAt(3) << 16) |
        (digest.charCodeAt(4) << 8) |
        digest.charCodeAt(5)) >>>
        0);
    const starts = this.#openHigh;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= high) lo = mid;
      else hi = mid - 1;
    }
    // Only when the top 48 bits equal a shard's start does the full key decide.
    if (lo > 0 && starts[lo] === high) {
      return this.routeKey(BigInt(`0x${Buffer.from(digest, 'latin1').toString('hex')}`));
    }
    return this.#open[lo] as Shard;
  }

  /** The open shard owning the 16 big-endian hash-key bytes at `offset` of `digests`. */
  routeDigestBytes(digests: Buffer, offset: number): Shard {
    const high = digests.readUIntBE(offset, 6);
    const starts = this.#openHigh;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= high) lo = mid;
      else hi = mid - 1;
    }
    if (lo > 0 && starts[lo] === high) {
      return this.routeKey((digests.readBigUInt64BE(offset) << 64n) | digests.readBigUInt64BE(offset + 8));
    }
    return this.#open[lo] as Shard;
  }

  routeKey(key: bigint): Shard {
    const open = this.#open;
    let lo = 0;
    let hi = open.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((open[mid] as Shard).startingHashKey <= key) lo = mid;
      else hi = mid - 1;
    }
    return open[lo] as Shard;
  }
}
