/*
 * Entry point of a consumer worker child process (forked by the orchestrator from dist/bench/consumer-process.js).
 * Leases shards through the shared lease table, verifies every record's identity and checksum, and reports
 * delivered indexes (packed) before each checkpoint, so a kill -9 can never hide a delivered record.
 */
import { type Checkpointer, KinesisConsumer } from '@shardline/consumer';
import { runBenchChild, sendToParent } from './child-runtime.js';
import { IndexPacker } from './index-packer.js';
import type { ParentMessage, WorkerMessage, WorkerStartConfig, WorkerStatus } from './ipc-messages.js';
import { LatencyHistogram } from './latency-histogram.js';
import { monotonicNs } from './monotonic-ns.js';
import { type PayloadFields, readPayload } from './record-payload.js';

const SEEN_FLUSH_MS = 100;
const STATUS_MS = 1000;
const CHECKPOINT_EVERY_MS = 1000;

function send(message: WorkerMessage): Promise<void> {
  return sendToParent(message);
}

async function run(config: WorkerStartConfig, stopSignal: AbortSignal): Promise<void> {
  const consumer = new KinesisConsumer({
    streamName: config.streamName,
    applicationName: config.applicationName,
    endpoint: config.endpoint,
    region: config.region,
    ...(config.credentials === null ? {} : { credentials: { ...config.credentials } }),
    ...(config.dynamoDbEndpoint === null ? {} : { dynamoDbEndpoint: config.dynamoDbEndpoint }),
    workerId: `bench-worker-${config.worker}-${process.pid}`,
    initialPosition: 'TRIM_HORIZON',
    failoverTimeMillis: config.failoverMs,
    ...(config.idleTimeBetweenReads === null ? {} : { idleTimeBetweenReadsMillis: config.idleTimeBetweenReads }),
    ...(config.minTimeBetweenReads === null ? {} : { minTimeBetweenReadsMillis: config.minTimeBetweenReads }),
    getRecordsProtocol: config.protocol,
  });
  const seen = new IndexPacker();
  let corrupted: number[] = [];
  const histogram = new LatencyHistogram();
  const warmupHistogram = new LatencyHistogram();
  // The orchestrator says when the warm-up ends before it starts the producer, so before any record.
  let warmupUntilNs = 0;
  const onParentMessage = (message: ParentMessage): void => {
    if (message.type === 'warmup') warmupUntilNs = message.untilNs;
  };
  process.on('message', onParentMessage);
  const fields: PayloadFields = { producerId: 0, index: 0, putTimeNs: 0 };
  const drop = new Set(config.injectFaults.drop);
  const corrupt = new Set(config.injectFaults.corrupt);
  const faulty = drop.size + corrupt.size > 0;
  const lastCheckpoint = new Map<string, number>();
  let delivered = 0;
  let foreign = 0;
  let leasesAcquired = 0;
  let leasesLost = 0;
  let lagMs: number | null = null;

  consumer.on('leaseAcquired', ({ shardId }) => {
    leasesAcquired++;
    void send({ type: 'lease', event: 'acquired', shardId });
  });
  consumer.on('leaseLost', ({ shardId }) => {
    leasesLost++;
    void send({ type: 'lease', event: 'lost', shardId });
  });
  consumer.on('shardEnded', ({ shardId }) => {
    void send({ type: 'lease', event: 'ended', shardId });
  });

  const flushSeen = async (): Promise<void> => {
    if (seen.length === 0 && corrupted.length === 0) return;
    const message: WorkerMessage = { type: 'seen', indexes: seen.take(), corrupted };
    corrupted = [];
    await send(message);
  };

  const status = (): WorkerStatus => {
    const encoded = histogram.encode();
    histogram.reset();
    const warmupEncoded = warmupHistogram.encode();
    warmupHistogram.reset();
    const usage = process.cpuUsage();
    const out: WorkerStatus = {
      shards: [...consumer.ownedShards()],
      lagMs,
      delivered,
      foreign,
      leasesAcquired,
      leasesLost,
      putToProcess: encoded,
      putToProcessWarmup: warmupEncoded,
      cpuMicros: usage.user + usage.system,
    };
    lagMs = null;
    return out;
  };

  const seenTimer = setInterval(() => void flushSeen(), SEEN_FLUSH_MS);
  const statusTimer = setInterval(() => void send({ type: 'status', ...status() }), STATUS_MS);

  const checkpointAfterReport = async (shardId: string, checkpointer: Checkpointer, now: number): Promise<void> => {
    // Report before checkpointing: once checkpointed, these records are never delivered again, so a
    // kill -9 between the two must not leave delivered-but-unreported records behind.
    await flushSeen();
    try {
      await checkpointer.checkpoint();
      lastCheckpoint.set(shardId, now);
    } catch {
      // The lease moved on (or the table hiccuped): the next owner re-delivers, counted as duplicates.
    }
  };

  const running = consumer.run({
    processorFactory: () => ({
      processRecords: async ({ shardId, records, checkpointer, millisBehindLatest }) => {
        const now = monotonicNs();
        for (const record of records) {
          const data = record.data;
          let verdict = readPayload(data, 0, data.length, fields);
          if (faulty) {
            if (drop.has(fields.index)) continue;
            if (corrupt.has(fields.index)) {
              // Flip one filler bit in a copy, so the real checksum path has to catch it.
              const copy = Buffer.from(data);
              copy[copy.length - 5] = (copy[copy.length - 5] as number) ^ 0x10;
              verdict = readPayload(copy, 0, copy.length, fields);
            }
          }
          if (verdict !== 'ok') {
            corrupted.push(fields.index);
          } else if (fields.producerId === config.producerId) {
            delivered++;
            seen.push(fields.index);
            (fields.putTimeNs < warmupUntilNs ? warmupHistogram : histogram).recordMicros(
              (now - fields.putTimeNs) / 1000,
            );
          } else {
            foreign++;
          }
        }
        if (lagMs === null || millisBehindLatest > lagMs) lagMs = millisBehindLatest;
        if (now - (lastCheckpoint.get(shardId) ?? 0) >= CHECKPOINT_EVERY_MS * 1e6) {
          await checkpointAfterReport(shardId, checkpointer, now);
        }
      },
      // SHARD_END must be checkpointed so the children may start.
      shardEnded: ({ shardId, checkpointer }) => checkpointAfterReport(shardId, checkpointer, monotonicNs()),
      // A graceful stop hands shards over at the last delivered record: nothing is re-delivered.
      shutdownRequested: ({ shardId, checkpointer }) => checkpointAfterReport(shardId, checkpointer, monotonicNs()),
    }),
  });

  const stopped = new Promise<null>((resolve) => {
    if (stopSignal.aborted) resolve(null);
    else stopSignal.addEventListener('abort', () => resolve(null), { once: true });
  });
  const failure = await Promise.race([
    stopped,
    running.then(
      () => stopped,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    ),
  ]);
  // close() ends run(): in-flight batches finish and checkpoint, leases are released for a fast handoff.
  await consumer.close();
  await running.catch(() => {});
  clearInterval(seenTimer);
  clearInterval(statusTimer);
  process.off('message', onParentMessage);
  await flushSeen();
  if (failure !== null) throw failure;
  await send({ type: 'stopped', ...status() });
}

runBenchChild<WorkerStartConfig>(run);
