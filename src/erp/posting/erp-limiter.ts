import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeferJobError } from '../../platform/jobs/job-definition.js';
import { queryRows } from '../../platform/database/sql.js';
import type { ErpInstanceConfig } from '../connections/erp-instances.schema.js';

/**
 * Per-ERP limits shared by every worker process, kept in PostgreSQL so they hold with either job
 * driver and any number of workers:
 * - concurrency: a call takes one of `concurrency` slot rows (leased, so a crashed holder's slot
 *   frees itself after the call's timeout); with none free the job is deferred, not failed;
 * - rate: each call reserves the next start time (`next_at` advances by 1/rate per call, a
 *   generic cell rate algorithm), and waits until it.
 */
@Injectable()
export class ErpLimiter {
  private readonly holder = `${process.pid}:${randomUUID()}`;
  private readonly prepared = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  async run<T>(instance: ErpInstanceConfig, call: () => Promise<T>): Promise<T> {
    const slot = await this.acquire(instance);
    if (slot === undefined) {
      throw new DeferJobError(
        `all ${instance.limits.concurrency} call slots of ERP ${instance.id} are busy`,
        100 + Math.round(Math.random() * 400),
      );
    }
    try {
      const waitMs = await this.reserveStart(instance);
      if (waitMs > 0) await sleep(waitMs);
      return await call();
    } finally {
      await this.release(instance.id, slot);
    }
  }

  private async acquire(instance: ErpInstanceConfig): Promise<number | undefined> {
    if (!this.prepared.has(instance.id)) {
      await this.dataSource.query(
        `INSERT INTO erp_call_slot (erp_instance, slot) SELECT $1, s FROM generate_series(0, $2 - 1) AS s
         ON CONFLICT ON CONSTRAINT pk_erp_call_slot DO NOTHING`,
        [instance.id, instance.limits.concurrency],
      );
      this.prepared.add(instance.id);
    }
    const leaseMs = instance.timeoutMs * 2 + 5_000;
    const [row] = await queryRows<{ slot: number }>(
      this.dataSource,
      `UPDATE erp_call_slot SET holder = $2, expires_at = now() + make_interval(secs => $4::double precision / 1000)
        WHERE erp_instance = $1 AND slot = (
          SELECT slot FROM erp_call_slot
           WHERE erp_instance = $1 AND slot < $3 AND expires_at < now()
           ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING slot`,
      [instance.id, this.holder, instance.limits.concurrency, leaseMs],
    );
    return row?.slot;
  }

  private async release(erpInstance: string, slot: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE erp_call_slot SET holder = NULL, expires_at = '-infinity'
        WHERE erp_instance = $1 AND slot = $2 AND holder = $3`,
      [erpInstance, slot, this.holder],
    );
  }

  /** Milliseconds until this call's reserved start. */
  private async reserveStart(instance: ErpInstanceConfig): Promise<number> {
    const intervalMs = 1000 / instance.limits.ratePerSecond;
    const [row] = await queryRows<{ wait_ms: number }>(
      this.dataSource,
      `INSERT INTO erp_rate AS r (erp_instance, next_at)
       VALUES ($1, now() + make_interval(secs => $2::double precision / 1000))
       ON CONFLICT ON CONSTRAINT pk_erp_rate
       DO UPDATE SET next_at = greatest(r.next_at, now()) + make_interval(secs => $2::double precision / 1000)
       RETURNING greatest(0, extract(epoch FROM (next_at - now())) * 1000 - $2)::float8 AS wait_ms`,
      [instance.id, intervalMs],
    );
    return Math.round(row!.wait_ms);
  }
}
