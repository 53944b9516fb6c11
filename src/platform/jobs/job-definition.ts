/**
 * A kind of job: its name, how often it is tried, and how long it waits between tries. Modules
 * declare the jobs they enqueue with `defineJob` and register them with `JobsModule.forFeature`;
 * exactly one provider must handle each (checked at boot).
 */
export interface JobDefinition<P = unknown> {
  readonly name: string;
  readonly maxAttempts: number;
  /** Exponential backoff: base * 2^(attempt-1), capped, with full jitter. */
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /** Carries the payload type only; never set. */
  readonly payloadType?: P;
}

export function defineJob<P>(
  name: string,
  options: { maxAttempts?: number; backoff?: { baseMs: number; maxMs: number } } = {},
): JobDefinition<P> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(name)) {
    throw new Error(`job name "${name}" must be dotted lower-case words, e.g. "erp.post-confirmation"`);
  }
  return Object.freeze({
    name,
    maxAttempts: options.maxAttempts ?? 8,
    backoff: Object.freeze(options.backoff ?? { baseMs: 2_000, maxMs: 15 * 60_000 }),
  });
}

/** Delay before the next try after `attempt` failed tries (1-based), with full jitter. */
export function backoffDelayMs(
  definition: Pick<JobDefinition, 'backoff'>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    definition.backoff.maxMs,
    definition.backoff.baseMs * 2 ** Math.max(0, attempt - 1),
  );
  // Full jitter (half fixed, half random) spreads retries of jobs that failed together.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface JobContext {
  readonly outboxId: string;
  readonly jobKey: string;
  /** 1 on the first try. */
  readonly attempt: number;
  /** The try after which a failure is dead-lettered (deferrals do not use tries up). */
  readonly maxAttempts: number;
  readonly correlationId: string;
  readonly causationId: string | null;
}

export interface JobHandler<P = unknown> {
  handle(payload: P, context: JobContext): Promise<void>;
}

/** A failure that retrying cannot fix (bad payload, a rejected document): dead-lettered at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/**
 * Not a failure: the job cannot run yet (it waits for another to finish first, or for a limit),
 * and is run again after `delayMs` without using up a try.
 */
export class DeferJobError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'DeferJobError';
  }
}

/**
 * A failure whose handler knows its own retry policy (an ERP instance's backoff): the try is used up
 * as with any error, and the next one comes after `delayMs` instead of the job's default backoff.
 */
export class RetryJobError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryJobError';
  }
}
