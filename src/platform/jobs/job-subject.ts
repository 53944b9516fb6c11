import type { EntityManager } from 'typeorm';
import { isoTimestamp, queryRows } from '../database/sql.js';
import type { OutboxStatus } from './outbox.repository.js';

/** A job of a subject that has not finished: it will still run, or runs now. */
export interface UnfinishedJob {
  readonly id: string;
  readonly status: Extract<OutboxStatus, 'pending' | 'dispatched' | 'running'>;
  /** When a queued job is due, if that is later than now (a retry's backoff, a deferral). */
  readonly dueAt: string | null;
}

/**
 * The guard of every operator-triggered round of work on an existing subject (a dead-letter replay,
 * an outbound resend, a webhook redelivery): a job's subject is its name and payload (every job's
 * payload names the row it works on). Takes a transaction-scoped advisory lock keyed by the subject,
 * then answers a job of it, other than `except`, that is unfinished: queued (`pending`,
 * `dispatched`) or `running` — a running row whose worker's lock lapsed counts too, since it is
 * claimed and run again. The caller refuses while there is one and otherwise enqueues (or resets) its
 * round in the same transaction, so no two of these callers can both find the subject idle: the
 * second waits for the first's commit and then sees its job.
 *
 * The key is the job name and the payload as jsonb text, which is canonical (key order and spacing
 * do not matter). Works on the embedded PGlite database too, where the one connection never waits.
 */
export async function lockJobSubject(
  tx: EntityManager,
  jobName: string,
  payload: unknown,
  options: { readonly except?: string } = {},
): Promise<UnfinishedJob | undefined> {
  if (!tx.queryRunner?.isTransactionActive)
    // Outside a transaction the lock would end with its statement and guard nothing.
    throw new Error(`lockJobSubject ${jobName}: call inside a transaction`);
  const subject = JSON.stringify(payload);
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('job-subject:' || $1 || ':' || ($2::jsonb)::text, 0))`,
    [jobName, subject],
  );
  const [row] = await queryRows<UnfinishedJob>(
    tx,
    `SELECT id::text AS id, status,
            CASE WHEN status = 'pending' AND available_at > now() THEN ${isoTimestamp('available_at')} END AS "dueAt"
       FROM outbox
      WHERE job_name = $1 AND payload = $2::jsonb AND id <> COALESCE($3::bigint, -1)
        AND status IN ('pending', 'dispatched', 'running')
      ORDER BY outbox.id
      LIMIT 1`,
    [jobName, subject, options.except ?? null],
  );
  return row;
}

/** How a refusal names an unfinished job to an operator: `still queued (due …)` or `still under way`. */
export function unfinishedState(job: UnfinishedJob): string {
  if (job.status === 'running') return 'still under way';
  return job.dueAt ? `still queued (due ${job.dueAt})` : 'still queued';
}
