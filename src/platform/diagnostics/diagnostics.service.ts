import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/sql.js';
import { OutboxService } from '../jobs/outbox.service.js';
import { ProbeJob, type ProbePayload } from './probe.job.js';

export interface ProbeReport {
  readonly run: string;
  readonly expected: number;
  /** Jobs whose effect exists exactly once. */
  readonly once: number;
  readonly missing: number[];
  readonly doubled: number[];
  readonly outbox: Record<string, number>;
}

@Injectable()
export class DiagnosticsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /** Enqueues `count` probe jobs for `run`, in transactions of up to 500. */
  async enqueueProbes(
    run: string,
    count: number,
    options: Omit<ProbePayload, 'run' | 'seq'> = {},
  ): Promise<void> {
    for (let start = 0; start < count; start += 500) {
      const end = Math.min(count, start + 500);
      await this.dataSource.transaction(async (tx) => {
        for (let seq = start; seq < end; seq++) {
          await this.outbox.enqueue(tx, ProbeJob, { run, seq, ...options }, { key: `${run}:${seq}` });
        }
      });
    }
  }

  async report(run: string): Promise<ProbeReport> {
    const [{ expected }] = (await queryRows<{ expected: number }>(
      this.dataSource,
      `SELECT count(*)::int AS expected FROM outbox WHERE job_name = $1 AND payload->>'run' = $2`,
      [ProbeJob.name, run],
    )) as [{ expected: number }];
    const effects = await queryRows<{ seq: number; n: number }>(
      this.dataSource,
      `SELECT seq, count(*)::int AS n FROM diagnostic_probe_effect WHERE run = $1 GROUP BY seq`,
      [run],
    );
    const seen = new Map(effects.map((e) => [e.seq, e.n]));
    const missing: number[] = [];
    for (let seq = 0; seq < expected; seq++) if (!seen.has(seq)) missing.push(seq);
    const doubled = effects.filter((e) => e.n > 1).map((e) => e.seq);
    const statuses = await queryRows<{ status: string; n: number }>(
      this.dataSource,
      `SELECT status, count(*)::int AS n FROM outbox WHERE job_name = $1 AND payload->>'run' = $2 GROUP BY status`,
      [ProbeJob.name, run],
    );
    return {
      run,
      expected,
      once: effects.filter((e) => e.n === 1).length,
      missing,
      doubled,
      outbox: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
    };
  }
}
