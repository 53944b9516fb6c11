/**
 * Generic cell rate algorithm (a token bucket kept as one timestamp): `ratePerSecond` sustained, up
 * to `burst` requests at once. The state of a key is its theoretical arrival time (TAT); a request is
 * allowed when TAT + interval - burst × interval ≤ now. Pure, so the Redis script and the in-memory
 * limiter share one tested definition (the script in redis-rate-limiter.ts mirrors `decide`).
 */
export interface Limit {
  readonly key: string;
  readonly ratePerSecond: number;
  readonly burst: number;
}

export interface LimitState {
  /** Remaining requests allowed at once after this one. */
  readonly remaining: number;
  /** Milliseconds until the bucket is full again. */
  readonly resetMs: number;
}

export interface Verdict {
  readonly allowed: boolean;
  /** Seconds to wait before a retry can succeed (0 when allowed). */
  readonly retryAfterSeconds: number;
  /** The most constraining limit, for the RateLimit-* headers. */
  readonly limit: Limit;
  readonly remaining: number;
  readonly resetSeconds: number;
}

export function intervalMs(limit: Pick<Limit, 'ratePerSecond'>): number {
  return 1000 / limit.ratePerSecond;
}

/** One key's step: the TAT it would move to and, if refused, how long until it would not be. */
export function step(
  limit: Limit,
  storedTat: number | undefined,
  now: number,
): { tat: number; waitMs: number } {
  const interval = intervalMs(limit);
  const tat = Math.max(storedTat ?? now, now) + interval;
  const allowAt = tat - limit.burst * interval;
  return { tat, waitMs: Math.max(0, allowAt - now) };
}

export function stateAfter(limit: Limit, tat: number, now: number): LimitState {
  const interval = intervalMs(limit);
  const remaining = Math.max(0, Math.floor((limit.burst * interval - (tat - now)) / interval + 1e-9));
  return { remaining, resetMs: Math.max(0, tat - now) };
}

/** The verdict for several limits that must all allow the request (all-or-nothing). */
export function verdictOf(
  limits: readonly Limit[],
  tats: readonly number[],
  waits: readonly number[],
  now: number,
): Verdict {
  const allowed = waits.every((w) => w === 0);
  let tightest = 0;
  let least = Infinity;
  limits.forEach((limit, i) => {
    const remaining = allowed ? stateAfter(limit, tats[i]!, now).remaining : 0;
    if (remaining < least || (remaining === least && waits[i]! > waits[tightest]!)) {
      least = remaining;
      tightest = i;
    }
  });
  const limit = limits[tightest]!;
  const wait = Math.max(...waits);
  return {
    allowed,
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(wait / 1000)),
    limit,
    remaining: least === Infinity ? limit.burst : least,
    resetSeconds: Math.ceil(Math.max(0, (tats[tightest] ?? now) - now) / 1000),
  };
}
