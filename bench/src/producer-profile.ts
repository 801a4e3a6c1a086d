/**
 * Profiling harness for @shardline/producer: drives put() in a tight loop (100 B records by default, random
 * 20-character keys, 8 shards) against the bundled broker (limits off) in a child process and prints
 * client CPU ns per acknowledged record and the rate. Meant for `node --cpu-prof` or `--trace-gc-nvp`:
 *   pnpm run build && cd bench && node --cpu-prof dist/producer-profile.js
 * PROFILE_SIZE sets the record size in bytes; PROFILE_MS the measured time (after 1 s of warm-up); PROFILE_WINDOW the records kept outstanding;
 * PROFILE_PROTOCOL=json|cbor sets the producer's PutRecords protocol; PROFILE_API=putMany drives putMany() in chunks of 500 instead of put();
 * PROFILE_CONFIG a JSON object of further producer options (e.g. '{"collectionMaxSize":1048576}'); PROFILE_CPU=<file> writes a CPU profile of the measured window alone (no start-up, no warm-up) to <file>;
 * PROFILE_BROKER_RETAINED_MIB the broker's maxRetainedBytes in MiB (default 256, as in producer.ts; 0 keeps every record);
 * PROFILE_HEAP=1 prints the top allocation sites (bytes per acknowledged record, collected objects
 * included) from V8's sampling heap profiler; PROFILE_PRODUCER an alternative module path to load KinesisProducer from (A/B against another build).
 * It writes nothing: bench/README.md figures come from producer.ts.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import type * as ProducerModule from '@shardline/producer';

const CREDENTIALS = { accessKeyId: 'AKIDPROFILE', secretAccessKey: 'profile-secret' };
const MEASURE_MS = Number(process.env.PROFILE_MS ?? 5000);
const WINDOW = Number(process.env.PROFILE_WINDOW ?? 50_000);
const CHUNK = 500;
/** The producer bench's broker flags: GC on the broker's own thread, its 128 MiB semi-spaces. */
const BROKER_FLAGS = '--single-threaded-gc --max-semi-space-size=128';
const MANY = process.env.PROFILE_API === 'putMany';

async function main(): Promise<void> {
  // As in producer.ts: only the newest records are kept, and their memory reused (0 keeps all).
  const retainedMib = Number(process.env.PROFILE_BROKER_RETAINED_MIB ?? 256);
  const options = {
    port: 0,
    limits: 'off',
    createStreamMs: 0,
    ...(retainedMib > 0 ? { maxRetainedBytes: retainedMib * 2 ** 20 } : {}),
  };
  const child = fork(fileURLToPath(new URL('./broker-child.js', import.meta.url)), [JSON.stringify(options)], {
    // As in producer.ts (PROFILE_BROKER_FLAGS, '' for none).
    execArgv: (process.env.PROFILE_BROKER_FLAGS ?? BROKER_FLAGS).split(' ').filter(Boolean),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  const client = new KinesisClient({ endpoint: url, region: 'us-east-1', credentials: CREDENTIALS });
  await client.send(new CreateStreamCommand({ StreamName: 'profile', ShardCount: 8 }));
  while (
    (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'profile' }))).StreamDescriptionSummary
      ?.StreamStatus !== 'ACTIVE'
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  client.destroy();

  const keys: string[] = new Array(1 << 16);
  const keyBytes = randomBytes(keys.length * 10);
  for (let i = 0; i < keys.length; i++) keys[i] = keyBytes.toString('hex', i * 10, i * 10 + 10);
  const data = randomBytes(Number(process.env.PROFILE_SIZE ?? 100));
  const { KinesisProducer } = (await import(
    process.env.PROFILE_PRODUCER ?? '@shardline/producer'
  )) as typeof ProducerModule;
  const producer = new KinesisProducer({
    endpoint: url,
    credentials: CREDENTIALS,
    metricsInterval: 0,
    rateLimit: 1_000_000,
    ...(process.env.PROFILE_PROTOCOL === undefined
      ? {}
      : { protocol: process.env.PROFILE_PROTOCOL as 'json' | 'cbor' }),
    ...(JSON.parse(process.env.PROFILE_CONFIG ?? '{}') as Partial<ProducerModule.ProducerConfig>),
  });
  let keyIndex = 0;
  let acked = 0;
  let failed = 0;
  const ack = (): void => {
    acked++;
  };
  const fail = (): void => {
    failed++;
  };
  const run = async (ms: number): Promise<void> => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      if (producer.outstanding > WINDOW) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      if (MANY) {
        const inputs = new Array(CHUNK);
        for (let i = 0; i < CHUNK; i++) {
          inputs[i] = { streamName: 'profile', partitionKey: keys[keyIndex++ & 0xffff] as string, data };
        }
        producer.putMany(inputs).then((outcomes) => {
          for (const outcome of outcomes) outcome.status === 'fulfilled' ? ack() : fail();
        });
      } else {
        for (let i = 0; i < CHUNK; i++) {
          producer
            .put({ streamName: 'profile', partitionKey: keys[keyIndex++ & 0xffff] as string, data })
            .then(ack, fail);
        }
      }
      if ((keyIndex & 0x3fff) < CHUNK) await new Promise((resolve) => setImmediate(resolve));
    }
    await producer.flush();
  };
  await run(1000);
  acked = 0;
  let gcs = 0;
  let gcMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcs++;
      gcMs += entry.duration;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const cpuProfile = process.env.PROFILE_CPU;
  const session = process.env.PROFILE_HEAP === '1' || cpuProfile !== undefined ? new Session() : undefined;
  if (session !== undefined) {
    session.connect();
    if (process.env.PROFILE_HEAP === '1') {
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
    if (cpuProfile !== undefined) {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(MEASURE_MS);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  gcObserver.disconnect();
  if (session !== undefined) {
    if (cpuProfile !== undefined) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(cpuProfile, JSON.stringify(profile));
    }
    if (process.env.PROFILE_HEAP === '1') {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      printAllocationSites(profile.head, acked);
    }
    session.disconnect();
  }
  await producer.close();
  child.send({ type: 'close' });
  const nsPerRecord = ((cpu.user + cpu.system) * 1000) / Math.max(1, acked);
  console.log(
    `acked ${acked}, failed ${failed}, ${Math.round(acked / seconds).toLocaleString('en-US')} rec/s, client CPU ${Math.round(nsPerRecord)} ns/rec, GC ${Math.round((gcMs * 1e6) / Math.max(1, acked))} ns/rec in ${gcs} pauses`,
  );
}

interface SamplingNode {
  readonly callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  readonly selfSize: number;
  readonly children: SamplingNode[];
}

function printAllocationSites(head: SamplingNode, records: number): void {
  const sites = new Map<string, number>();
  const visit = (node: SamplingNode): void => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const site = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}:${columnNumber + 1}`;
    sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(head);
  let total = 0;
  for (const bytes of sites.values()) total += bytes;
  console.log(`allocated ${(total / Math.max(1, records)).toFixed(0)} B per record; top sites (B/record):`);
  for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${(bytes / Math.max(1, records)).toFixed(1).padStart(8)}  ${site}`);
  }
}

await main();
