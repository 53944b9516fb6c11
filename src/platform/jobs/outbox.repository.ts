import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, type Queryable } from '../database/sql.js';

export type OutboxStatus = 'pending' | 'dispatched' | 'running' | 'done' | 'dead';

export interface AttemptRecord {
  readonly attempt: number;
  readonly at: string;
  readonly worker: string;
  readonly error: string;
}

export interface OutboxRow {
  readonly id: string;
  readonly job_key: string;
  readonly job_name: string;
  readonly payload: unknown;
  readonly correlation_id: string;
  readonly causation_id: string | null;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly attempt_log: AttemptRecord[];
  readonly last_error: string | null;
}

export interface NewOutboxRow {
  readonly jobKey: string;
  readonly jobName: string;
  readonly payload: unknown;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly maxAttempts: number;
  readonly availableAt?: Date;
}

const COLUMNS = `id::text AS id, job_key, job_name, payload, correlation_id, causation_id, status, attempts,
  max_attempts, attempt_log, last_error`;

/**
 * Which run of a job this is, as a deterministic name: its key and how often it was replayed from
 * the dead letters (a replay keeps the key). Every try of one run names the same; a new job (a
 * resend) or a replay names another. What a job gives as the occurrence of the exception it raises,
 * so a problem coming back after a resend or a replay reopens its case and a retried try does not.
 */
export async function jobRun(
  db: Queryable,
  job: { readonly outboxId: string; readonly jobKey: string },
): Promise<string> {
  const [row] = await queryRows<{ replays: number }>(
    db,
    `SELECT count(*)::int AS replays FROM dead_letter WHERE outbox_id = $1 AND replayed_at IS NOT NULL`,
    [job.outboxId],
  );
  return `job ${job.jobKey} run ${1 + (row?.replays ?? 0)}`;
}

/** The outbox table: the record of every job, whichever driver delivers it. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts in the caller's transaction; a key already present means the job exists: returns false. */
  async insert(db: Queryable, row: NewOutboxRow): Promise<boolean> {
    const inserted = await queryRows(
      db,
      `INSERT INTO outbox (job_key, job_name, payload, correlation_id, causation_id, max_attempts, available_at)
       VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7, now()))
       ON CONFLICT ON CONSTRAINT uq_outbox_job_key DO NOTHING
       RETURNING id`,
      [
        row.jobKey,
        row.jobName,
        JSON.stringify(row.payload),
        row.correlationId,
        row.causationId,
        row.maxAttempts,
        row.availableAt ?? null,
      ],
    );
    return inserted.length === 1;
  }

  /**
   * Claims due rows for the in-process runner: pending rows whose time has come, and running rows
   * whose worker's lock lapsed (it crashed). SKIP LOCKED lets several claimers share the table.
   */
  async claimDue(worker: string, limit: number, lockMs: number): Promise<OutboxRow[]> {
    return queryRows<OutboxRow>(
      this.dataSource,
      `UPDATE outbox SET status = 'running', attempts = attempts + 1, locked_by = $1,
              locked_until = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
        WHERE id IN (
          SELECT id FROM outbox
           WHERE (status = 'pending' AND available_at <= now())
              OR (status IN ('running', 'dispatched') AND locked_until < now())
           ORDER BY available_at, id
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [worker, limit, lockMs],
    );
  }

  /**
   * Starts one attempt of a row delivered by the queue. Returns nothing when the row is finished
   * (a redelivery after the outcome was recorded) or a live worker holds it (a duplicate delivery).
   */
  async beginAttempt(id: string, worker: string, lockMs: number): Promise<OutboxRow | undefined> {
    const [row] = await queryRows<OutboxRow>(
      this.dataSource,
      `UPDATE outbox SET status = 'running', attempts = attempts + 1, locked_by = $2,
              locked_until = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
        WHERE id = $1
          AND (status IN ('pending', 'dispatched') OR (status = 'running' AND locked_until < now()))
       RETURNING ${COLUMNS}`,
      [id, worker, lockMs],
    );
    return row;
  }

  /** Extends the lock of rows a live worker is still running. */
  async extendLocks(ids: readonly string[], worker: string, lockMs: number): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE outbox SET locked_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = ANY($1::bigint[]) AND locked_by = $2 AND status = 'running'`,
      [ids, worker, lockMs],
    );
  }

  async markDone(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET status = 'done', done_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
        WHERE id = $1 AND status <> 'dead'`,
      [id],
    );
  }

  /** Records a failed attempt and schedules the next one. */
  async scheduleRetry(id: string, attempt: AttemptRecord, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET status = 'pending', last_error = $2, attempt_log = attempt_log || $3::jsonb,
              available_at = now() + make_interval(secs => $4::double precision / 1000),
              locked_by = NULL, locked_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id, attempt.error, JSON.stringify([attempt]), delayMs],
    );
  }

  /**
   * Runs the row again later without using up a try: the try just begun is given back by raising
   * the ceiling, so attempt numbers (and the queue ids made from them) keep growing.
   */
  async defer(id: string, reason: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET status = 'pending', last_error = $2, max_attempts = max_attempts + 1,
              available_at = now() + make_interval(secs => $3::double precision / 1000),
              locked_by = NULL, locked_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id, `deferred: ${reason}`, delayMs],
    );
  }

  /** Moves a row to the dead-letter table, in one transaction. */
  async bury(id: string, attempt: AttemptRecord): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const [row] = await queryRows<OutboxRow>(
        tx,
        `UPDATE outbox SET status = 'dead', last_error = $2, attempt_log = attempt_log || $3::jsonb,
                locked_by = NULL, locked_until = NULL, updated_at = now()
          WHERE id = $1 AND status = 'running'
         RETURNING ${COLUMNS}`,
        [id, attempt.error, JSON.stringify([attempt])],
      );
      if (!row) return;
      await tx.query(
        `INSERT INTO dead_letter (outbox_id, job_key, job_name, payload, correlation_id, error, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          row.id,
          row.job_key,
          row.job_name,
          JSON.stringify(row.payload),
          row.correlation_id,
          attempt.error,
          JSON.stringify(row.attempt_log),
        ],
      );
    });
  }

  /**
   * Hands due rows to the queue inside one transaction: the rows stay locked (SKIP LOCKED for other
   * relays) while `send` adds them to the queue, then are marked dispatched. A crash after `send`
   * rolls the marking back, and the next pass sends the same deterministic queue ids again, which
   * the queue ignores. A dispatched row that no worker starts within `redispatchAfterMs` (lost in
   * Redis) is sent again, as is a running row whose worker's lock lapsed.
   */
  async dispatchDue(
    limit: number,
    redispatchAfterMs: number,
    send: (rows: Pick<OutboxRow, 'id' | 'job_name' | 'attempts'>[]) => Promise<void>,
  ): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await queryRows<Pick<OutboxRow, 'id' | 'job_name' | 'attempts'>>(
        tx,
        `SELECT id::text AS id, job_name, attempts FROM outbox
          WHERE (status = 'pending' AND available_at <= now())
             OR (status IN ('dispatched', 'running') AND locked_until < now())
          ORDER BY available_at, outbox.id
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await send(rows);
      await tx.query(
        `UPDATE outbox SET status = 'dispatched', dispatched_at = now(), locked_by = NULL,
                locked_until = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
          WHERE id = ANY($1::bigint[])`,
        [rows.map((r) => r.id), redispatchAfterMs],
      );
      return rows.length;
    });
  }

  async countByStatus(): Promise<Record<OutboxStatus, number>> {
    const rows = await queryRows<{ status: OutboxStatus; n: string }>(
      this.dataSource,
      `SELECT status, count(*)::text AS n FROM outbox WHERE status <> 'done' GROUP BY status`,
    );
    const counts = { pending: 0, dispatched: 0, running: 0, done: 0, dead: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }
}
