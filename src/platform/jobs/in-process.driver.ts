import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import type { JobDriver } from './job-driver.js';
import { workerId } from './job-driver.js';
import { JobExecutor } from './job-executor.js';
import { OutboxRepository } from './outbox.repository.js';

/**
 * Runs jobs straight from the outbox in this process: claims due rows with SKIP LOCKED, runs them
 * with bounded concurrency, keeps their locks alive while they run. A row whose worker died is
 * claimed again once its lock lapses.
 */
@Injectable()
export class InProcessJobDriver implements JobDriver {
  readonly kind = 'in-process' as const;
  private readonly worker = workerId();
  private readonly active = new Map<string, Promise<unknown>>();
  private running = false;
  private loop?: Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  private lastError: string | null = null;
  private wakeUp?: () => void;

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly outbox: OutboxRepository,
    private readonly executor: JobExecutor,
    @InjectPinoLogger(InProcessJobDriver.name) private readonly logger: PinoLogger,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    const lockMs = this.config.JOBS_LOCK_MS;
    this.heartbeat = setInterval(
      () => {
        this.outbox.extendLocks([...this.active.keys()], this.worker, lockMs).catch((error: unknown) => {
          this.logger.warn({ err: error }, 'could not extend job locks');
        });
      },
      Math.max(250, Math.floor(lockMs / 3)),
    );
    this.heartbeat.unref();
    this.loop = this.pollLoop();
    this.logger.info(
      { worker: this.worker, concurrency: this.config.JOBS_CONCURRENCY },
      'in-process job runner started',
    );
  }

  private async pollLoop(): Promise<void> {
    const { JOBS_CONCURRENCY: concurrency, JOBS_LOCK_MS: lockMs, JOBS_POLL_MS: pollMs } = this.config;
    while (this.running) {
      const free = concurrency - this.active.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const rows = await this.outbox.claimDue(this.worker, free, lockMs);
          claimed = rows.length;
          this.lastError = null;
          for (const row of rows) {
            const run = this.executor
              .run(row, this.worker)
              .catch((error: unknown) => {
                // The outcome could not be recorded (database down): the lock lapses and the row is retried.
                this.logger.error({ err: error, outboxId: row.id }, 'job outcome not recorded');
              })
              .finally(() => {
                this.active.delete(row.id);
                this.wakeUp?.();
              });
            this.active.set(row.id, run);
          }
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.logger.warn({ err: error }, 'claiming jobs failed');
        }
      }
      // Sleep until a running job frees a slot or the poll interval passes; a short batch means
      // nothing more is due right now.
      if (claimed === 0 || claimed === free) await this.nextWake(pollMs);
    }
  }

  private nextWake(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeUp?.();
    clearInterval(this.heartbeat);
    await this.loop;
    const drained = Promise.allSettled([...this.active.values()]);
    await Promise.race([drained, sleep(this.config.SHUTDOWN_TIMEOUT_MS, undefined, { ref: false })]);
  }

  async problem(): Promise<string | null> {
    return this.running ? this.lastError : 'stopped';
  }
}
