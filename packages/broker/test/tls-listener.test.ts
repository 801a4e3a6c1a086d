import http2 from 'node:http2';
import https from 'node:https';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Broker, startBroker } from '../src/index.js';

let broker: Broker;

beforeAll(async () => {
  broker = await startBroker({ port: 0, tls: true, tlsPort: 0, createStreamMs: 0 });
});
afterAll(async () => {
  await broker.close();
});

const body = JSON.stringify({ StreamName: 'tls', ShardCount: 1 });
const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.CreateStream' };

it('serves HTTP/1.1 over TLS with a self-signed certificate made at start', async () => {
  expect(broker.tlsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const status = await new Promise<number>((resolve, reject) => {
    const req = https.request(`${broker.tlsUrl}/`, { method: 'POST', ca: broker.tlsCertificate, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
  expect(status).toBe(200);
});

it('serves HTTP/2 over TLS by ALPN', async () => {
  const session = http2.connect(broker.tlsUrl ?? '', { ca: broker.tlsCertificate });
  try {
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.DescribeStreamSummary',
      });
      let status = 0;
      let text = '';
      stream.on('response', (h) => {
        status = Number(h[':status']);
      });
      stream.on('data', (c: Buffer) => {
        text += c.toString();
      });
      stream.on('end', () => resolve({ status, text }));
      stream.on('error', reject);
      stream.end(JSON.stringify({ StreamName: 'tls' }));
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).StreamDescriptionSummary.StreamStatus).toBe('ACTIVE');
  } finally {
    session.close();
  }
});

it('serves a certificate it is given', async () => {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const given = await startBroker({ port: 0, tls: { cert: pems.cert, key: pems.private }, tlsPort: 0 });
  try {
    expect(given.tlsCertificate).toBe(pems.cert);
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${given.tlsUrl}/healthcheck`, { method: 'GET', ca: pems.cert }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  } finally {
    await given.close();
  }
});
