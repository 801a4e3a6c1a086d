import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../errors/storage-error.js';
import type { BrokerState, StorageHooks } from '../model/broker-state.js';
import { streamTokenOf } from '../model/sequence-number.js';
import { Shard } from '../model/shard.js';
import { Stream, type StreamMode, type StreamStatus } from '../model/stream.js';
import { crc32 } from './crc32.js';

/** Per-record header: payload length, key length, magic, counter, arrival, CRC-32 of the rest. */
const HEADER = 28;
const MAGIC = 0x5348;
/** A log is rewritten when this much of it (and more than its live part) has left retention. */
const COMPACT_MIN_DEAD = 64 * 1024 * 1024;
const META_FILE = 'meta.json';

interface ShardMeta {
  index: number;
  parent: string | null;
  adjacent: string | null;
  start: string;
  end: string;
  startingCounter: number;
  endingCounter: number | null;
  createdMs: number;
  closedMs: number | null;
}

interface StreamMeta {
  name: string;
  createdMs: number;
  status: StreamStatus;
  mode: StreamMode;
  retentionHours: number;
  encryptionType: 'NONE' | 'KMS';
  keyId: string | null;
  maxRecordSizeKiB: number;
  shardLevelMetrics: string[];
  tags: [string, string][];
  shards: ShardMeta[];
}

interface Meta {
  version: 1;
  counter: number;
  streams: StreamMeta[];
}

interface OpenLog {
  fd: number;
  /** Bytes in the file, for deciding when to compact. */
  size: number;
  dirty: boolean;
}

function streamDir(stream: { name: string; createdMs: number }): string {
  return `${stream.createdMs}-${stream.name}`;
}

/**
 * Durable storage: one append-only log per shard plus a metadata snapshot written atomically on every
 * control-plane change. Records are written (write(2)) before the request is acknowledged, so they
 * survive a crash of the broker process in every fsync mode; `fsync` decides what survives a crash of
 * the machine.
 */
export class DataDirStore implements StorageHooks {
  readonly #dir: string;
  readonly #state: BrokerState;
  readonly #logs = new Map<Shard, OpenLog>();
  #closed = false;

  private constructor(dir: string, state: BrokerState) {
    this.#dir = dir;
    this.#state = state;
  }

  /** Opens (creating if needed) `dir` and loads every stream and retained record into `state`. */
  static async open(dir: string, state: BrokerState): Promise<DataDirStore> {
    const store = new DataDirStore(dir, state);
    try {
      mkdirSync(join(dir, 'logs'), { recursive: true });
      store.#recover();
    } catch (error) {
      store.#closeFiles();
      if (error instanceof StorageError) throw error;
      throw new StorageError(`cannot open data directory ${dir}: ${(error as Error).message}`, { cause: error });
    }
    if (state.options.fsync === 'interval') state.every(state.options.fsyncIntervalMs, () => store.#syncDirty());
    return store;
  }

  #recover(): void {
    const metaPath = join(this.#dir, META_FILE);
    if (!existsSync(metaPath)) {
      this.#writeMeta();
      return;
    }
    let meta: Meta;
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
    } catch (error) {
      throw new StorageError(`data directory metadata ${metaPath} is unreadable`, { cause: error });
    }
    if (meta.version !== 1 || !Array.isArray(meta.streams))
      throw new StorageError(`unknown metadata format in ${metaPath}`);
    const state = this.#state;
    state.raiseCounter(meta.counter);
    const now = state.now();
    for (const m of meta.streams) {
      if (m.status === 'DELETING') continue;
      const stream = new Stream({
        name: m.name,
        arn: state.arn(m.name),
        createdMs: m.createdMs,
        mode: m.mode,
        maxRecordSizeKiB: m.maxRecordSizeKiB,
      });
      // A status change pending at the crash is finished now: the stream comes back ACTIVE.
      stream.status = 'ACTIVE';
      stream.retentionHours = m.retentionHours;
      stream.encryptionType = m.encryptionType;
      stream.keyId = m.keyId ?? undefined;
      stream.shardLevelMetrics = m.shardLevelMetrics;
      for (const [k, v] of m.tags) stream.tags.set(k, v);
      const cutoff = now - m.retentionHours * 3_600_000;
      for (const s of m.shards) {
        const shard = new Shard({
          index: s.index,
          startingHashKey: BigInt(s.start),
          endingHashKey: BigInt(s.end),
          parentShardId: s.parent ?? undefined,
          adjacentParentShardId: s.adjacent ?? undefined,
          startingCounter: s.startingCounter,
          createdMs: s.createdMs,
          streamToken: streamTokenOf(m.createdMs),
        });
        shard.endingCounter = s.endingCounter ?? undefined;
        shard.closedMs = s.closedMs ?? undefined;
        state.raiseCounter(Math.max(s.startingCounter, s.endingCounter ?? 0));
        this.#loadLog(stream, shard, cutoff);
        stream.shards[shard.index] = shard;
      }
      stream.reindex();
      state.streams.set(stream.name, stream);
    }
    this.#removeOrphans();
    this.#writeMeta();
  }

  #logPath(stream: Stream, shard: Shard): string {
    return join(this.#dir, 'logs', streamDir(stream), `${shard.index}.log`);
  }

  /** Replays a shard log; a torn or corrupt tail (a write cut by a crash) is cut off. */
  #loadLog(stream: Stream, shard: Shard, cutoff: number): void {
    const path = this.#logPath(stream, shard);
    if (!existsSync(path)) return;
    const bytes = readFileSync(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    let at = 0;
    while (at + HEADER <= bytes.length) {
      const length = view.getUint32(at);
      const keyLength = view.getUint16(at + 4);
      if (view.getUint16(at + 6) !== MAGIC || keyLength > length || at + HEADER + length > bytes.length) break;
      const crc = crc32(bytes, at + HEADER, at + HEADER + length, crc32(bytes, at, at + 24));
      if (crc !== view.getUint32(at + 24)) break;
      const counter = view.getFloat64(at + 8);
      const arrival = view.getFloat64(at + 16);
      if (arrival >= cutoff) {
        shard.log.appendRaw(counter, arrival, bytes.subarray(at + HEADER, at + HEADER + length), keyLength);
        shard.lastArrival = Math.max(shard.lastArrival, arrival);
      }
      this.#state.raiseCounter(counter);
      at += HEADER + length;
    }
    const fd = openSync(path, 'r+');
    if (at < bytes.length) {
      ftruncateSync(fd, at);
      fsyncSync(fd);
    }
    closeSync(fd);
    this.#logs.set(shard, { fd: openSync(path, 'a'), size: at, dirty: false });
  }

  #removeOrphans(): void {
    const live = new Set([...this.#state.streams.values()].map(streamDir));
    for (const entry of readdirSync(join(this.#dir, 'logs'))) {
      if (!live.has(entry)) rmSync(join(this.#dir, 'logs', entry), { recursive: true, force: true });
    }
  }

  #log(stream: Stream, shard: Shard): OpenLog {
    let log = this.#logs.get(shard);
    if (log === undefined) {
      mkdirSync(join(this.#dir, 'logs', streamDir(stream)), { recursive: true });
      log = { fd: openSync(this.#logPath(stream, shard), 'a'), size: 0, dirty: false };
      this.#logs.set(shard, log);
    }
    return log;
  }

  appended(stream: Stream, shard: Shard, from: number, to: number): void {
    if (this.#closed) return;
    const log = this.#log(stream, shard);
    let total = 0;
    for (let i = from; i < to; i++) total += HEADER + shard.log.sizeAt(i);
    const out = Buffer.allocUnsafe(total);
    const view = new DataView(out.buffer, out.byteOffset, out.length);
    let at = 0;
    for (let i = from; i < to; i++) {
      const raw = shard.log.rawAt(i);
      view.setUint32(at, raw.bytes.length);
      view.setUint16(at + 4, raw.keyLength);
      view.setUint16(at + 6, MAGIC);
      view.setFloat64(at + 8, shard.log.counterAt(i));
      view.setFloat64(at + 16, shard.log.arrivalAt(i));
      out.set(raw.bytes, at + HEADER);
      view.setUint32(at + 24, crc32(out, at + HEADER, at + HEADER + raw.bytes.length, crc32(out, at, at + 24)));
      at += HEADER + raw.bytes.length;
    }
    let written = 0;
    while (written < out.length) written += writeSync(log.fd, out, written, out.length - written);
    log.size += out.length;
    if (this.#state.options.fsync === 'always') fsyncSync(log.fd);
    else log.dirty = true;
  }

  metadataChanged(): void {
    if (this.#closed) return;
    const live = new Set(this.#state.streams.values());
    for (const [shard, log] of this.#logs) {
      const owner = [...live].find((s) => s.shards[shard.index] === shard);
      if (owner === undefined) {
        closeSync(log.fd);
        this.#logs.delete(shard);
      }
    }
    this.#writeMeta();
    this.#removeOrphans();
  }

  #writeMeta(): void {
    const streams: StreamMeta[] = [];
    for (const s of this.#state.streams.values()) {
      streams.push({
        name: s.name,
        createdMs: s.createdMs,
        status: s.status,
        mode: s.mode,
        retentionHours: s.retentionHours,
        encryptionType: s.encryptionType,
        keyId: s.keyId ?? null,
        maxRecordSizeKiB: s.maxRecordSizeKiB,
        shardLevelMetrics: s.shardLevelMetrics,
        tags: [...s.tags],
        shards: s.shards.map((sh) => ({
          index: sh.index,
          parent: sh.parentShardId ?? null,
          adjacent: sh.adjacentParentShardId ?? null,
          start: String(sh.startingHashKey),
          end: String(sh.endingHashKey),
          startingCounter: sh.startingCounter,
          endingCounter: sh.endingCounter ?? null,
          createdMs: sh.createdMs,
          closedMs: sh.closedMs ?? null,
        })),
      });
    }
    const meta: Meta = { version: 1, counter: this.#state.nextCounter(), streams };
    const path = join(this.#dir, META_FILE);
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(meta));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    const dirFd = openSync(this.#dir, 'r');
    try {
      fsyncSync(dirFd);
    } catch {
      // Some filesystems refuse fsync on directories; the rename is still atomic.
    } finally {
      closeSync(dirFd);
    }
  }

  /** Rewrites logs that are mostly expired records, so disk use follows retention too. */
  trim(_now: number): void {
    if (this.#closed) return;
    for (const stream of this.#state.streams.values()) {
      for (const shard of stream.shards) {
        const log = this.#logs.get(shard);
        if (log === undefined) continue;
        const live = shard.log.retainedBytes + HEADER * (shard.log.end - shard.log.start);
        const dead = log.size - live;
        if (dead < COMPACT_MIN_DEAD || dead < live) continue;
        closeSync(log.fd);
        this.#logs.delete(shard);
        const path = this.#logPath(stream, shard);
        const tmp = `${path}.tmp`;
        const fd = openSync(tmp, 'w');
        this.#logs.set(shard, { fd, size: 0, dirty: false });
        this.appended(stream, shard, shard.log.start, shard.log.end);
        fsyncSync(fd);
        closeSync(fd);
        renameSync(tmp, path);
        this.#logs.set(shard, { fd: openSync(path, 'a'), size: live, dirty: false });
      }
    }
  }

  #syncDirty(): void {
    for (const log of this.#logs.values()) {
      if (!log.dirty) continue;
      log.dirty = false;
      fsyncSync(log.fd);
    }
  }

  #closeFiles(): void {
    for (const log of this.#logs.values()) closeSync(log.fd);
    this.#logs.clear();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#writeMeta();
    if (this.#state.options.fsync !== 'never') this.#syncDirty();
    this.#closed = true;
    this.#closeFiles();
  }
}
