import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id of the work in progress (an HTTP request, a job, a poll), carried through
 * async calls so that every log line and every event written on the way can name it.
 */
interface CorrelationScope {
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationScope>();

/** Lines logged outside any request or job (boot, shutdown, timers) carry the process's own id. */
export const PROCESS_CORRELATION_ID = `process-${randomUUID()}`;

export function currentCorrelationId(): string {
  return storage.getStore()?.correlationId ?? PROCESS_CORRELATION_ID;
}

export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

export function newCorrelationId(): string {
  return randomUUID();
}

/** Accepts a caller's id when it is a plausible token; anything else (too long, odd bytes) is replaced. */
export function acceptCorrelationId(candidate: unknown): string {
  return typeof candidate === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(candidate)
    ? candidate
    : newCorrelationId();
}
