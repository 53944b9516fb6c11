import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { faultPoint } from '../faults/fault-point.js';
import { withCorrelation } from '../logging/correlation.js';
import { JobMetrics } from './job-metrics.js';
import {
  backoffDelayMs,
  DeferJobError,
  PermanentJobError,
  RetryJobError,
  type JobContext,
} from './job-definition.js';
import { JobRegistry } from './job-registry.js';
import { OutboxRepository, type AttemptRecord, type OutboxRow } from './outbox.repository.js';

export type AttemptOutcome = 'done' | 'retry' | 'dead' | 'deferred';

/**
 * Runs one attempt of one outbox row, the same way for every driver: the handler, then the outcome
 * recorded in the outbox (done, retry after backoff, or dead letter). The queue is only a delivery
 * mechanism; attempts and retries are counted here, in PostgreSQL.
 */
@Injectable()
export class JobExecutor {
  constructor(
    private readonly registry: JobRegistry,
    private readonly outbox: OutboxRepository,
    private readonly metrics: JobMetrics,
    @InjectPinoLogger(JobExecutor.name) private readonly logger: PinoLogger,
  ) {}

  async run(row: OutboxRow, worker: string): Promise<AttemptOutcome> {
    return withCorrelation(row.correlation_id, () => this.attempt(row, worker));
  }

  private async attempt(row: OutboxRow, worker: string): Promise<AttemptOutcome> {
    const started = performance.now();
    const job = this.registry.get(row.job_name);
    const context: JobContext = {
      outboxId: row.id,
      jobKey: row.job_key,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      correlationId: row.correlation_id,
      causationId: row.causation_id,
    };
    try {
      if (!job) throw new PermanentJobError(`no handler for job "${row.job_name}" in this version`);
      await job.handler.handle(row.payload, context);
    } catch (error) {
      if (error instanceof DeferJobError && job) {
        await this.outbox.defer(row.id, error.message, error.delayMs);
        this.logger.debug({ job: row.job_name, jobKey: row.job_key, delayMs: error.delayMs }, error.message);
        this.metrics.observe(row.job_name, 'deferred', performance.now() - started);
        return 'deferred';
      }
      const outcome = await this.fail(row, worker, error, job?.definition);
      this.metrics.observe(row.job_name, outcome, performance.now() - started);
      return outcome;
    }
    faultPoint('job.after-commit');
    await this.outbox.markDone(row.id);
    this.metrics.observe(row.job_name, 'done', performance.now() - started);
    return 'done';
  }

  private async fail(
    row: OutboxRow,
    worker: string,
    error: unknown,
    definition: Parameters<typeof backoffDelayMs>[0] | undefined,
  ): Promise<AttemptOutcome> {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const record: AttemptRecord = {
      attempt: row.attempts,
      at: new Date().toISOString(),
      worker,
      error: message,
    };
    const permanent = error instanceof PermanentJobError || !definition;
    if (permanent || row.attempts >= row.max_attempts) {
      await this.outbox.bury(row.id, record);
      this.logger.error(
        { job: row.job_name, jobKey: row.job_key, attempt: row.attempts, err: error },
        'job dead-lettered',
      );
      return 'dead';
    }
    const delayMs = error instanceof RetryJobError ? error.delayMs : backoffDelayMs(definition, row.attempts);
    await this.outbox.scheduleRetry(row.id, record, delayMs);
    this.logger.warn(
      { job: row.job_name, jobKey: row.job_key, attempt: row.attempts, delayMs, err: error },
      'job failed, will retry',
    );
    return 'retry';
  }
}
