import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../../audit/actor.js';
import { describeActor } from '../../audit/actor.js';
import { AuditService } from '../../audit/audit.service.js';
import { isRowId, queryRows } from '../database/sql.js';
import { lockJobSubject, unfinishedState, type UnfinishedJob } from './job-subject.js';
import type { AttemptRecord } from './outbox.repository.js';

export interface DeadLetter {
  readonly id: string;
  readonly outboxId: string;
  readonly jobKey: string;
  readonly jobName: string;
  readonly payload: unknown;
  readonly correlationId: string;
  readonly error: string;
  readonly attempts: AttemptRecord[];
  readonly deadAt: string;
  readonly replayedAt: string | null;
  readonly replayedBy: string | null;
}

export class DeadLetterNotFoundError extends Error {
  constructor(id: string) {
    super(`dead letter ${id} does not exist`);
    this.name = 'DeadLetterNotFoundError';
  }
}

export class DeadLetterAlreadyReplayedError extends Error {
  constructor(id: string, at: string) {
    super(`dead letter ${id} was already replayed at ${at}`);
    this.name = 'DeadLetterAlreadyReplayedError';
  }
}

/** Another job of the same kind for the same subject (the same payload) is still queued or running. */
export class DeadLetterBusyError extends Error {
  constructor(id: string, jobName: string, busy: UnfinishedJob) {
    super(
      `dead letter ${id} is not replayed now: another ${jobName} job for the same subject (outbox row ${busy.id}) ` +
        `is ${unfinishedState(busy)}; replay it once that job has finished, if it is still needed`,
    );
    this.name = 'DeadLetterBusyError';
  }
}

const COLUMNS = `id::text AS "id", outbox_id::text AS "outboxId", job_key AS "jobKey", job_name AS "jobName",
  payload, correlation_id AS "correlationId", error, attempts,
  to_char(dead_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "deadAt",
  to_char(replayed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "replayedAt",
  replayed_by AS "replayedBy"`;

/** Jobs that ran out of attempts, kept with payload and history until someone replays them. */
@Injectable()
export class DeadLetterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(options: { includeReplayed?: boolean; limit?: number } = {}): Promise<DeadLetter[]> {
    return queryRows<DeadLetter>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM dead_letter
        WHERE $1::boolean OR replayed_at IS NULL
        ORDER BY dead_at DESC, dead_letter.id DESC LIMIT $2`,
      [options.includeReplayed ?? false, options.limit ?? 100],
    );
  }

  async get(id: string): Promise<DeadLetter> {
    if (!isRowId(id)) throw new DeadLetterNotFoundError(id);
    const [row] = await queryRows<DeadLetter>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM dead_letter WHERE id = $1`,
      [id],
    );
    if (!row) throw new DeadLetterNotFoundError(id);
    return row;
  }

  /**
   * Puts the job back in the outbox with fresh attempts, under the same job key, so the effect's
   * idempotency key is unchanged: a replay can never double an effect that did happen.
   */
  async replay(id: string, actor: Actor, note?: string): Promise<DeadLetter> {
    if (!isRowId(id)) throw new DeadLetterNotFoundError(id);
    return this.dataSource.transaction(async (tx) => {
      const [letter] = await queryRows<DeadLetter>(
        tx,
        `SELECT ${COLUMNS} FROM dead_letter WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!letter) throw new DeadLetterNotFoundError(id);
      if (letter.replayedAt) throw new DeadLetterAlreadyReplayedError(id, letter.replayedAt);
      // Another round of the same work (a resend, a redelivery, another dead letter's replay) would
      // run next to the replay, and the one finishing last would decide its subject's state. Under
      // the subject's lock until commit, so two replays of one subject cannot both pass.
      const busy = await lockJobSubject(tx, letter.jobName, letter.payload, { except: letter.outboxId });
      if (busy) throw new DeadLetterBusyError(id, letter.jobName, busy);
      await tx.query(
        `UPDATE outbox SET status = 'pending', attempts = 0, available_at = now(), last_error = NULL,
                locked_by = NULL, locked_until = NULL, updated_at = now()
          WHERE id = $1 AND status = 'dead'`,
        [letter.outboxId],
      );
      const [replayed] = await queryRows<DeadLetter>(
        tx,
        `UPDATE dead_letter SET replayed_at = now(), replayed_by = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, describeActor(actor)],
      );
      await this.audit.record(tx, {
        actor,
        action: 'dead-letter.replayed',
        target: { type: 'dead-letter', id: letter.id },
        before: { replayedAt: null, jobKey: letter.jobKey, error: letter.error },
        after: { replayedAt: replayed!.replayedAt, jobKey: letter.jobKey },
        correlationId: letter.correlationId,
        note: note ?? null,
      });
      return replayed!;
    });
  }
}
