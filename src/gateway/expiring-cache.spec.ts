import { describe, expect, it } from 'vitest';
import { ExpiringCache } from './expiring-cache.js';

describe('ExpiringCache', () => {
  it('forgets entries after the TTL or an earlier deadline, and holds at most maxEntries', () => {
    let now = 0;
    const cache = new ExpiringCache<string, number>(1000, 2, () => now);
    cache.set('a', 1);
    cache.set('b', 2, 300);
    now = 299;
    expect([cache.get('a'), cache.get('b')]).toEqual([1, 2]);
    now = 300;
    expect(cache.get('b')).toBeUndefined();
    cache.set('c', 3);
    cache.set('d', 4); // evicts the oldest insertion, a
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([undefined, 3, 4]);
    now = 1300;
    expect(cache.get('c')).toBeUndefined();
  });

  it('caches nothing with a TTL of 0 (the CLI, and CREDENTIAL_CACHE_SECONDS=0)', () => {
    const cache = new ExpiringCache<string, number>(0);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
