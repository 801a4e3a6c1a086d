/*
 * Entry point of the producer child process (forked by the orchestrator from dist/bench/producer-process.js).
 * Runs one KinesisProducer at an open-loop rate or as fast as a bounded window of outstanding puts allows,
 * and reports acknowledged indexes (packed) and per-second stats over IPC.
 */
import { KinesisProducer } from '@shardline/producer';
import { runBenchChild, sendToParent } from './child-runtime.js';
import { IndexPacker } from './index-packer.js';
import type { ProducerMessage, ProducerStartConfig, ProducerStats } from './ipc-messages.js';
import { LatencyHistogram } from './latency-histogram.js';
import { monotonicNs } from './monotonic-ns.js';
import { PartitionKeyPicker } from './partition-key-picker.js';
import { fillPayloadTemplate, stampPayload } from './record-payload.js';

const CHUNK = 2048;
const ACK_FLUSH_MS = 100;
const STATS_MS = 1000;

function send(message: ProducerMessage): Promise<void> {
  return sendToParent(message);
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function errorCode(error: unknown): string {
  const e = error as { awsErrorCode?: unknown; code?: unknown; name?: unknown } | null;
  if (typeof e?.awsErrorCode === 'string') return e.awsErrorCode;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.name === 'string') return e.name;
  return 'Error';
}

/** Plain data only: the metrics snapshot crosses the process boundary. */
function plainMetrics(producer: KinesisProducer): unknown {
  try {
    return JSON.parse(JSON.stringify(producer.metrics()));
  } catch {
    return null;
  }
}

async function run(config: ProducerStartConfig, stopSignal: AbortSignal): Promise<void> {
  const producer = new KinesisProducer({
    endpoint: config.endpoint,
    region: config.region,
    ...(config.credentials === null ? {} : { credentials: { ...config.credentials } }),
    aggregationEnabled: config.aggregation,
    maxBufferedRecords: Math.max(config.maxOutstanding, 1000),
    ...(config.rateLimit === null ? {} : { rateLimit: config.rateLimit }),
    ...(config.recordMaxBufferedTime === null ? {} : { recordMaxBufferedTime: config.recordMaxBufferedTime }),
    metricsInterval: 0,
    protocol: config.protocol,
  });
  const size = config.recordSize;
  const picker = new PartitionKeyPicker(config.partitionKeys);
  const histogram = new LatencyHistogram();
  const warmupHistogram = new LatencyHistogram();
  const acked = new IndexPacker();
  const shards = new Map<string, { records: number; bytes: number }>();
  const failuresByCode: Record<string, number> = {};
  const template = Buffer.allocUnsafe(CHUNK * size);
  fillPayloadTemplate(template, 0, size, CHUNK);
  const nsPerRecord = config.rate === 'max' ? 0 : 1e9 / config.rate;
  const durationNs = config.durationSeconds === null ? Number.POSITIVE_INFINITY : config.durationSeconds * 1e9;

  let produced = 0;
  let acknowledged = 0;
  let failed = 0;
  let inflight = 0;
  let firstPutNs = 0;
  let lastPutNs = 0;
  let lastAckNs = 0;
  let waitingForRoom = false;
  let finished = false;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const stats = (): ProducerStats => {
    const encoded = histogram.encode();
    histogram.reset();
    const warmupEncoded = warmupHistogram.encode();
    warmupHistogram.reset();
    return {
      produced,
      producedBytes: produced * size,
      acknowledged,
      failed,
      failuresByCode: { ...failuresByCode },
      putToAck: encoded,
      putToAckWarmup: warmupEncoded,
      metrics: plainMetrics(producer),
      shards: Object.fromEntries(shards),
      firstPutNs,
      lastPutNs,
      lastAckNs,
      cpuMicros: cpuMicros(),
    };
  };

  const settle = (): void => {
    inflight--;
    if (waitingForRoom && inflight <= config.maxOutstanding * 0.75) {
      waitingForRoom = false;
      setImmediate(pump);
    }
    if (finished && inflight === 0) resolveDone();
  };

  const finish = (): void => {
    if (finished) return;
    finished = true;
    if (inflight === 0) resolveDone();
  };

  // Acks arrive in bursts (one PutRecords response settles hundreds of puts in one macrotask): read the
  // clock once per burst.
  let cachedAckNs = 0;
  const ackClock = (): number => {
    if (cachedAckNs === 0) {
      cachedAckNs = monotonicNs();
      setImmediate(() => {
        cachedAckNs = 0;
      });
    }
    return cachedAckNs;
  };

  // Shared by every put: a failure needs no per-record state, so no closure per record for it.
  const onFailure = (error: unknown): void => {
    failed++;
    const code = errorCode(error);
    failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
    settle();
  };

  const startNs = monotonicNs();
  firstPutNs = startNs;

  function pump(): void {
    if (finished) return;
    const now = monotonicNs();
    if (stopSignal.aborted || produced >= config.records || now - startNs >= durationNs) {
      finish();
      return;
    }
    const due =
      nsPerRecord === 0 ? config.records : Math.min(config.records, Math.floor((now - startNs) / nsPerRecord) + 1);
    const n = Math.min(due - produced, config.maxOutstanding - inflight, CHUNK);
    if (n > 0) {
      // A fresh slab per chunk: the producer may hold onto the views until the records are acknowledged.
      const slab = Buffer.allocUnsafe(n * size);
      template.copy(slab, 0, 0, n * size);
      for (let i = 0; i < n; i++) {
        const index = produced++;
        // Open loop stamps the intended send time, so a stalled producer shows up as latency
        // instead of silently sending less (no coordinated omission).
        const putNs = nsPerRecord === 0 ? now : startNs + index * nsPerRecord;
        const offset = i * size;
        stampPayload(slab, offset, size, config.producerId, index, putNs);
        inflight++;
        producer
          .put({
            streamName: config.streamName,
            partitionKey: picker.next(),
            data: slab.subarray(offset, offset + size),
          })
          .then((result) => {
            const ackNs = ackClock();
            lastAckNs = ackNs;
            acknowledged++;
            acked.push(index);
            (putNs < config.warmupUntilNs ? warmupHistogram : histogram).recordMicros((ackNs - putNs) / 1000);
            let shard = shards.get(result.shardId);
            if (shard === undefined) {
              shard = { records: 0, bytes: 0 };
              shards.set(result.shardId, shard);
            }
            shard.records++;
            shard.bytes += size;
            settle();
          }, onFailure);
      }
      lastPutNs = now;
    }
    if (inflight >= config.maxOutstanding) {
      waitingForRoom = true;
      return;
    }
    if (nsPerRecord === 0 || produced < due) {
      setImmediate(pump);
      return;
    }
    const nextDueNs = startNs + produced * nsPerRecord;
    setTimeout(pump, Math.max(1, Math.min(50, (nextDueNs - monotonicNs()) / 1e6)));
  }

  const ackTimer = setInterval(() => {
    if (acked.length > 0) void send({ type: 'acked', indexes: acked.take(), produced });
  }, ACK_FLUSH_MS);
  const statsTimer = setInterval(() => {
    void send({ type: 'stats', ...stats() });
  }, STATS_MS);

  pump();
  await done;
  await producer.flush();
  clearInterval(ackTimer);
  clearInterval(statsTimer);
  if (acked.length > 0) await send({ type: 'acked', indexes: acked.take(), produced });
  await send({ type: 'done', ...stats() });
  await producer.close();
}

runBenchChild<ProducerStartConfig>(run);
