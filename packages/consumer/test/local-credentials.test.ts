import { describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, localCredentials } from '../src/util/create-clients.js';

describe('credentials for a loopback endpoint without configured ones', () => {
  it('are placeholders DynamoDB Local accepts: letters and digits only', () => {
    expect(localCredentials({})).toBe(LOCAL_CREDENTIALS);
    expect(LOCAL_CREDENTIALS.accessKeyId).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when both are set, with a session token if any', () => {
    expect(localCredentials({ AWS_ACCESS_KEY_ID: 'key1', AWS_SECRET_ACCESS_KEY: 's' })).toEqual({
      accessKeyId: 'key1',
      secretAccessKey: 's',
    });
    expect(localCredentials({ AWS_ACCESS_KEY_ID: 'key1', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' })).toEqual(
      { accessKeyId: 'key1', secretAccessKey: 's', sessionToken: 't' },
    );
    expect(localCredentials({ AWS_ACCESS_KEY_ID: 'key1' })).toBe(LOCAL_CREDENTIALS);
    expect(localCredentials({ AWS_SECRET_ACCESS_KEY: 's', AWS_ACCESS_KEY_ID: '' })).toBe(LOCAL_CREDENTIALS);
  });
});
