import { spawn } from 'node:child_process';
import { type ConsumerRecord, KinesisConsumer } from '@shardline/consumer';
import { CREDENTIALS, waitFor } from '../consumer/helpers/stream-fixture.js';

/**
 * Runs one of the Java programs beside this file to its end and returns the JSON lines it printed;
 * a non-zero exit fails with the tail of its output (the KCL and KPL log to stderr).
 */
export async function runJava<T>(classpath: string, main: string, args: readonly string[]): Promise<T[]> {
  const child = spawn('java', ['-cp', classpath, main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number>((resolve) => child.once('exit', (exitCode) => resolve(exitCode ?? 1)));
  if (code !== 0) throw new Error(`${main} exited with ${code}\n${stdout.slice(-4000)}\n${stderr.slice(-6000)}`);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}

/**
 * Our consumer until `count` records arrived (plus a moment for any redelivery to show); close()
 * checkpoints them and releases the leases.
 */
export async function consumeWithOurs(options: {
  readonly endpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly streamName: string;
  readonly applicationName: string;
  readonly count: number;
}): Promise<ConsumerRecord[]> {
  const consumer = new KinesisConsumer({
    streamName: options.streamName,
    applicationName: options.applicationName,
    endpoint: options.endpoint,
    dynamoDbEndpoint: options.dynamoDbEndpoint,
    credentials: CREDENTIALS,
    initialPosition: 'TRIM_HORIZON',
    idleTimeBetweenReadsMillis: 100,
    leaseTakerIntervalMillis: 300,
  });
  const records: ConsumerRecord[] = [];
  await consumer.run({
    eachBatch: ({ records: batch }) => {
      records.push(...batch);
    },
  });
  await waitFor(() => records.length >= options.count, 30_000, 'records from our consumer');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await consumer.close();
  return records;
}
