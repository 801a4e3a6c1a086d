import { KinesisProducer, type PutInput, type PutResult } from '@shardline/producer';
import { describe, expect, it } from 'vitest';
import { createStream, readStream, streamName, TEST_CREDENTIALS, useBroker } from './helpers/stream-fixture.js';

const fixture = useBroker();

describe('bad input', () => {
  it('every invalid put rejects with a typed error and never poisons the records around it', async () => {
    const stream = streamName('bad');
    await createStream(fixture.client, stream, 2);
    const producer = new KinesisProducer({
      endpoint: fixture.broker.url,
      credentials: TEST_CREDENTIALS,
      metricsInterval: 0,
    });
    const bad: [unknown, string][] = [
      [{ streamName: stream, partitionKey: '', data: 'x' }, 'SHARDLINE_ERR_INVALID_PARTITION_KEY'],
      [{ streamName: stream, partitionKey: 'k'.repeat(257), data: 'x' }, 'SHARDLINE_ERR_INVALID_PARTITION_KEY'],
      [{ streamName: stream, partitionKey: 42, data: 'x' }, 'SHARDLINE_ERR_INVALID_PARTITION_KEY'],
      [{ streamName: stream, partitionKey: 'bad\uD800', data: 'x' }, 'SHARDLINE_ERR_INVALID_PARTITION_KEY'],
      [{ streamName: stream, partitionKey: 'k', data: 42 }, 'SHARDLINE_ERR_INVALID_ARGUMENT'],
      [{ streamName: stream, partitionKey: 'k', data: null }, 'SHARDLINE_ERR_INVALID_ARGUMENT'],
      [{ streamName: stream, partitionKey: 'k', data: Buffer.alloc(1_048_576) }, 'SHARDLINE_ERR_RECORD_TOO_LARGE'],
      [{ streamName: stream, partitionKey: 'k', data: 'x', explicitHashKey: '-1' }, 'SHARDLINE_ERR_INVALID_HASH_KEY'],
      [
        { streamName: stream, partitionKey: 'k', data: 'x', explicitHashKey: (1n << 128n).toString() },
        'SHARDLINE_ERR_INVALID_HASH_KEY',
      ],
      [{ streamName: 'bad name!', partitionKey: 'k', data: 'x' }, 'SHARDLINE_ERR_INVALID_ARGUMENT'],
      [{ streamName: '', partitionKey: 'k', data: 'x' }, 'SHARDLINE_ERR_INVALID_ARGUMENT'],
      [null, 'SHARDLINE_ERR_INVALID_ARGUMENT'],
    ];
    const good: Promise<PutResult>[] = [];
    const rejected: Promise<unknown>[] = [];
    for (let round = 0; round < 20; round++) {
      for (const [input, code] of bad) {
        good.push(producer.put({ streamName: stream, partitionKey: `ok-${good.length}`, data: `v${good.length}` }));
        rejected.push(
          producer.put(input as PutInput).then(
            () => 'resolved',
            (error: { code: string; retriable: boolean }) => {
              expect(error.code).toBe(code);
              expect(error.retriable).toBe(false);
              return 'rejected';
            },
          ),
        );
      }
    }
    // Odd but valid keys and hash keys go through.
    good.push(producer.put({ streamName: stream, partitionKey: 'quote " back \\ tab \t é 😀', data: 'odd' }));
    good.push(producer.put({ streamName: stream, partitionKey: 'ehk', data: 'ehk', explicitHashKey: '000123' }));
    expect(new Set(await Promise.all(rejected))).toEqual(new Set(['rejected']));
    const results = await Promise.all(good);
    expect(results).toHaveLength(good.length);

    // A stream that does not exist fails its own records at once (non-retriable), not anyone else's.
    const missing = producer.put({ streamName: 'no-such-stream', partitionKey: 'k', data: 'x' });
    const fine = producer.put({ streamName: stream, partitionKey: 'after-missing', data: 'x' });
    await expect(missing).rejects.toMatchObject({ awsErrorCode: 'ResourceNotFoundException', retriable: false });
    await expect(fine).resolves.toMatchObject({ attempts: 1 });
    await producer.close();
    await expect(producer.put({ streamName: stream, partitionKey: 'k', data: 'x' })).rejects.toMatchObject({
      code: 'SHARDLINE_ERR_CLOSED',
    });

    const read = await readStream(fixture.client, stream);
    const keys = new Set(read.records.map((r) => r.partitionKey));
    expect(keys.size).toBe(good.length + 1);
    expect(keys.has('quote " back \\ tab \t é 😀')).toBe(true);
    const ehk = read.records.find((r) => r.partitionKey === 'ehk');
    expect(ehk?.explicitHashKey ?? '123').toBe('123');
  });
});
