import diagnostics from 'node:diagnostics_channel';
import { Encoder } from 'cbor-x';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Broker, type BrokerRequestEvent, startBroker } from '../src/index.js';

let broker: Broker;
beforeAll(async () => {
  broker = await startBroker({ port: 0, limits: 'off', createStreamMs: 0 });
});
afterAll(async () => {
  await broker.close();
});

async function call(op: string, body: Uint8Array | string, contentType: string): Promise<number> {
  const answer = await fetch(broker.url, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-amz-target': `Kinesis_20131202.${op}` },
    body,
  });
  await answer.arrayBuffer();
  return answer.status;
}

it('shardline:broker:request reports each request with its operation, wire protocol, status and error', async () => {
  const events: BrokerRequestEvent[] = [];
  const listener = (message: unknown): void => void events.push(message as BrokerRequestEvent);
  diagnostics.subscribe('shardline:broker:request', listener);
  try {
    const cbor = new Encoder({ useRecords: false });
    expect(await call('ListStreams', '{}', 'application/x-amz-json-1.1')).toBe(200);
    expect(await call('ListStreams', cbor.encode({}), 'application/x-amz-cbor-1.1')).toBe(200);
    expect(
      await call('DescribeStreamSummary', cbor.encode({ StreamName: 'missing' }), 'application/x-amz-cbor-1.1'),
    ).toBe(400);
    // The event is published when the response closes: wait for the last one.
    for (let i = 0; i < 100 && events.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    diagnostics.unsubscribe('shardline:broker:request', listener);
  }
  expect(
    events.map(({ operation, protocol, statusCode, errorType }) => ({ operation, protocol, statusCode, errorType })),
  ).toEqual([
    { operation: 'ListStreams', protocol: 'json', statusCode: 200, errorType: undefined },
    { operation: 'ListStreams', protocol: 'cbor', statusCode: 200, errorType: undefined },
    { operation: 'DescribeStreamSummary', protocol: 'cbor', statusCode: 400, errorType: 'ResourceNotFoundException' },
  ]);
  for (const event of events) expect(event.durationMs).toBeGreaterThanOrEqual(0);
});
