import {
  AbortedError,
  AwsServiceError,
  ClosedError,
  ErrorCodes,
  InvalidArgumentError,
  InvalidConfigError,
  InvalidHashKeyError,
  InvalidPartitionKeyError,
  NativeLoadError,
  NetworkError,
  RecordTooLargeError,
  ShardlineError,
} from '@shardline/core';
import { describe, expect, it } from 'vitest';

describe('ShardlineError hierarchy', () => {
  it('gives every class a stable code and retriable flag', () => {
    const cases: [ShardlineError, string, boolean][] = [
      [new InvalidArgumentError('x'), ErrorCodes.INVALID_ARGUMENT, false],
      [new InvalidConfigError('x'), ErrorCodes.INVALID_CONFIG, false],
      [new InvalidHashKeyError('x'), ErrorCodes.INVALID_HASH_KEY, false],
      [new InvalidPartitionKeyError('x'), ErrorCodes.INVALID_PARTITION_KEY, false],
      [new RecordTooLargeError('x', 2, 1), ErrorCodes.RECORD_TOO_LARGE, false],
      [new NativeLoadError('x', []), ErrorCodes.NATIVE_LOAD, false],
      [new NetworkError('x'), ErrorCodes.NETWORK, true],
      [new ClosedError('x'), ErrorCodes.CLOSED, false],
      [new AbortedError('x'), ErrorCodes.ABORTED, false],
      [new ShardlineError('x'), ErrorCodes.UNKNOWN, false],
    ];
    for (const [error, code, retriable] of cases) {
      expect(error.code).toBe(code);
      expect(error.retriable).toBe(retriable);
      expect(error.name).toBe(error.constructor.name);
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(ShardlineError);
    }
  });

  it('keeps subclass relations in instanceof and nothing more', () => {
    const error = new InvalidHashKeyError('bad');
    expect(error instanceof InvalidArgumentError).toBe(true);
    expect(error instanceof InvalidConfigError).toBe(false);
    expect(new Error('plain') instanceof ShardlineError).toBe(false);
    expect((null as unknown) instanceof ShardlineError).toBe(false);
  });

  it('recognises instances made by another copy of the classes (branding by name)', () => {
    class InvalidArgumentErrorCopy extends Error {}
    Object.defineProperty(InvalidArgumentErrorCopy, 'name', { value: 'InvalidArgumentError' });
    const foreign = Object.create(InvalidArgumentErrorCopy.prototype) as object;
    Object.defineProperty(foreign, Symbol.for('shardline.error.brands'), {
      value: ['InvalidArgumentError', 'ShardlineError'],
    });
    expect(foreign instanceof InvalidArgumentError).toBe(true);
    expect(foreign instanceof ShardlineError).toBe(true);
    expect(foreign instanceof ClosedError).toBe(false);
  });

  it('keeps AWS error names and classifies them', () => {
    const throttled = new AwsServiceError('ProvisionedThroughputExceededException', 'Rate exceeded', {
      statusCode: 400,
      requestId: 'r-1',
    });
    expect(throttled.awsErrorCode).toBe('ProvisionedThroughputExceededException');
    expect(throttled.code).toBe(ErrorCodes.AWS_SERVICE);
    expect(throttled.retriable).toBe(true);
    expect(throttled.requestId).toBe('r-1');
    expect(new AwsServiceError('ResourceNotFoundException', 'gone', { statusCode: 400 }).retriable).toBe(false);
    expect(new AwsServiceError('SomethingNew', 'boom', { statusCode: 503 }).retriable).toBe(true);
    expect(new AwsServiceError('AccessDeniedException', 'no', { retriable: true }).retriable).toBe(true);
  });

  it('chains causes', () => {
    const cause = new Error('socket hang up');
    expect(new NetworkError('request failed', { cause }).cause).toBe(cause);
  });

  it('freezes the code table', () => {
    expect(Object.isFrozen(ErrorCodes)).toBe(true);
  });
});
