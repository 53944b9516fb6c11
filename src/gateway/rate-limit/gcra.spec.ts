import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './memory-rate-limiter.js';

function limiterAt(start = 1_000_000) {
  let now = start;
  return { limiter: new MemoryRateLimiter(() => now), advance: (ms: number) => (now += ms) };
}

const partner = { key: 'partner:acme', ratePerSecond: 2, burst: 5 };

describe('the GCRA rate limiter', () => {
  it('allows the burst at once, then refuses with the time until one request fits', async () => {
    const { limiter } = limiterAt();
    const verdicts = [];
    for (let i = 0; i < 7; i++) verdicts.push(await limiter.consume([partner]));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(verdicts.map((v) => v.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(verdicts[5]).toMatchObject({ retryAfterSeconds: 1, limit: partner });
  });

  it('refills at the sustained rate and never above the burst', async () => {
    const { limiter, advance } = limiterAt();
    for (let i = 0; i < 5; i++) await limiter.consume([partner]);
    expect((await limiter.consume([partner])).allowed).toBe(false);
    advance(500); // one request's worth at 2/s
    expect((await limiter.consume([partner])).allowed).toBe(true);
    expect((await limiter.consume([partner])).allowed).toBe(false);
    advance(60_000);
    const after = [];
    for (let i = 0; i < 6; i++) after.push((await limiter.consume([partner])).allowed);
    expect(after).toEqual([true, true, true, true, true, false]);
  });

  it('counts a request against every limit or none: a refused credential does not use the partner quota', async () => {
    const { limiter } = limiterAt();
    const key1 = { key: 'credential:1', ratePerSecond: 1, burst: 2 };
    const key2 = { key: 'credential:2', ratePerSecond: 1, burst: 2 };
    expect((await limiter.consume([partner, key1])).allowed).toBe(true);
    expect((await limiter.consume([partner, key1])).allowed).toBe(true);
    const refused = await limiter.consume([partner, key1]);
    expect(refused).toMatchObject({ allowed: false, limit: key1 });
    // The partner has 3 of 5 left: the refused request took nothing from it.
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await limiter.consume([partner, key2])).allowed);
    expect(results).toEqual([true, true, false, false]);
    expect((await limiter.consume([partner])).allowed).toBe(true);
    expect((await limiter.consume([partner])).allowed).toBe(false);
  });

  it('handles rates below one per second (retry-after in whole seconds)', async () => {
    const { limiter } = limiterAt();
    const slow = { key: 'partner:slow', ratePerSecond: 0.05, burst: 1 };
    expect((await limiter.consume([slow])).allowed).toBe(true);
    const refused = await limiter.consume([slow]);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 20 });
  });

  it('peeks without counting, and charges every failure even over the limit', async () => {
    const { limiter, advance } = limiterAt();
    const guesses = { key: 'oauth-failures:c:1', ratePerSecond: 1, burst: 2 };
    for (let i = 0; i < 3; i++) expect((await limiter.peek([guesses])).allowed).toBe(true);
    // Four failures charged at once (concurrent guesses): all count, the last two over the limit.
    const charged = [];
    for (let i = 0; i < 4; i++) charged.push((await limiter.charge([guesses])).allowed);
    expect(charged).toEqual([true, true, false, false]);
    expect(await limiter.peek([guesses])).toMatchObject({ allowed: false, retryAfterSeconds: 3 });
    advance(2_000); // still paying for the two over the limit
    expect((await limiter.peek([guesses])).allowed).toBe(false);
    advance(1_000);
    expect((await limiter.peek([guesses])).allowed).toBe(true);
  });
});
