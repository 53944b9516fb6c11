import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import type { Differences } from '../exceptions/exception.types.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { ArchivedInterchange, InterchangeStatus } from '../interchanges/interchange.types.js';
import type { JobDefinition } from '../platform/jobs/job-definition.js';
import { queryRows } from '../platform/database/sql.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { OutboundAcknowledgeJob } from '../outbound/outbound.jobs.js';

/** An intake's result: `X12IntakeResult` and `EdifactIntakeResult` differ only in their interchanges. */
export interface IntakeResult<I> {
  readonly interchangeId: string;
  readonly status: InterchangeStatus;
  readonly detail: string | null;
  readonly interchanges: readonly I[];
  readonly replayed: boolean;
}

/** What `X12IntakeVerdict` and `EdifactIntakeVerdict` have in common. */
export type IntakeVerdict =
  | { readonly outcome: 'accepted' }
  | {
      readonly outcome: 'rejected';
      readonly reason: string;
      readonly detail: string;
      readonly duplicateOf?: { readonly interchangeId: string; readonly receivedAt: Date };
      readonly differences?: Differences;
    };

/** How the intake ends a receipt, once every interchange in it is judged and answered. */
export interface IntakeOutcome<I> {
  /** Where the result is kept in the archive row's `answer` (`x12Intake`, `edifactIntake`). */
  readonly key: string;
  readonly interchanges: I[];
  readonly status: InterchangeStatus;
  readonly detail: string | null;
  /** Whether any interchange is owed an acknowledgment (TA1/997/999, CONTRL). */
  readonly acknowledged: boolean;
  /** The translation job an accepted receipt goes on to. */
  readonly translation: JobDefinition<{ interchangeId: string }>;
}

/**
 * What the X12 and EDIFACT intakes write about a receipt besides its acknowledgments, the same for
 * both: the row locked for the intake, `interchange.rejected` cases, the status and recorded result,
 * and the jobs that follow (the acknowledgments' delivery, the translation), all in the caller's
 * transaction; and the answer to a receipt the archive found to be a repeat (the original's result).
 */
@Injectable()
export class IntakeRecordService {
  constructor(
    private readonly archive: InterchangeArchive,
    private readonly exceptions: ExceptionService,
    private readonly outbox: OutboxService,
  ) {}

  /** Locks the archive row for the intake; undefined when it is gone. */
  async lock(
    tx: EntityManager,
    interchangeId: string,
  ): Promise<{ status: InterchangeStatus; answer: unknown } | undefined> {
    const [locked] = await queryRows<{ status: InterchangeStatus; answer: unknown }>(
      tx,
      `SELECT status, answer FROM interchange WHERE id = $1 FOR UPDATE`,
      [interchangeId],
    );
    return locked;
  }

  /** Raises an `interchange.rejected` case about the receipt; returns its id. */
  async raiseRejected(
    tx: EntityManager,
    row: ArchivedInterchange,
    dedupeKey: string,
    summary: string,
    differences: Differences = {},
  ): Promise<string> {
    const raised = await this.exceptions.raise(
      tx,
      {
        type: 'interchange.rejected',
        dedupeKey,
        summary: clip(summary),
        references: { partnerId: row.partnerId, interchangeId: row.id },
        differences,
        correlationId: row.correlationId,
      },
      GATEWAY_ACTOR,
    );
    return raised.case.id;
  }

  /**
   * The case a rejected interchange needs. None for a duplicate, the sender's routine resend that its
   * acknowledgment (TA1 025, CONTRL 26) tells, unless that acknowledgment could not be written (`untold`):
   * then nobody tells the partner, which resends again and again, so a person must. `interchange` names
   * it in the summary. Returns the case id, or null when none was raised.
   */
  async raiseForVerdict(
    tx: EntityManager,
    row: ArchivedInterchange,
    position: number,
    verdict: IntakeVerdict,
    interchange: string,
    /** The acknowledgment that tells the partner of a rejection, when it could not be written, and why. */
    untold?: { readonly ack: string; readonly reason: string },
  ): Promise<string | null> {
    if (verdict.outcome !== 'rejected' || (verdict.reason === 'duplicate' && untold === undefined))
      return null;
    return this.raiseRejected(
      tx,
      row,
      `interchange:${row.id}:${position}`,
      clip(
        `${interchange} rejected: ${verdict.detail}`,
        untold === undefined
          ? ''
          : `; the partner got no ${untold.ack}, it could not be written (${untold.reason}): tell the partner`,
      ),
      {
        ...verdict.differences,
        ...(untold === undefined ? {} : { acknowledgment: { expected: untold.ack, actual: untold.reason } }),
      },
    );
  }

  async finish<I>(
    tx: EntityManager,
    row: ArchivedInterchange,
    answer: unknown,
    outcome: IntakeOutcome<I>,
  ): Promise<IntakeResult<I>> {
    const { key, interchanges, status, detail } = outcome;
    const result: IntakeResult<I> = { interchangeId: row.id, status, detail, interchanges, replayed: false };
    await this.archive.setStatus(row.id, status, detail ?? undefined, tx);
    // Kept beside whatever the channel recorded (an MDN, an HTTP answer), so a duplicate receipt is
    // told the same acknowledgments (InterchangeArchive returns the original's answer).
    const { replayed: _replayed, ...stored } = result;
    await this.archive.recordAnswer(row.id, { ...asObject(answer), [key]: stored }, tx);
    // The acknowledgments go back to the partner through the outbound delivery (src/outbound).
    if (outcome.acknowledged)
      await this.outbox.enqueue(
        tx,
        OutboundAcknowledgeJob,
        { interchangeId: row.id },
        { key: row.id, correlationId: row.correlationId },
      );
    // An accepted receipt goes on to translation, in this transaction (x12-translation.job.ts,
    // edifact-translation.job.ts).
    if (status === 'processing')
      await this.outbox.enqueue(
        tx,
        outcome.translation,
        { interchangeId: row.id },
        { key: row.id, correlationId: row.correlationId },
      );
    return result;
  }

  /** A receipt the archive already classified as a repeat: the original's intake answers for it. */
  async answerOfOriginal<I>(row: ArchivedInterchange, key: string): Promise<IntakeResult<I>> {
    const original = await this.archive.get(row.duplicateOf!);
    const previous = recordedIntake<I>(original.answer, key);
    return {
      interchangeId: row.id,
      status: row.status,
      detail: `${row.status} of interchange ${original.id}; not processed again`,
      interchanges: previous?.interchanges ?? [],
      replayed: true,
    };
  }
}

/** The result an earlier run of the intake recorded under `key`, if any. */
export function recordedIntake<I>(
  answer: unknown,
  key: string,
): Omit<IntakeResult<I>, 'replayed'> | undefined {
  const value = asObject(answer)[key];
  return value && typeof value === 'object' ? (value as Omit<IntakeResult<I>, 'replayed'>) : undefined;
}

/** For a duplicate: the earlier acceptance its verdict names, as the result records it. */
export function recordedDuplicateOf(
  verdict: IntakeVerdict,
): { readonly interchangeId: string; readonly receivedAt: string } | null {
  return verdict.outcome === 'rejected' && verdict.duplicateOf
    ? {
        interchangeId: verdict.duplicateOf.interchangeId,
        receivedAt: verdict.duplicateOf.receivedAt.toISOString(),
      }
    : null;
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * A case summary: at most 500 characters (the exception store makes quoted envelope values storable).
 * `tail` is kept whole (up to 250 characters), so a long detail never cuts off what it says.
 */
export function clip(text: string, tail = ''): string {
  const end = tail.length <= 250 ? tail : `${tail.slice(0, 249)}…`;
  const room = 500 - end.length;
  return (text.length <= room ? text : `${text.slice(0, room - 1)}…`) + end;
}
