import type { Limit, Verdict } from './gcra.js';

/**
 * Checks and consumes one request against every given limit at once: either all of them count it or
 * none does. In the single-process embedded mode the state lives in memory; whenever several
 * processes run it lives in Redis, so the limit holds across all of them.
 */
export abstract class RateLimiter {
  abstract consume(limits: readonly Limit[]): Promise<Verdict>;
  abstract close(): Promise<void>;
}
