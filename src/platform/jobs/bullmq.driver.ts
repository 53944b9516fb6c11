import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { faultPoint } from '../faults/fault-point.js';
import type { JobDriver } from './job-driver.js';
import { workerId } from './job-driver.js';
import { JobExecutor } from './job-executor.js';
import { OutboxRepository } from './outbox.repository.js';

export const JOBS_QUEUE = 'gateway-jobs';

interface QueuedJob {
  readonly outboxId: string;
}

/**
 * Delivers outbox rows through BullMQ so that many worker processes share the work. The outbox
 * stays the record: a relay copies due rows into the queue under deterministic ids
 * (`ob-<row>-<attempt>`), and workers record every outcome back in the outbox. Retries are
 * scheduled by the outbox, not by BullMQ, so both drivers retry alike.
 */
@Injectable()
export class BullMqJobDriver implements JobDriver {
  readonly kind = 'bullmq' as const;
  private readonly worker = workerId();
  private readonly active = new Set<string>();
  private bullWorker?: Worker<QueuedJob>;
  private running = false;
  private relay?: Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  private lastError: string | null = null;

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    @InjectQueue(JOBS_QUEUE) private readonly queue: Queue<QueuedJob>,
    private readonly outbox: OutboxRepository,
    private readonly executor: JobExecutor,
    @InjectPinoLogger(BullMqJobDriver.name) private readonly logger: PinoLogger,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    const lockMs = this.config.JOBS_LOCK_MS;
    this.bullWorker = new Worker<QueuedJob>(JOBS_QUEUE, (job) => this.process(job), {
      connection: this.queue.opts.connection,
      prefix: this.queue.opts.prefix,
      concurrency: this.config.JOBS_CONCURRENCY,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      // A stalled job is redelivered, never failed: the outbox decides when a job is dead.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      autorun: false,
    });
    this.bullWorker.on('error', (error) => {
      this.lastError = error.message;
      this.logger.warn({ err: error }, 'BullMQ worker error');
    });
    void this.bullWorker
      .run()
      .catch((error: unknown) => this.logger.error({ err: error }, 'BullMQ worker stopped'));
    this.heartbeat = setInterval(
      () => {
        this.outbox.extendLocks([...this.active], this.worker, lockMs).catch((error: unknown) => {
          this.logger.warn({ err: error }, 'could not extend job locks');
        });
      },
      Math.max(250, Math.floor(lockMs / 3)),
    );
    this.heartbeat.unref();
    this.relay = this.relayLoop();
    this.logger.info(
      { worker: this.worker, concurrency: this.config.JOBS_CONCURRENCY },
      'BullMQ job worker started',
    );
  }

  private async process(job: Job<QueuedJob>): Promise<void> {
    const row = await this.outbox.beginAttempt(job.data.outboxId, this.worker, this.config.JOBS_LOCK_MS);
    if (!row) return; // finished already, or another worker holds it: nothing to do.
    this.active.add(row.id);
    try {
      await this.executor.run(row, this.worker);
    } finally {
      this.active.delete(row.id);
    }
  }

  /** Copies due outbox rows into the queue. Several relays may run; SKIP LOCKED keeps them apart. */
  private async relayLoop(): Promise<void> {
    const batch = 500;
    // A dispatched row nobody started within this time is presumed lost in Redis and sent again.
    const redispatchAfterMs = Math.max(5 * 60_000, this.config.JOBS_LOCK_MS * 2);
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.outbox.dispatchDue(batch, redispatchAfterMs, async (rows) => {
          await this.queue.addBulk(
            rows.map((row) => ({
              name: row.job_name,
              data: { outboxId: row.id },
              opts: {
                jobId: `ob-${row.id}-${row.attempts}`,
                attempts: 1,
                removeOnComplete: { age: 3600, count: 50_000 },
                removeOnFail: { age: 7 * 24 * 3600 },
              },
            })),
          );
          faultPoint('job.after-dispatch');
        });
        this.lastError = null;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.warn({ err: error }, 'outbox relay failed');
      }
      if (sent < batch) await sleepUnlessStopped(this.config.JOBS_POLL_MS, () => this.running);
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.heartbeat);
    await this.relay;
    // close() waits for running jobs to finish.
    await Promise.race([
      this.bullWorker?.close(),
      new Promise((resolve) => setTimeout(resolve, this.config.SHUTDOWN_TIMEOUT_MS).unref()),
    ]);
  }

  async problem(): Promise<string | null> {
    if (!this.running) return 'stopped';
    try {
      await this.queue.getJobCounts('wait');
    } catch (error) {
      return `redis: ${error instanceof Error ? error.message : String(error)}`;
    }
    return this.lastError;
  }
}

async function sleepUnlessStopped(ms: number, running: () => boolean): Promise<void> {
  const step = 100;
  for (let waited = 0; waited < ms && running(); waited += step) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(step, ms - waited)));
  }
}
