import { describe, expect, it } from 'vitest';
import type { PinoLogger } from 'nestjs-pino';
import { defineJob, DeferJobError, RetryJobError, type JobHandler } from './job-definition.js';
import { JobExecutor } from './job-executor.js';
import type { JobMetrics } from './job-metrics.js';
import type { JobRegistry } from './job-registry.js';
import type { OutboxRepository, OutboxRow } from './outbox.repository.js';

const job = defineJob<unknown>('test.executor', { maxAttempts: 3, backoff: { baseMs: 1000, maxMs: 1000 } });

function executorFor(handler: JobHandler) {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    (method: string) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
    };
  const outbox = {
    markDone: record('markDone'),
    scheduleRetry: record('scheduleRetry'),
    bury: record('bury'),
    defer: record('defer'),
  } as unknown as OutboxRepository;
  const registry = { get: () => ({ definition: job, handler }) } as unknown as JobRegistry;
  const metrics = { observe: () => undefined } as unknown as JobMetrics;
  const logger = { debug() {}, warn() {}, error() {} } as unknown as PinoLogger;
  return { executor: new JobExecutor(registry, outbox, metrics, logger), calls };
}

const row = (attempts: number): OutboxRow =>
  ({
    id: '7',
    job_key: 'test.executor:k',
    job_name: job.name,
    payload: {},
    correlation_id: 'c',
    causation_id: null,
    status: 'running',
    attempts,
    max_attempts: 3,
    attempt_log: [],
    last_error: null,
  }) as unknown as OutboxRow;

describe('JobExecutor', () => {
  it('defers without recording a failed try, even on the last one', async () => {
    const { executor, calls } = executorFor({
      handle: () => Promise.reject(new DeferJobError('waits for posting 6', 250)),
    });
    await expect(executor.run(row(3), 'w')).resolves.toBe('deferred');
    expect(calls).toEqual([{ method: 'defer', args: ['7', 'waits for posting 6', 250] }]);
  });

  it("retries after the handler's own delay when it names one", async () => {
    const { executor, calls } = executorFor({ handle: () => Promise.reject(new RetryJobError('busy', 42)) });
    await expect(executor.run(row(1), 'w')).resolves.toBe('retry');
    expect(calls[0]).toMatchObject({ method: 'scheduleRetry', args: ['7', expect.anything(), 42] });
  });

  it('gives the handler the ceiling of tries in its context', async () => {
    let seen: unknown;
    const { executor } = executorFor({
      handle: (_p, context) => {
        seen = context;
        return Promise.resolve();
      },
    });
    await executor.run(row(2), 'w');
    expect(seen).toMatchObject({ attempt: 2, maxAttempts: 3 });
  });

  it('dead-letters a handler-delayed retry once the tries are used up', async () => {
    const { executor, calls } = executorFor({ handle: () => Promise.reject(new RetryJobError('busy', 42)) });
    await expect(executor.run(row(3), 'w')).resolves.toBe('dead');
    expect(calls.map((c) => c.method)).toEqual(['bury']);
  });
});
