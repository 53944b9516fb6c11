import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

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

/** Names a worker in locks and attempt histories: host, process, and a random part per driver. */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
