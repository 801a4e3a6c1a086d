import type { BenchResult, StageFigures } from './bench-result.js';
import { formatCount, formatMs, shortShardId } from './format-units.js';
import type { LatencyPercentiles } from './latency-histogram.js';

function stage(name: string, s: StageFigures): string {
  return `  ${name.padEnd(13)}${formatCount(s.records).padStart(13)} records  ${formatCount(s.recordsPerSecond).padStart(10)} rec/s  ${s.megabytesPerSecond.toFixed(2).padStart(8)} MB/s  over ${s.seconds.toFixed(1)} s`;
}

function latency(name: string, l: LatencyPercentiles): string {
  if (l.count === 0) return `  ${name.padEnd(15)}no samples`;
  return `  ${name.padEnd(15)}p50 ${formatMs(l.p50).padStart(9)}  p90 ${formatMs(l.p90).padStart(9)}  p99 ${formatMs(l.p99).padStart(9)}  p999 ${formatMs(l.p999).padStart(9)}  max ${formatMs(l.max)}`;
}

/** The end-of-run report, for humans (stdout). */
export function renderTextReport(r: BenchResult): string {
  const out: string[] = [];
  const o = r.options;
  out.push(
    `shardline bench: ${r.target.embedded ? 'embedded broker' : r.target.endpoint}, stream ${r.target.streamName}, ` +
      `${o.shards} shards, ${o.workers} workers, ${o.recordSize} B records, rate ${o.rate}, aggregation ${r.producer.aggregation ? 'on' : 'off'}, limits ${r.shards.limits}`,
  );
  const setting = (value: unknown, fallback: string): string => (typeof value === 'number' ? `${value} ms` : fallback);
  out.push(
    `tuning: producer linger ${setting(o.recordMaxBufferedTime, 'default')}, worker reads at least ${setting(o.minTimeBetweenReads, 'default')} apart, ` +
      `idle after an empty read ${setting(o.idleTimeBetweenReads, 'default')}, wire format ${String(o.protocol ?? 'default')}`,
  );
  out.push(`machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.node}, ${r.machine.codec} codec`);
  out.push('', 'throughput (user records)');
  out.push(stage('produced', r.produced));
  out.push(
    `${stage('acknowledged', r.acknowledged)}${r.acknowledged.failed > 0 ? `  failed ${r.acknowledged.failed}` : ''}`,
  );
  out.push(stage('consumed', r.consumed));
  const warmup = r.latencyWarmup;
  out.push(
    '',
    warmup === undefined || warmup.seconds === 0
      ? 'latency'
      : `latency (records put after a ${warmup.seconds} s warm-up)`,
  );
  out.push(latency('put-to-ack', r.latency.putToAck));
  out.push(latency('put-to-process', r.latency.putToProcess));
  if (warmup !== undefined && warmup.seconds > 0) {
    out.push(`  during the warm-up (${formatCount(warmup.putToProcess.count)} records)`);
    out.push(latency('put-to-ack', warmup.putToAck));
    out.push(latency('put-to-process', warmup.putToProcess));
  }
  out.push('', 'producer');
  out.push(
    `  aggregation ratio ${r.producer.aggregationRatio === null ? 'n/a' : r.producer.aggregationRatio.toFixed(1)} user records per Kinesis record` +
      `${r.producer.kinesisRecordsPut === null ? '' : `, ${formatCount(r.producer.kinesisRecordsPut)} Kinesis records`}`,
  );
  out.push(`  throttles ${r.producer.throttles}, retries ${r.producer.retries}`);
  const errors = Object.entries(r.producer.errorsByCode);
  if (errors.length > 0) out.push(`  errors: ${errors.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  if (r.shards.perShard.length > 0) {
    out.push('', `shard utilisation (limits ${r.shards.limits}; AWS allows 1 MiB/s and 1,000 records/s per shard)`);
    for (const s of r.shards.perShard) {
      out.push(
        `  shard ${shortShardId(s.shardId).padEnd(5)}${formatCount(s.recordsPerSecond).padStart(10)} rec/s ${(s.bytesPerSecond / 1e6).toFixed(2).padStart(7)} MB/s` +
          `  ${(s.bytesUtilisation * 100).toFixed(0).padStart(5)}% of bytes  ${(s.recordsUtilisation * 100).toFixed(0).padStart(5)}% of records`,
      );
    }
  }
  out.push('', 'consumers');
  for (const w of r.consumers.workers) {
    out.push(
      `  worker ${w.worker} (pid ${w.pid})${w.killed ? ' killed -9' : ''}: ${formatCount(w.delivered)} delivered, ` +
        `${w.leasesAcquired} leases taken, ${w.leasesLost} lost, holds ${w.shardsAtEnd.map(shortShardId).join(',') || 'none'}`,
    );
  }
  out.push(
    `  failovers observed ${r.consumers.failovers}${r.consumers.failoverSeconds === null ? '' : ` (all shards re-owned ${r.consumers.failoverSeconds.toFixed(1)} s after the kill)`}, lease moves ${r.consumers.leaseMoves}`,
  );
  if (r.consumers.foreign > 0) {
    out.push(`  ${formatCount(r.consumers.foreign)} intact records of an earlier run were in the stream and ignored`);
  }
  if (r.reshard !== null) {
    out.push(
      `  reshard ${r.reshard.mode} at ${r.reshard.atSeconds.toFixed(1)} s of ${r.reshard.parents.map(shortShardId).join('+')}${r.reshard.error === null ? '' : ` FAILED: ${r.reshard.error}`}`,
    );
  }
  const cpu = r.cpu.microsPerRecord;
  const cores = r.machine.cores;
  out.push('', 'CPU per user record (all processes share this machine)');
  out.push(
    `  producer ${cpu.producer} us, workers ${cpu.workers} us, broker + orchestrator ${cpu.orchestrator} us: total ${cpu.total} us` +
      (cpu.total > 0
        ? `, a ceiling of about ${formatCount((cores * 1e6) / cpu.total)} rec/s on ${cores} cores with nothing else running`
        : ''),
  );
  const c = r.check;
  out.push('', 'record check (identity and checksum of every record)');
  out.push(
    `  lost: ${c.lost}  duplicates: ${c.duplicates}  corrupted: ${c.corrupted}  delivered but never acknowledged: ${c.unacknowledgedConsumed}`,
  );
  if (c.lost > 0 && r.outcome === 'interrupted') {
    out.push(`  the run was interrupted: the ${c.lost} "lost" records may simply not have been read yet`);
  }
  if (c.lost > 0) out.push(`  first lost indexes: ${c.lostSample.join(', ')}`);
  if (c.corrupted > 0) out.push(`  first corrupted indexes: ${c.corruptedSample.join(', ')}`);
  out.push('', r.ok ? 'result: OK' : 'result: FAILED (records lost or corrupted)');
  return `${out.join('\n')}\n`;
}
