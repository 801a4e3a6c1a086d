import { startBroker } from '@shardline/broker';
import { expect, it } from 'vitest';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
} from '../../packages/broker/test/helpers/aws-sdk.js';
import { sdkClient } from './sdk-client.js';

const MIB = 1024 * 1024;

it('maxRetainedBytes: the newest records stay readable without a gap, the oldest go first, memory is reused', async () => {
  const broker = await startBroker({
    port: 0,
    limits: 'off',
    createStreamMs: 0,
    deleteStreamMs: 0,
    maxRetainedBytes: 2 * MIB,
  });
  const client = sdkClient(broker.url, { http1: true });
  try {
    await client.send(new CreateStreamCommand({ StreamName: 'bounded', ShardCount: 1 }));
    // 12 MiB in requests of 1 MiB (large bodies: their base64 is decoded straight into the log).
    const data = Buffer.alloc(32 * 1024);
    const sequences: string[] = [];
    for (let batch = 0; batch < 12; batch++) {
      const Records = Array.from({ length: 32 }, (_, i) => {
        const record = Buffer.from(data);
        record.writeUInt32BE(batch * 32 + i);
        return { PartitionKey: 'k', Data: record };
      });
      const answer = await client.send(new PutRecordsCommand({ StreamName: 'bounded', Records }));
      expect(answer.FailedRecordCount).toBe(0);
      for (const r of answer.Records ?? []) sequences.push(r.SequenceNumber as string);
    }
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'bounded',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const read: number[] = [];
    const readSequences: string[] = [];
    let iterator = ShardIterator;
    for (let i = 0; i < 100 && iterator !== undefined; i++) {
      const r = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of r.Records ?? []) {
        read.push(Buffer.from(record.Data ?? []).readUInt32BE(0));
        readSequences.push(record.SequenceNumber as string);
      }
      if ((r.Records ?? []).length === 0) break;
      iterator = r.NextShardIterator;
    }
    const first = read[0] as number;
    // Older records were dropped; what is left is every record from the first kept one to the last.
    expect(first).toBeGreaterThan(0);
    expect(read).toEqual(Array.from({ length: 384 - first }, (_, i) => first + i));
    expect(readSequences).toEqual(sequences.slice(first));
    // The bound plus the newest segment (up to 8 MiB) is all the broker may hold.
    expect((384 - first) * data.length).toBeLessThanOrEqual(2 * MIB + 8 * MIB);
  } finally {
    client.destroy();
    await broker.close();
  }
});

it('maxRetainedBytes is validated and refused with dataDir', async () => {
  for (const bad of [-1, 1.5, '1' as unknown as number]) {
    await expect(startBroker({ port: 0, maxRetainedBytes: bad })).rejects.toThrow(/maxRetainedBytes/);
  }
  await expect(startBroker({ port: 0, maxRetainedBytes: MIB, dataDir: '/tmp/unused' })).rejects.toThrow(
    /maxRetainedBytes.*dataDir/,
  );
});
