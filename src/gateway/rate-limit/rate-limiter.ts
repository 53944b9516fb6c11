import type { PinoLogger } from 'nestjs-pino';
import type { Limit, Verdict } from './gcra.js';

/**
 * How a request meets its limits: `consume` counts it only when every limit allows it (all or
 * nothing); `peek` only asks whether one would be allowed now; `charge` counts it whatever the answer
 * (failed authentications: every guess counts, so concurrent guesses cannot slip past the limit).
 */
export type LimitMode = 'consume' | 'peek' | 'charge';

/**
 * Checks and counts requests against limits. In the single-process embedded mode the state lives in
 * memory; whenever several processes run it lives in Redis, so the limit holds across all of them.
 */
export abstract class RateLimiter {
  /** Checks and consumes one request against every given limit at once: all of them count it or none. */
  consume(limits: readonly Limit[]): Promise<Verdict> {
    return this.apply(limits, 'consume');
  }

  /** Whether one more request would be allowed now; counts nothing. */
  peek(limits: readonly Limit[]): Promise<Verdict> {
    return this.apply(limits, 'peek');
  }

  /** Counts one request against every limit even when over it; the verdict is as before the charge. */
  charge(limits: readonly Limit[]): Promise<Verdict> {
    return this.apply(limits, 'charge');
  }

  protected abstract apply(limits: readonly Limit[], mode: LimitMode): Promise<Verdict>;
  abstract close(): Promise<void>;
}

/**
 * A limiter call that cannot answer (Redis down or slow) must not take the gateway down with it:
 * undefined, so the caller lets the request through, with a warning (availability over strictness).
 */
export async function unlessLimiterDown(
  call: Promise<Verdict>,
  logger: PinoLogger,
): Promise<Verdict | undefined> {
  try {
    return await call;
  } catch (error) {
    logger.warn({ err: error }, 'rate limiter unavailable; request not counted');
    return undefined;
  }
}
