/** How jobs reach a worker: BullMQ on Redis, or an in-process runner over the outbox. */
export interface JobDriver {
  readonly kind: 'bullmq' | 'in-process';
  /** Starts consuming (worker and all roles only). */
  start(): Promise<void>;
  /** Stops taking work and waits for running jobs, up to the shutdown timeout. */
  stop(): Promise<void>;
  /** Null when healthy; otherwise what is wrong. */
  problem(): Promise<string | null>;
}

export const JOB_DRIVER = Symbol('JOB_DRIVER');

export function workerId(): string {
  return `${process.env.HOSTNAME ?? 'local'}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}
