import { describe, expect, it } from 'vitest';
import { redisConnection } from './jobs.module.js';

describe('redisConnection', () => {
  it('reads host, port, credentials, database and TLS from a URL', () => {
    expect(redisConnection('rediss://app:p%40ss@cache.internal:6380/2')).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'app',
      password: 'p@ss',
      db: 2,
      tls: {},
      maxRetriesPerRequest: null,
    });
    expect(redisConnection('redis://127.0.0.1')).toEqual({
      host: '127.0.0.1',
      port: 6379,
      maxRetriesPerRequest: null,
    });
  });
});
