import { KinesisProducer, type PutInput, type PutResult } from '@shardline/producer';
import { describe, expect, it } from 'vitest';
import { createStream, readStream, streamName, TEST_CREDENTIALS, useBroker } from './helpers/stream-fixture.js';

const fixture = useBroker();

function producerFor(extra: Partial<ConstructorParameters<typeof KinesisProducer>[0]> = {}): KinesisProducer {
  return new KinesisProducer({
    endpoint: fixture.broker.url,
    credentials: TEST_CREDENTIALS,
    metricsInterval: 0,
    recordMaxBufferedTime: 20,
    ...extra,
  });
}

function fulfilled(outcome: PromiseSettledResult<PutResult> | undefined): PutResult {
  if (outcome?.status !== 'fulfilled') throw new Error(`expected a fulfilled outcome, got ${JSON.stringify(outcome)}`);
  return outcome.value;
}

describe('putMany()', () => {
  it('stores every record once and gives each its own shard, sequence and subsequence, in input order', async () => {
    const stream = streamName('many');
    await createStream(fixture.client, stream, 4);
    const producer = producerFor({ aggregationMaxSize: 4096 });
    await producer.put({ streamName: stream, partitionKey: 'warm-up', data: 'warm-up' });
    const inputs: PutInput[] = Array.from({ length: 3_000 }, (_, i) => ({
      streamName: stream,
      partitionKey: `key-${i}`,
      data: `payload-${i}`,
    }));
    const outcomes = await producer.putMany(inputs.slice(0, 1_500));
    outcomes.push(...(await producer.putMany(inputs.slice(1_500))));
    await producer.close();
    expect(outcomes).toHaveLength(3_000);
    const read = await readStream(fixture.client, stream);
    expect(read.droppedAggregates).toBe(0);
    const byPosition = new Map(read.records.map((r) => [`${r.sequenceNumber}/${r.subSequenceNumber}`, r]));
    for (let i = 0; i < inputs.length; i++) {
      const result = fulfilled(outcomes[i]);
      const record = byPosition.get(`${result.sequenceNumber}/${result.subSequenceNumber}`);
      expect(record?.partitionKey, `record ${i}`).toBe(`key-${i}`);
      expect(record?.data.toString()).toBe(`payload-${i}`);
      expect(record?.shardId).toBe(result.shardId);
    }
    expect(read.records.filter((r) => r.partitionKey !== 'warm-up')).toHaveLength(3_000);
    expect(fulfilled(outcomes[0]).attempts).toBe(1);
    // Aggregated as put() would: several user records per Kinesis record.
    expect(outcomes.some((o) => fulfilled(o).subSequenceNumber > 0)).toBe(true);
    expect(producer.metrics().metrics.UserRecordsPut.count).toBe(3_001);
  });

  it('rejects each invalid entry with its typed error and stores the entries around it', async () => {
    const stream = streamName('many-bad');
    await createStream(fixture.client, stream, 2);
    const producer = producerFor();
    const bad: [unknown, string][] = [
      [{ streamName: stream, partitionKey: '', data: 'x' }, 'SHARDLINE_ERR_INVALID_PARTITION_KEY'],
      [{ streamName: stream, partitionKey: 'k', data: 42 }, 'SHARDLINE_ERR_INVALID_ARGUMENT'],
      [{ streamName: stream, partitionKey: 'k', data: Buffer.alloc(1_048_576) }, 'SHARDLINE_ERR_RECORD_TOO_LARGE'],
      [{ streamName: stream, partitionKey: 'k', data: 'x', explicitHashKey: '-1' }, 'SHARDLINE_ERR_INVALID_HASH_KEY'],
      [{ streamName: 'bad name!', partitionKey: 'k', data: 'x' }, 'SHARDLINE_ERR_INVALID_ARGUMENT'],
      [null, 'SHARDLINE_ERR_INVALID_ARGUMENT'],
    ];
    const inputs: unknown[] = [];
    const expected: (string | undefined)[] = [];
    for (const [input, code] of bad) {
      inputs.push({ streamName: stream, partitionKey: `ok-${inputs.length}`, data: `v${inputs.length}` });
      expected.push(undefined);
      inputs.push(input);
      expected.push(code);
    }
    inputs.push({ streamName: stream, partitionKey: 'last', data: 'last' });
    expected.push(undefined);
    // Failing after acceptance (Kinesis refuses the stream) settles that entry alone, too.
    inputs.push({ streamName: 'no-such-stream', partitionKey: 'k', data: 'x' });
    expected.push('AWS_ERROR');
    const outcomes = await producer.putMany(inputs as PutInput[]);
    await producer.close();
    const missing = outcomes[outcomes.length - 1];
    expect(missing).toMatchObject({ status: 'rejected', reason: { awsErrorCode: 'ResourceNotFoundException' } });
    outcomes.pop();
    expected.pop();
    inputs.pop();
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? undefined : (o.reason as { code: string }).code))).toEqual(
      expected,
    );
    for (const o of outcomes)
      if (o.status === 'rejected') expect((o.reason as { retriable: boolean }).retriable).toBe(false);
    const read = await readStream(fixture.client, stream);
    expect(read.records.map((r) => r.partitionKey).sort()).toEqual(
      inputs
        .filter((_, i) => expected[i] === undefined)
        .map((input) => (input as PutInput).partitionKey)
        .sort(),
    );
  });

  it("waits for buffer room in order with whenFull 'block', never holding more than the bound", async () => {
    const stream = streamName('many-block');
    await createStream(fixture.client, stream, 2);
    const producer = producerFor({ maxBufferedRecords: 100 });
    let maxOutstanding = 0;
    const sampler = setInterval(() => {
      maxOutstanding = Math.max(maxOutstanding, producer.outstanding);
    }, 1);
    const pending = producer.putMany(
      Array.from({ length: 1_000 }, (_, i) => ({ streamName: stream, partitionKey: 'one-key', data: `n${i}` })),
    );
    // Only what fits was accepted synchronously.
    expect(producer.outstanding).toBe(100);
    const outcomes = await pending;
    clearInterval(sampler);
    await producer.close();
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    expect(maxOutstanding).toBeLessThanOrEqual(100);
    // One partition key: stored in input order.
    const read = await readStream(fixture.client, stream);
    expect(read.records.map((r) => r.data.toString())).toEqual(Array.from({ length: 1_000 }, (_, i) => `n${i}`));
  });

  it("rejects what does not fit with BufferFullError when whenFull is 'fail'", async () => {
    const stream = streamName('many-fail');
    await createStream(fixture.client, stream, 1);
    const producer = producerFor({ maxBufferedRecords: 100, whenFull: 'fail' });
    const outcomes = await producer.putMany(
      Array.from({ length: 150 }, (_, i) => ({ streamName: stream, partitionKey: `k${i}`, data: 'x' })),
    );
    await producer.close();
    expect(outcomes.slice(0, 100).every((o) => o.status === 'fulfilled')).toBe(true);
    const rest = outcomes.slice(100);
    expect(
      rest.every((o) => o.status === 'rejected' && (o.reason as { code: string }).code === 'SHARDLINE_ERR_BUFFER_FULL'),
    ).toBe(true);
  });

  it('gives an empty array for no inputs, rejects a non-array, and rejects every entry once closed', async () => {
    const producer = producerFor();
    await expect(producer.putMany([])).resolves.toEqual([]);
    await expect(producer.putMany('records' as unknown as PutInput[])).rejects.toMatchObject({
      code: 'SHARDLINE_ERR_INVALID_ARGUMENT',
    });
    await producer.close();
    const outcomes = await producer.putMany([{ streamName: 'any', partitionKey: 'k', data: 'x' }]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: expect.objectContaining({ code: 'SHARDLINE_ERR_CLOSED' }) },
    ]);
  });
});
