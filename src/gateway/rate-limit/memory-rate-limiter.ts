import { step, verdictOf, type Limit, type Verdict } from './gcra.js';
import { RateLimiter, type LimitMode } from './rate-limiter.js';

/** The limiter of the single-process embedded mode. */
export class MemoryRateLimiter extends RateLimiter {
  private readonly tats = new Map<string, number>();
  private sweeps = 0;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  protected apply(limits: readonly Limit[], mode: LimitMode): Promise<Verdict> {
    const now = this.now();
    const steps = limits.map((limit) => step(limit, this.tats.get(limit.key), now));
    const verdict = verdictOf(
      limits,
      steps.map((s) => s.tat),
      steps.map((s) => s.waitMs),
      now,
    );
    if (mode === 'charge' || (mode === 'consume' && verdict.allowed))
      limits.forEach((limit, i) => this.tats.set(limit.key, steps[i]!.tat));
    if (++this.sweeps % 10_000 === 0) this.sweep(now);
    return Promise.resolve(verdict);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Forgets keys whose bucket is full again (their TAT is in the past). */
  private sweep(now: number): void {
    for (const [key, tat] of this.tats) if (tat <= now) this.tats.delete(key);
  }
}
