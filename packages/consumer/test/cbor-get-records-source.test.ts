import { KinesisClient } from '@aws-sdk/client-kinesis';
import { Decoder, Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { CborGetRecordsSource, encodeGetRecordsRequest } from '../src/retrieval/cbor-get-records-source.js';
import { errorFromAnswer } from '../src/retrieval/error-from-answer.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('CborGetRecordsSource', () => {
  it('goes where the Kinesis client goes: its custom endpoint, else its region’s endpoint rules', async () => {
    const cases: [ConstructorParameters<typeof KinesisClient>[0], string][] = [
      [{ region: 'eu-west-1' }, 'https://kinesis.eu-west-1.amazonaws.com/'],
      [{ region: 'us-east-1', useFipsEndpoint: true }, 'https://kinesis-fips.us-east-1.amazonaws.com/'],
      [{ region: 'cn-north-1' }, 'https://kinesis.cn-north-1.amazonaws.com.cn/'],
      [{ region: 'us-east-1', endpoint: 'http://127.0.0.1:4567' }, 'http://127.0.0.1:4567/'],
    ];
    for (const [config, expected] of cases) {
      const client = new KinesisClient({ ...config, credentials });
      const source = new CborGetRecordsSource(client);
      // Resolving does not connect anywhere.
      expect(await source.endpoint()).toBe(expected);
      await source.close();
      client.destroy();
    }
  });

  it('encodes the request as a CBOR map of ShardIterator and Limit', () => {
    for (const [iterator, limit] of [
      ['a', 1],
      ['x'.repeat(23), 23],
      ['y'.repeat(24), 24],
      ['z'.repeat(300), 10_000],
      ['é'.repeat(40_000), 255],
    ] as const) {
      expect(new Decoder({ mapsAsObjects: true } as never).decode(encodeGetRecordsRequest(iterator, limit))).toEqual({
        ShardIterator: iterator,
        Limit: limit,
      });
    }
  });

  it('names errors as the SDK does: __type of a CBOR or JSON body, else x-amzn-ErrorType, decorations removed', () => {
    const cbor = new Encoder({ useRecords: false } as never).encode({
      __type: 'com.amazonaws.kinesis#ExpiredIteratorException',
      message: 'Iterator expired',
    });
    const expired = errorFromAnswer(400, { 'content-type': 'application/x-amz-cbor-1.1' }, cbor);
    expect(expired.awsErrorCode).toBe('ExpiredIteratorException');
    expect(expired.message).toContain('Iterator expired');
    expect(expired.retriable).toBe(true);
    const throttled = errorFromAnswer(
      400,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r1' },
      Buffer.from('{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded"}'),
    );
    expect(throttled.awsErrorCode).toBe('ProvisionedThroughputExceededException');
    expect(throttled.requestId).toBe('r1');
    expect(throttled.retriable).toBe(true);
    const fromHeader = errorFromAnswer(
      400,
      { 'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/coral/' },
      Buffer.from('not a body'),
    );
    expect(fromHeader.awsErrorCode).toBe('ResourceNotFoundException');
    expect(fromHeader.retriable).toBe(false);
    expect(errorFromAnswer(503, {}, Buffer.alloc(0)).awsErrorCode).toBe('InternalFailure');
    expect(errorFromAnswer(503, {}, Buffer.alloc(0)).retriable).toBe(true);
  });
});
