import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { faultPoint } from '../faults/fault-point.js';
import { IdempotencyService } from '../jobs/idempotency.service.js';
import { defineJob, PermanentJobError, type JobContext, type JobHandler } from '../jobs/job-definition.js';
import { HandlesJob } from '../jobs/job-handler.decorator.js';

export interface ProbePayload {
  readonly run: string;
  readonly seq: number;
  /** Fail this many attempts before succeeding (to watch retries). */
  readonly failAttempts?: number;
  /** Fail permanently (to watch dead-lettering and replay). */
  readonly permanent?: boolean;
}

/**
 * A job whose effect is a row, written exactly once through the idempotent-consumer helper. Operators
 * run it (`gateway diagnostics jobs`) to prove the job path on a deployment; the crash tests flood it.
 */
export const ProbeJob = defineJob<ProbePayload>('diagnostics.probe', {
  maxAttempts: 25,
  backoff: { baseMs: 100, maxMs: 2_000 },
});

@Injectable()
@HandlesJob(ProbeJob)
export class ProbeJobHandler implements JobHandler<ProbePayload> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
  ) {}

  async handle(payload: ProbePayload, context: JobContext): Promise<void> {
    if (payload.permanent) throw new PermanentJobError(`probe ${payload.run}/${payload.seq} asked to fail`);
    if (payload.failAttempts && context.attempt <= payload.failAttempts) {
      throw new Error(`probe ${payload.run}/${payload.seq} failing attempt ${context.attempt} on purpose`);
    }
    await this.dataSource.transaction(async (tx) => {
      await this.idempotency.once(tx, ProbeJob.name, `${payload.run}:${payload.seq}`, async () => {
        await tx.query(
          `INSERT INTO diagnostic_probe_effect (run, seq, attempt, worker_pid) VALUES ($1, $2, $3, $4)`,
          [payload.run, payload.seq, context.attempt, process.pid],
        );
      });
      faultPoint('job.effect.in-transaction');
    });
  }
}
