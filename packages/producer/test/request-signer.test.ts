import { describe, expect, it } from 'vitest';
import { RequestSigner } from '../src/transport/request-signer.js';

// The AWS SigV4 test suite (aws-sig-v4-test-suite): fixed credentials, region, service and date.
const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  date: new Date('2015-08-30T12:36:00Z'),
};
const SCOPE = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

async function sign(method: string, query: Record<string, string> = {}): Promise<Record<string, string>> {
  const signer = new RequestSigner({
    region: SUITE.region,
    service: SUITE.service,
    credentials: SUITE.credentials,
    applyChecksum: false,
  });
  return signer.sign(
    {
      method,
      protocol: 'https:',
      hostname: 'example.amazonaws.com',
      path: '/',
      query,
      headers: { host: 'example.amazonaws.com' },
    },
    SUITE.date,
  );
}

describe('SigV4 signatures match the AWS test-suite vectors', () => {
  it('get-vanilla', async () => {
    const headers = await sign('GET');
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it('post-vanilla', async () => {
    const headers = await sign('POST');
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`,
    );
  });

  it('get-vanilla-query-order-key-case', async () => {
    const headers = await sign('GET', { Param2: 'value2', Param1: 'value1' });
    expect(headers.authorization).toContain(
      'Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    );
  });

  it('adds the session token and signs a caller-provided payload hash', async () => {
    const signer = new RequestSigner({
      region: 'us-east-1',
      service: 'kinesis',
      credentials: async () => ({ ...SUITE.credentials, sessionToken: 'token' }),
    });
    const headers = await signer.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'kinesis.us-east-1.amazonaws.com',
        path: '/',
        headers: { host: 'kinesis.us-east-1.amazonaws.com', 'x-amz-content-sha256': 'abc' },
      },
      SUITE.date,
    );
    expect(headers['x-amz-security-token']).toBe('token');
    expect(headers.authorization).toContain('x-amz-content-sha256');
    expect(headers['x-amz-content-sha256']).toBe('abc');
  });
});
