import { type Broker, startBroker } from '@shardline/broker';
import { AwsServiceError, NetworkError } from '@shardline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisRecord } from '../src/pipeline/kinesis-record.js';
import type { PutRecordsResponse } from '../src/transport/kinesis-transport.js';
import { PackedRequest } from '../src/transport/packed-request.js';
import type { PutRecordsSender } from '../src/transport/put-records-sender.js';
import type { PutRecordsWorkerInit } from '../src/transport/put-records-worker-protocol.js';
import { WorkerPutRecordsSender } from '../src/transport/worker-put-records-sender.js';
import { makeRecord } from './make-record.js';
import { CreateStreamCommand, KinesisClient } from './support/kinesis-sdk.js';

const CREDENTIALS = { accessKeyId: 'AKIDWORKER', secretAccessKey: 'worker-secret' };
const STUB_ANSWER: PutRecordsResponse = { Records: [{ SequenceNumber: '1', ShardId: 'shardId-000000000000' }] };

/** Records what it is asked to send, as the producer's own thread would send it. */
class StubSender implements PutRecordsSender {
  readonly sent: PackedRequest[] = [];

  async send(packed: PackedRequest): Promise<PutRecordsResponse> {
    this.sent.push(packed);
    return STUB_ANSWER;
  }

  forget(): void {}

  async close(): Promise<void> {}
}

let broker: Broker;

beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0 });
  const client = new KinesisClient({ endpoint: broker.url, region: 'us-east-1', credentials: CREDENTIALS });
  await client.send(new CreateStreamCommand({ StreamName: 'worker', ShardCount: 2 }));
  client.destroy();
});

afterAll(async () => {
  await broker.close();
});

function init(): PutRecordsWorkerInit {
  return { endpoint: broker.url, region: 'us-east-1', maxConnections: 4, requestTimeout: 5_000, cbor: false };
}

function request(streamName: string): PackedRequest {
  const members = Array.from({ length: 20 }, (_, i) => makeRecord(`key-${i}`, Buffer.alloc(30, i)));
  const bound = members.reduce((sum, r) => sum + r.pkBytes + r.data.length + 64, 64);
  const only = makeRecord('alone', Buffer.from('raw'));
  const packed = new PackedRequest();
  packed.pack(streamName, [new KinesisRecord(members, undefined, bound), new KinesisRecord([only], undefined, 3)]);
  return packed;
}

const standIn = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

/** A sender with a stub fallback and the fallback reasons it reports; `entry` replaces the real thread. */
function senderWith(entry?: URL): { sender: WorkerPutRecordsSender; fallback: StubSender; reasons: string[] } {
  const fallback = new StubSender();
  const reasons: string[] = [];
  const onFallback = (reason: string): void => {
    reasons.push(reason);
  };
  return { sender: new WorkerPutRecordsSender(init(), CREDENTIALS, fallback, onFallback, entry), fallback, reasons };
}

describe('WorkerPutRecordsSender', () => {
  it('sends from its thread and returns the answer, with exact aggregate sizes in the shared columns', async () => {
    const { sender, fallback, reasons } = senderWith();
    const packed = request('worker');
    const bound = packed.sizes[0] as number;
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const answer = await sender.send(packed);
        expect(answer.Records).toHaveLength(2);
        for (const entry of answer.Records) {
          expect(entry.SequenceNumber).toMatch(/^\d+$/);
          expect(entry.ShardId).toMatch(/^shardId-/);
        }
        expect(packed.sizes[0]).toBeLessThan(bound);
      }
      expect(fallback.sent).toHaveLength(0);
      expect(reasons).toEqual([]);
    } finally {
      await sender.close();
    }
  });

  it('carries AWS errors across with their code, status and whether they are retriable', async () => {
    const sender = new WorkerPutRecordsSender(init(), CREDENTIALS, new StubSender(), () => {});
    try {
      const error = await sender.send(request('no-such-stream')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsServiceError);
      expect((error as AwsServiceError).awsErrorCode).toBe('ResourceNotFoundException');
      expect((error as AwsServiceError).statusCode).toBe(400);
      expect((error as AwsServiceError).retriable).toBe(false);
      expect((error as AwsServiceError).message).toMatch(/^ResourceNotFoundException: .*no-such-stream/);
    } finally {
      await sender.close();
    }
  });

  it('fails the requests of a thread that dies with a retriable NetworkError, and starts another', async () => {
    const { sender, fallback, reasons } = senderWith(standIn('worker-dies-on-request.mjs'));
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await sender.send(request('worker')).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NetworkError);
        expect((error as NetworkError).retriable).toBe(true);
        expect((error as NetworkError).message).toMatch(/exit code 3.*unknown/);
      }
      expect(fallback.sent).toHaveLength(0);
      expect(reasons).toEqual([]);
    } finally {
      await sender.close();
    }
  });

  it('sends from the calling thread once a thread cannot start, the requests it was given included', async () => {
    const { sender, fallback, reasons } = senderWith(standIn('worker-fails-to-load.mjs'));
    const first = request('worker');
    const second = request('worker');
    try {
      expect(await Promise.all([sender.send(first), sender.send(second)])).toEqual([STUB_ANSWER, STUB_ANSWER]);
      expect(await sender.send(first)).toBe(STUB_ANSWER);
      expect(fallback.sent).toEqual([first, second, first]);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toContain('failed to load');
    } finally {
      await sender.close();
    }
  });

  it('close() fails the requests in flight and stops the thread; later sends fail', async () => {
    const sender = new WorkerPutRecordsSender(
      init(),
      CREDENTIALS,
      new StubSender(),
      () => {},
      standIn('worker-never-answers.mjs'),
    );
    const inFlight = sender.send(request('worker')).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sender.close();
    const error = await inFlight;
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toContain('closed while it was in flight');
    await expect(sender.send(request('worker'))).rejects.toThrow(/closing/);
  });

  it('counts a request as busy until its thread reports the body written', async () => {
    const { sender } = senderWith();
    try {
      const packed = request('worker');
      const answered = sender.send(packed);
      await new Promise((resolve) => setImmediate(resolve));
      expect(sender.busyBytes).toBe(packed.bytes);
      expect(packed.bytes).toBeGreaterThan(0);
      await answered;
      expect(sender.busyBytes).toBe(0);
    } finally {
      await sender.close();
    }
    const silent = senderWith(standIn('worker-never-answers.mjs')).sender;
    const written = senderWith(standIn('worker-sends-never-answers.mjs')).sender;
    try {
      const [toSilent, toWritten] = [request('worker'), request('worker')];
      const pending = [silent.send(toSilent), written.send(toWritten)];
      for (const p of pending) p.catch(() => {});
      await new Promise((resolve) => setImmediate(resolve));
      expect([silent.busyBytes, written.busyBytes]).toEqual([toSilent.bytes, toWritten.bytes]);
      const deadline = Date.now() + 5_000;
      while (written.busyBytes > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      // No report: still waiting for the thread's CPU. A report: written, though unanswered.
      expect(silent.busyBytes).toBe(toSilent.bytes);
      expect(written.busyBytes).toBe(0);
    } finally {
      await silent.close();
      await written.close();
    }
    expect(silent.busyBytes).toBe(0);
  });

  it('fails a request as a non-retriable CredentialsError when the provider fails', async () => {
    const fallback = new StubSender();
    const sender = new WorkerPutRecordsSender(
      init(),
      async () => {
        throw new Error('no credentials anywhere');
      },
      fallback,
      () => {},
    );
    try {
      const error = await sender.send(request('worker')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsServiceError);
      expect((error as AwsServiceError).awsErrorCode).toBe('CredentialsError');
      expect((error as AwsServiceError).retriable).toBe(false);
      expect((error as AwsServiceError).message).toContain('no credentials anywhere');
      expect(fallback.sent).toHaveLength(0);
    } finally {
      await sender.close();
    }
  });
});
