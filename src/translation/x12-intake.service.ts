import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import {
  buildX12Acknowledgment,
  readX12,
  x12ReadOptions,
  type X12AckOptions,
  type X12AckResult,
  type X12ControlNumberKind,
  type X12InterchangeResult,
  type X12Issue,
  type X12IssueKind,
} from '../edi/x12/index.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import type { Differences } from '../exceptions/exception.types.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { ArchivedInterchange, InterchangeStatus } from '../interchanges/interchange.types.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { queryRows } from '../platform/database/sql.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import {
  checkSenderBinding,
  senderLabel,
  senderOf,
  type BoundPartner,
  type X12Sender,
} from './sender-binding.js';
import { UNIDENTIFIED_COUNTER, X12ControlNumbersRepository } from './x12-control-numbers.repository.js';
import {
  checkX12Receiver,
  ourGsCode,
  ourX12Receivers,
  x12ApplicationReceiverCheck,
} from './receiver-check.js';
import { outsideInterchange } from './stream-issues.js';
import { X12TranslationJob } from './x12-translation.job-definition.js';
import { OutboundAcknowledgeJob } from '../outbound/outbound.jobs.js';
import type {
  X12IntakeAck,
  X12IntakeInterchange,
  X12IntakeReason,
  X12IntakeResult,
} from './x12-intake.types.js';

/** Key of the intake's record inside the archive row's `answer` (other channels keep theirs beside it). */
export const ANSWER_KEY = 'x12Intake';

export class X12IntakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'X12IntakeError';
  }
}

type Verdict = { readonly outcome: 'accepted' } | Rejection;

interface Rejection {
  readonly outcome: 'rejected';
  readonly reason: Exclude<X12IntakeReason, 'accepted'>;
  readonly detail: string;
  /** Gateway-level finding put in front of the library's, so its TA105 is the one the TA1 carries. */
  readonly finding?: { readonly kind: X12IssueKind; readonly code: string };
  readonly duplicateOf?: { readonly interchangeId: string; readonly receivedAt: Date };
  readonly differences?: Differences;
}

/**
 * The first step of translating an archived X12 receipt: read and validate it with src/edi/x12, refuse
 * an interchange addressed to someone else (when our receiver ids are configured), bind every
 * interchange's senders to the partner the channel authenticated, refuse repeated ISA13s within
 * the duplicate window, and build the acknowledgment each interchange is owed (TA1 and/or 997/999,
 * control numbers from the partner's counters). Business translation comes later; an accepted
 * interchange leaves the row `processing` for it.
 *
 * Everything one receipt changes (statuses, control numbers, the recorded answer, exceptions) is
 * written in one transaction, and nothing awaits another connection meanwhile (one-connection rule).
 */
@Injectable()
export class X12IntakeService {
  /** Our ISA07/ISA08 identities; undefined: ISA08 is not checked (GATEWAY_X12_RECEIVER_IDS unset). */
  private readonly ourReceivers: readonly string[] | undefined;
  /** Whether a GS03 is ours; undefined: not checked (GATEWAY_X12_APPLICATION_RECEIVER_CODES unset). */
  private readonly isApplicationReceiver: ((code: string) => boolean) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly archive: InterchangeArchive,
    private readonly partners: PartnerRegistry,
    private readonly exceptions: ExceptionService,
    private readonly controls: X12ControlNumbersRepository,
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly outbox: OutboxService,
  ) {
    this.ourReceivers = ourX12Receivers(config);
    this.isApplicationReceiver = x12ApplicationReceiverCheck(config);
  }

  async check(interchangeId: string): Promise<X12IntakeResult> {
    // Read before the transaction opens: both use their own connection.
    const row = await this.archive.get(interchangeId);
    if (row.direction !== 'inbound')
      throw new X12IntakeError(`interchange ${row.id} is not an inbound receipt`);
    if (row.duplicateOf !== null) return this.answerOfOriginal(row);
    const payload = await this.archive.payload(row.id);
    // Grammars on: transaction-set content errors are answered in the 997/999 (AK3/AK4, AK5 R).
    // A group addressed to a GS03 not ours is rejected (AK9 R) and never translated (the translation
    // service reads with the same check).
    const validation = readX12(
      payload,
      {},
      {
        ...x12ReadOptions(),
        ...(this.isApplicationReceiver ? { isApplicationReceiver: this.isApplicationReceiver } : {}),
      },
    );
    const now = new Date();

    return this.dataSource.transaction(async (tx) => {
      const [locked] = await queryRows<{ status: InterchangeStatus; answer: unknown }>(
        tx,
        `SELECT status, answer FROM interchange WHERE id = $1 FOR UPDATE`,
        [row.id],
      );
      const previous = recordedIntake(locked?.answer);
      // A retried job finds the first run's result: nothing is counted, recorded or raised twice.
      if (previous) return { ...previous, replayed: true };
      if (locked?.status !== 'received') {
        throw new X12IntakeError(`interchange ${row.id} is ${locked?.status ?? 'gone'}, not received`);
      }

      const profile = row.partnerId ? this.partners.get(row.partnerId) : undefined;
      const results: X12IntakeInterchange[] = [];
      for (const [position, ic] of validation.interchanges.entries()) {
        const verdict = await this.judge(tx, row, profile, ic, position);
        results.push(await this.answer(tx, row, profile, ic, position, verdict, now));
      }
      if (results.length === 0) {
        // An unreadable ISA cannot be answered by TA1 (ACK-CODES.md); a person must look at it.
        const first = validation.streamIssues[0] ?? validation.issues[0];
        const detail = `x12 intake: no readable interchange${first ? ` (${first.message})` : ''}`;
        await this.exceptions.raise(
          tx,
          {
            type: 'interchange.rejected',
            dedupeKey: `interchange:${row.id}`,
            summary: clip(detail),
            references: { partnerId: row.partnerId, interchangeId: row.id },
            correlationId: row.correlationId,
          },
          GATEWAY_ACTOR,
        );
        return this.finish(tx, row, locked.answer, results, 'rejected', detail);
      }
      const accepted = results.filter((r) => r.outcome === 'accepted').length;
      const rejected = results.filter((r) => r.outcome === 'rejected');
      const unanswered = results.filter((r) => r.outcome === 'accepted' && r.ack === null && r.ackProblem);
      const outside = outsideInterchange('X12', validation.streamIssues);
      if (outside)
        await this.exceptions.raise(
          tx,
          {
            type: 'interchange.rejected',
            dedupeKey: `interchange:${row.id}:stream`,
            summary: clip(`X12 receipt ${row.id}: ${outside.detail}`),
            references: { partnerId: row.partnerId, interchangeId: row.id },
            differences: outside.differences,
            correlationId: row.correlationId,
          },
          GATEWAY_ACTOR,
        );
      const lines = [
        ...(rejected.length === 0
          ? []
          : [
              `${accepted} of ${results.length} interchanges accepted; ` +
                rejected.map((r) => `ISA13 ${r.controlNumber}: ${r.detail}`).join('; '),
            ]),
        ...unanswered.map(
          (r) => `ISA13 ${r.controlNumber} accepted, but no acknowledgment could be written: ${r.ackProblem}`,
        ),
        ...(outside ? [outside.detail] : []),
      ];
      const detail = lines.length === 0 ? null : `x12 intake: ${lines.join('; ')}`;
      return this.finish(tx, row, locked.answer, results, accepted > 0 ? 'processing' : 'rejected', detail);
    });
  }

  /**
   * Envelope, then receiver (is it for us at all?), then sender binding, then the duplicate window
   * (recording the ISA13 when it passes).
   */
  private async judge(
    tx: EntityManager,
    row: ArchivedInterchange,
    profile: PartnerProfile | undefined,
    ic: X12InterchangeResult,
    position: number,
  ): Promise<Verdict> {
    if (ic.status === 'rejected') {
      const codes = ic.issues
        .filter((i) => i.severity === 'error')
        .map((i) => `${i.code ?? '?'} ${i.message}`);
      return {
        outcome: 'rejected',
        reason: 'envelope',
        detail: `envelope rejected: ${codes.join('; ')}`,
        differences: { envelope: { expected: 'a valid ISA/IEA envelope', actual: codes.slice(0, 20) } },
      };
    }
    const receiver = checkX12Receiver(ic, this.ourReceivers);
    if (!receiver.ours) {
      return {
        outcome: 'rejected',
        reason: 'isa-receiver-not-ours',
        detail: receiver.detail,
        finding: {
          kind: receiver.code === '007' ? 'isa-receiver-qualifier' : 'isa-receiver',
          code: receiver.code,
        },
        differences: { isaReceiver: { expected: [...receiver.expected], actual: receiver.found } },
      };
    }
    const binding = checkSenderBinding(ic, profile ? boundPartner(profile) : undefined, {
      byIsa: (q, id) => this.partners.byX12Interchange(q, id)?.id,
      byGs: (id) => this.partners.byX12Group(id)?.id,
    });
    if (!binding.bound) {
      const field = binding.reason === 'gs-sender-not-bound' ? 'gsSender' : 'isaSender';
      return {
        outcome: 'rejected',
        reason: binding.reason,
        detail: binding.detail,
        finding: { kind: FINDING_KIND[binding.code], code: binding.code },
        differences: {
          [field]: { expected: [...binding.expected], actual: binding.found },
          ...(row.partnerId
            ? {}
            : { partner: { expected: 'the partner the channel authenticated', actual: null } }),
        },
      };
    }
    const sender = normalised(senderOf(ic));
    const earlier = await this.controls.acceptOnce(
      tx,
      {
        partnerId: profile!.id,
        sender,
        controlNumber: ic.controlNumber,
        interchangeId: row.id,
        position,
        receivedAt: row.receivedAt,
      },
      this.config.X12_DUPLICATE_WINDOW_DAYS,
    );
    if (!earlier) return { outcome: 'accepted' };
    return {
      outcome: 'rejected',
      reason: 'duplicate',
      detail:
        `duplicate of interchange ${earlier.interchangeId}: ISA13 ${ic.controlNumber} from ${senderLabel(sender)} ` +
        `was accepted at ${earlier.receivedAt.toISOString()}, within ${this.config.X12_DUPLICATE_WINDOW_DAYS} days`,
      finding: { kind: 'isa-control-number', code: '025' },
      duplicateOf: earlier,
    };
  }

  /** Builds the acknowledgment and raises the exception a rejection needs. */
  private async answer(
    tx: EntityManager,
    row: ArchivedInterchange,
    profile: PartnerProfile | undefined,
    ic: X12InterchangeResult,
    position: number,
    verdict: Verdict,
    now: Date,
  ): Promise<X12IntakeInterchange> {
    const functional = functionalAck(profile);
    const answered = verdict.outcome === 'rejected' && verdict.finding ? rejectedBy(ic, verdict.finding) : ic;
    // `none` (or an EDIFACT-only CONTRL profile) still owes a TA1 when ISA14 = 1: answer the envelope alone.
    const subject = functional ? answered : { ...answered, groups: [] };
    // Not addressed to us, or to no valid id: answered from our own id, not in the name of the party
    // it named. A group whose GS03 is not ours (or not valid) is answered from our GS02 likewise.
    const fromUs =
      (verdict.outcome === 'rejected' && verdict.reason === 'isa-receiver-not-ours') || invalidReceiver(ic);
    const built = await this.buildAck(tx, profile?.id ?? UNIDENTIFIED_COUNTER, subject, {
      type: functional ?? '997',
      now,
      ...(fromUs
        ? { sender: { qualifier: this.config.GATEWAY_X12_QUALIFIER, id: this.config.GATEWAY_X12_ID } }
        : {}),
      applicationSender: ourGsCode(this.config),
    });
    const ack: X12IntakeAck | null =
      built.kind === 'ack'
        ? {
            text: built.text,
            controlNumber: built.controlNumber,
            ta1: built.ta1 ?? null,
            functional: built.acknowledgedGroups.length > 0 ? (functional ?? null) : null,
            acknowledgedGroups: built.acknowledgedGroups,
            encoding: ic.encoding,
          }
        : null;
    const sender = senderOf(ic);
    let exceptionId: string | null = null;
    // A duplicate is the sender's routine resend, told by TA1 025; it needs no person.
    if (verdict.outcome === 'rejected' && verdict.reason !== 'duplicate') {
      const raised = await this.exceptions.raise(
        tx,
        {
          type: 'interchange.rejected',
          dedupeKey: `interchange:${row.id}:${position}`,
          summary: clip(
            `X12 interchange ${ic.controlNumber} from ${senderLabel(sender)} rejected: ${verdict.detail}`,
          ),
          references: { partnerId: row.partnerId, interchangeId: row.id },
          differences: verdict.differences ?? {},
          correlationId: row.correlationId,
        },
        GATEWAY_ACTOR,
      );
      exceptionId = raised.case.id;
    } else if (verdict.outcome === 'accepted' && built.kind === 'unanswerable') {
      // Accepted and going on to translation, but the partner gets no TA1 / 997 / 999 and would
      // only resend: a person must tell it (the interchange stays archived and is processed).
      const raised = await this.exceptions.raise(
        tx,
        {
          type: 'interchange.ack-unwritable',
          dedupeKey: `interchange:${row.id}:${position}:ack`,
          summary: clip(
            `X12 interchange ${ic.controlNumber} from ${senderLabel(sender)} was accepted, but no acknowledgment could be written for it: ${built.reason}`,
          ),
          references: { partnerId: row.partnerId, interchangeId: row.id },
          differences: {
            acknowledgment: { expected: functional ?? 'TA1', actual: built.reason },
          },
          correlationId: row.correlationId,
        },
        GATEWAY_ACTOR,
      );
      exceptionId = raised.case.id;
    }
    return {
      position,
      controlNumber: ic.controlNumber,
      sender,
      outcome: verdict.outcome,
      reason: verdict.outcome === 'accepted' ? 'accepted' : verdict.reason,
      detail: verdict.outcome === 'accepted' ? 'accepted' : verdict.detail,
      duplicateOf:
        verdict.outcome === 'rejected' && verdict.duplicateOf
          ? {
              interchangeId: verdict.duplicateOf.interchangeId,
              receivedAt: verdict.duplicateOf.receivedAt.toISOString(),
            }
          : null,
      ack,
      ackProblem: built.kind === 'ack' ? null : built.reason,
      exceptionId,
    };
  }

  /**
   * The library asks for control numbers synchronously; the counters live in the database. A dry run
   * counts what the acknowledgment needs, then exactly that many numbers are taken (in this
   * transaction) and the same acknowledgment is built with them: no number is taken and not used.
   */
  private async buildAck(
    tx: EntityManager,
    counterKey: string,
    ic: X12InterchangeResult,
    options: Pick<X12AckOptions, 'now' | 'sender' | 'applicationSender'> & { type: '997' | '999' },
  ): Promise<X12AckResult> {
    const needed: Record<X12ControlNumberKind, number> = { interchange: 0, group: 0, set: 0 };
    const dry = buildX12Acknowledgment(ic, {
      ...options,
      nextControlNumber: (kind) => ++needed[kind],
    });
    if (dry.kind !== 'ack') return dry;
    const numbers = await this.controls.allocate(tx, counterKey, needed);
    return buildX12Acknowledgment(ic, {
      ...options,
      nextControlNumber: (kind) => {
        const value = numbers[kind].shift();
        if (value === undefined)
          throw new Error(`acknowledgment asked for more ${kind} numbers than counted`);
        return value;
      },
    });
  }

  private async finish(
    tx: EntityManager,
    row: ArchivedInterchange,
    answer: unknown,
    interchanges: X12IntakeInterchange[],
    status: InterchangeStatus,
    detail: string | null,
  ): Promise<X12IntakeResult> {
    const result: X12IntakeResult = { interchangeId: row.id, status, detail, interchanges, replayed: false };
    await this.archive.setStatus(row.id, status, detail ?? undefined, tx);
    // Kept beside whatever the channel recorded (an MDN, an HTTP answer), so a duplicate receipt is
    // told the same acknowledgments (InterchangeArchive returns the original's answer).
    const { replayed: _replayed, ...stored } = result;
    await this.archive.recordAnswer(row.id, { ...asObject(answer), [ANSWER_KEY]: stored }, tx);
    // The acknowledgments go back to the partner through the outbound delivery (src/outbound).
    if (interchanges.some((i) => i.ack !== null))
      await this.outbox.enqueue(
        tx,
        OutboundAcknowledgeJob,
        { interchangeId: row.id },
        { key: row.id, correlationId: row.correlationId },
      );
    // An accepted receipt goes on to translation, in this transaction (x12-translation.job.ts).
    if (status === 'processing')
      await this.outbox.enqueue(
        tx,
        X12TranslationJob,
        { interchangeId: row.id },
        { key: row.id, correlationId: row.correlationId },
      );
    return result;
  }

  /** A receipt the archive already classified as a repeat: the original's intake answers for it. */
  private async answerOfOriginal(row: ArchivedInterchange): Promise<X12IntakeResult> {
    const original = await this.archive.get(row.duplicateOf!);
    const previous = recordedIntake(original.answer);
    return {
      interchangeId: row.id,
      status: row.status,
      detail: `${row.status} of interchange ${original.id}; not processed again`,
      interchanges: previous?.interchanges ?? [],
      replayed: true,
    };
  }
}

/** Nearest library kinds for the sender binding's findings; only their TA105 code reaches the TA1. */
const FINDING_KIND: Record<'005' | '006' | '024', X12IssueKind> = {
  '005': 'isa-sender-qualifier',
  '006': 'isa-sender',
  '024': 'interchange-content',
};

/**
 * The interchange as rejected by a gateway finding, so that `buildX12Acknowledgment` answers it like
 * any rejection: a TA1 alone, TA104 R and our TA105 (its note is the first rejecting finding).
 */
export function rejectedBy(
  ic: X12InterchangeResult,
  finding: { readonly kind: X12IssueKind; readonly code: string },
): X12InterchangeResult {
  const issue: X12Issue = {
    level: 'interchange',
    severity: 'error',
    kind: finding.kind,
    codeList: 'TA105',
    code: finding.code,
    message: `rejected by the gateway (TA105 ${finding.code})`,
    controlNumbers: { interchange: ic.controlNumber },
    offset: ic.offset,
    segmentIndex: ic.segmentIndex,
  };
  return { ...ic, status: 'rejected', issues: [issue, ...ic.issues] };
}

/** ISA07 / ISA08 refused by the envelope checks (007 / 008): there is no id of ours to answer from. */
function invalidReceiver(ic: X12InterchangeResult): boolean {
  return ic.issues.some(
    (i) => i.severity === 'error' && (i.kind === 'isa-receiver' || i.kind === 'isa-receiver-qualifier'),
  );
}

function boundPartner(profile: PartnerProfile): BoundPartner {
  return {
    id: profile.id,
    isa: profile.identities.x12.map((x) => ({ qualifier: x.qualifier, id: x.id })),
    gs: profile.identities.gs,
  };
}

function functionalAck(profile: PartnerProfile | undefined): '997' | '999' | undefined {
  const wanted = profile?.acknowledgments.functional;
  return wanted === '999' ? '999' : wanted === '997' || wanted === undefined ? '997' : undefined;
}

function normalised(sender: X12Sender): X12Sender {
  // The registry compares X12 ids upper-cased; the window must see the same sender the same way.
  return { qualifier: sender.qualifier.toUpperCase(), id: sender.id.toUpperCase() };
}

function recordedIntake(answer: unknown): Omit<X12IntakeResult, 'replayed'> | undefined {
  const value = asObject(answer)[ANSWER_KEY];
  return value && typeof value === 'object' ? (value as Omit<X12IntakeResult, 'replayed'>) : undefined;
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A case summary: at most 500 characters (the exception store makes quoted envelope values storable). */
function clip(text: string): string {
  return text.length <= 500 ? text : `${text.slice(0, 499)}…`;
}
