import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import {
  buildContrl,
  messagesOf,
  type ContrlOptions,
  type ContrlReferenceKind,
  type ContrlResult,
  type EdifactEnvelopeIssueKind,
  type EdifactInterchangeResult,
  type EdifactIssue,
} from '../edi/edifact/index.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import type { Differences } from '../exceptions/exception.types.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { ArchivedInterchange, InterchangeStatus } from '../interchanges/interchange.types.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { queryRows } from '../platform/database/sql.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { OutboundAcknowledgeJob } from '../outbound/outbound.jobs.js';
import { readEdifactWithDirectories } from '../edi/edifact/directories/index.js';
import { EdifactMapRegistry } from './edifact-map-registry.js';
import { EdifactTranslationJob } from './edifact-translation.job-definition.js';
import type {
  EdifactIntakeContrl,
  EdifactIntakeInterchange,
  EdifactIntakeReason,
  EdifactIntakeResult,
} from './edifact-intake.types.js';
import { EdifactReferencesRepository, type EdifactSender } from './edifact-references.repository.js';
import { checkEdifactRecipient, ourEdifactRecipients } from './receiver-check.js';
import { outsideInterchange } from './stream-issues.js';
import { UNIDENTIFIED_COUNTER } from './x12-control-numbers.repository.js';

/** Key of the intake's record inside the archive row's `answer` (other channels keep theirs beside it). */
export const EDIFACT_ANSWER_KEY = 'edifactIntake';

export class EdifactIntakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdifactIntakeError';
  }
}

type Verdict = { readonly outcome: 'accepted' } | Rejection;

interface Rejection {
  readonly outcome: 'rejected';
  readonly reason: Exclude<EdifactIntakeReason, 'accepted'>;
  readonly detail: string;
  /** Gateway finding put in front of the library's, so its 0085 code is the one UCI5 carries. */
  readonly finding?: {
    readonly kind: EdifactEnvelopeIssueKind;
    readonly code: string;
    readonly element: number;
  };
  readonly duplicateOf?: { readonly interchangeId: string; readonly receivedAt: Date };
  readonly differences?: Differences;
}

/**
 * The first step of translating an archived EDIFACT receipt, as the X12 intake does for X12: read and
 * validate it with src/edi/edifact, refuse an interchange addressed to someone else (CONTRL UCI 4 / 43,
 * when our recipient ids are configured), bind every UNB sender to the partner the channel authenticated
 * (else CONTRL UCI 4 / 23 and an `interchange.rejected` exception), refuse a UNB 0020 accepted before
 * within the duplicate window (UCI 4 / 26, not processed, no exception: it is a routine resend), reject
 * a message of a type or version the gateway does not read (UCM 4 / 14), and build the CONTRL each interchange is owed with references from the partner's counters.
 *
 * Everything one receipt changes is written in one transaction; nothing awaits another connection
 * meanwhile (one-connection rule).
 */
@Injectable()
export class EdifactIntakeService {
  /** Our UNB S003 identities; undefined: S003 is not checked (GATEWAY_EDIFACT_RECIPIENT_IDS unset). */
  private readonly ourRecipients: readonly string[] | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly archive: InterchangeArchive,
    private readonly partners: PartnerRegistry,
    private readonly exceptions: ExceptionService,
    private readonly references: EdifactReferencesRepository,
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly outbox: OutboxService,
    private readonly maps: EdifactMapRegistry,
  ) {
    this.ourRecipients = ourEdifactRecipients(config);
  }

  async check(interchangeId: string): Promise<EdifactIntakeResult> {
    const row = await this.archive.get(interchangeId);
    if (row.direction !== 'inbound') {
      throw new EdifactIntakeError(`interchange ${row.id} is not an inbound receipt`);
    }
    if (row.duplicateOf !== null) return this.answerOfOriginal(row);
    const payload = await this.archive.payload(row.id);
    // With the message directories on: segment and element errors reject messages and feed the CONTRL,
    // and so does a message of a type or version we cannot read (UCM 4 / 14, as X12's AK502 1).
    const validation = readEdifactWithDirectories(
      payload,
      {},
      { keep: () => false, isMessageSupported: (message) => this.maps.supportsMessage(message) },
    );
    const now = new Date();

    return this.dataSource.transaction(async (tx) => {
      const [locked] = await queryRows<{ status: InterchangeStatus; answer: unknown }>(
        tx,
        `SELECT status, answer FROM interchange WHERE id = $1 FOR UPDATE`,
        [row.id],
      );
      const previous = recordedIntake(locked?.answer);
      if (previous) return { ...previous, replayed: true };
      if (locked?.status !== 'received') {
        throw new EdifactIntakeError(`interchange ${row.id} is ${locked?.status ?? 'gone'}, not received`);
      }
      const profile = row.partnerId ? this.partners.get(row.partnerId) : undefined;
      const results: EdifactIntakeInterchange[] = [];
      for (const [position, ic] of validation.interchanges.entries()) {
        const verdict = await this.judge(tx, row, profile, ic, position);
        results.push(await this.answer(tx, row, profile, ic, position, verdict, now));
      }
      if (results.length === 0) {
        // Without a UNB nobody can be sent a CONTRL (ISO 9735-6); a person must look at it.
        const first = validation.streamIssues[0] ?? validation.issues[0];
        const detail = `edifact intake: no interchange${first ? ` (${first.message})` : ''}`;
        await this.raise(tx, row, `interchange:${row.id}`, detail, {});
        return this.finish(tx, row, locked.answer, results, 'rejected', detail);
      }
      const accepted = results.filter((r) => r.outcome !== 'rejected').length;
      const problems = results.filter((r) => r.outcome !== 'accepted');
      const outside = outsideInterchange('EDIFACT', validation.streamIssues);
      if (outside)
        await this.raise(
          tx,
          row,
          `interchange:${row.id}:stream`,
          `EDIFACT receipt ${row.id}: ${outside.detail}`,
          outside.differences,
        );
      const lines = [
        ...(problems.length === 0
          ? []
          : [
              `${accepted} of ${results.length} interchanges accepted; ` +
                problems.map((r) => `UNB ${r.reference}: ${r.detail}`).join('; '),
            ]),
        ...(outside ? [outside.detail] : []),
      ];
      const detail = lines.length === 0 ? null : `edifact intake: ${lines.join('; ')}`;
      return this.finish(tx, row, locked.answer, results, accepted > 0 ? 'processing' : 'rejected', detail);
    });
  }

  /**
   * Envelope, then recipient (is it for us at all?), then sender binding, then the duplicate window
   * (recording the reference when it passes).
   */
  private async judge(
    tx: EntityManager,
    row: ArchivedInterchange,
    profile: PartnerProfile | undefined,
    ic: EdifactInterchangeResult,
    position: number,
  ): Promise<Verdict> {
    const errors = ic.issues.filter((i) => i.severity === 'error');
    if (errors.length > 0) {
      const codes = errors.map((i) => `${i.code ?? '?'} ${i.message}`);
      return {
        outcome: 'rejected',
        reason: 'envelope',
        detail: `interchange rejected: ${codes.join('; ')}`,
        differences: { envelope: { expected: 'a valid UNB/UNZ envelope', actual: codes.slice(0, 20) } },
      };
    }
    const recipient = checkEdifactRecipient(ic.header.recipient, this.ourRecipients);
    if (!recipient.ours) {
      return {
        outcome: 'rejected',
        reason: 'unb-recipient-not-ours',
        detail: recipient.detail,
        // S003 is the third data element of UNB (the CONTRL counts the tag too: UNB+4).
        finding: { kind: 'unknown-recipient', code: recipient.code, element: 3 },
        differences: { unbRecipient: { expected: [...recipient.expected], actual: recipient.found } },
      };
    }
    const sender = senderOf(ic);
    const claimed = this.partners.byEdifact(ic.header.sender.id, ic.header.sender.qualifier)?.id;
    if (!profile || claimed !== profile.id) {
      const expected = profile?.identities.edifact.map((e) => `${e.qualifier ?? '*'}/${e.id}`) ?? [];
      return {
        outcome: 'rejected',
        reason: profile ? 'unb-sender-not-bound' : 'unidentified-partner',
        detail: profile
          ? `UNB sender ${label(sender)} is not an identity of partner ${profile.id}`
          : `no partner was authenticated for UNB sender ${label(sender)}`,
        finding: { kind: 'unknown-sender', code: '23', element: 2 },
        differences: {
          unbSender: { expected, actual: label(sender) },
          ...(row.partnerId
            ? {}
            : { partner: { expected: 'the partner the channel authenticated', actual: null } }),
        },
      };
    }
    const earlier = await this.references.acceptOnce(
      tx,
      {
        partnerId: profile.id,
        sender,
        reference: ic.header.reference,
        interchangeId: row.id,
        position,
        receivedAt: row.receivedAt,
      },
      this.config.EDIFACT_DUPLICATE_WINDOW_DAYS,
    );
    if (!earlier) return { outcome: 'accepted' };
    return {
      outcome: 'rejected',
      reason: 'duplicate',
      detail:
        `duplicate of interchange ${earlier.interchangeId}: UNB 0020 ${ic.header.reference} from ${label(sender)} ` +
        `was accepted at ${earlier.receivedAt.toISOString()}, within ${this.config.EDIFACT_DUPLICATE_WINDOW_DAYS} days`,
      finding: { kind: 'duplicate-interchange', code: '26', element: 5 },
      duplicateOf: earlier,
    };
  }

  private async answer(
    tx: EntityManager,
    row: ArchivedInterchange,
    profile: PartnerProfile | undefined,
    ic: EdifactInterchangeResult,
    position: number,
    verdict: Verdict,
    now: Date,
  ): Promise<EdifactIntakeInterchange> {
    const answered = verdict.outcome === 'rejected' && verdict.finding ? rejectedBy(ic, verdict.finding) : ic;
    // Not addressed to us: answered from our own id, not in the name of the party it named.
    const answerFrom =
      verdict.outcome === 'rejected' && verdict.reason === 'unb-recipient-not-ours'
        ? { id: this.config.GATEWAY_EDIFACT_ID, qualifier: this.config.GATEWAY_EDIFACT_QUALIFIER }
        : undefined;
    const built = await this.buildContrl(tx, profile?.id ?? UNIDENTIFIED_COUNTER, answered, now, answerFrom);
    const contrl: EdifactIntakeContrl | null =
      built.kind === 'contrl'
        ? {
            text: built.text,
            action: built.action,
            reference: built.reference,
            messageReference: built.messageReference,
            syntaxId: built.syntaxId,
          }
        : null;
    const messages = messagesOf(ic);
    const rejectedAll = verdict.outcome === 'rejected';
    const acceptedMessages = rejectedAll
      ? []
      : messages.filter((m) => m.status === 'accepted').map((m) => m.reference);
    const rejectedMessages = rejectedAll
      ? messages.map((m) => m.reference)
      : messages.filter((m) => m.status === 'rejected').map((m) => m.reference);
    const sender = senderOf(ic);
    let exceptionId: string | null = null;
    // A duplicate is the sender's routine resend, told by CONTRL 26; it needs no person.
    if (verdict.outcome === 'rejected' && verdict.reason !== 'duplicate') {
      exceptionId = await this.raise(
        tx,
        row,
        `interchange:${row.id}:${position}`,
        `EDIFACT interchange ${ic.header.reference} from ${label(sender)} rejected: ${verdict.detail}`,
        verdict.differences ?? {},
      );
    }
    const outcome =
      verdict.outcome === 'rejected' || acceptedMessages.length === 0
        ? 'rejected'
        : rejectedMessages.length > 0
          ? 'partially-accepted'
          : 'accepted';
    const reason: EdifactIntakeReason =
      verdict.outcome === 'rejected'
        ? verdict.reason
        : outcome === 'rejected'
          ? 'all-messages-rejected'
          : 'accepted';
    return {
      position,
      reference: ic.header.reference,
      sender,
      outcome,
      reason,
      detail:
        verdict.outcome === 'rejected'
          ? verdict.detail
          : rejectedMessages.length > 0
            ? `messages rejected: ${rejectedMessages.join(', ')}`
            : 'accepted',
      acceptedMessages,
      rejectedMessages,
      duplicateOf:
        verdict.outcome === 'rejected' && verdict.duplicateOf
          ? {
              interchangeId: verdict.duplicateOf.interchangeId,
              receivedAt: verdict.duplicateOf.receivedAt.toISOString(),
            }
          : null,
      contrl,
      contrlProblem: built.kind === 'contrl' ? null : built.reason,
      exceptionId,
    };
  }

  /**
   * The library asks for references synchronously; the counters live in the database. A dry run counts
   * what the CONTRL needs, exactly that many are taken in this transaction, and the same CONTRL is built.
   */
  private async buildContrl(
    tx: EntityManager,
    counterKey: string,
    ic: EdifactInterchangeResult,
    now: Date,
    sender: ContrlOptions['sender'],
  ): Promise<ContrlResult> {
    const needed: Record<ContrlReferenceKind, number> = { interchange: 0, message: 0 };
    const dry = buildContrl(ic, { now, sender, nextReference: (kind) => ++needed[kind] });
    if (dry.kind !== 'contrl') return dry;
    const numbers = await this.references.allocate(tx, counterKey, needed);
    return buildContrl(ic, {
      now,
      sender,
      nextReference: (kind) => {
        const value = numbers[kind].shift();
        if (value === undefined) throw new Error(`CONTRL asked for more ${kind} references than counted`);
        return value;
      },
    });
  }

  private async raise(
    tx: EntityManager,
    row: ArchivedInterchange,
    dedupeKey: string,
    summary: string,
    differences: Differences,
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

  private async finish(
    tx: EntityManager,
    row: ArchivedInterchange,
    answer: unknown,
    interchanges: EdifactIntakeInterchange[],
    status: InterchangeStatus,
    detail: string | null,
  ): Promise<EdifactIntakeResult> {
    const result: EdifactIntakeResult = {
      interchangeId: row.id,
      status,
      detail,
      interchanges,
      replayed: false,
    };
    await this.archive.setStatus(row.id, status, detail ?? undefined, tx);
    const { replayed: _replayed, ...stored } = result;
    await this.archive.recordAnswer(row.id, { ...asObject(answer), [EDIFACT_ANSWER_KEY]: stored }, tx);
    // The CONTRLs go back to the partner through the outbound delivery (src/outbound).
    if (interchanges.some((i) => i.contrl !== null))
      await this.outbox.enqueue(
        tx,
        OutboundAcknowledgeJob,
        { interchangeId: row.id },
        { key: row.id, correlationId: row.correlationId },
      );
    // An accepted receipt goes on to translation, in this transaction (edifact-translation.job.ts).
    if (status === 'processing')
      await this.outbox.enqueue(
        tx,
        EdifactTranslationJob,
        { interchangeId: row.id },
        { key: row.id, correlationId: row.correlationId },
      );
    return result;
  }

  private async answerOfOriginal(row: ArchivedInterchange): Promise<EdifactIntakeResult> {
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

/** The interchange as rejected by a gateway finding: `buildContrl` answers UCI 4 with its code. */
export function rejectedBy(
  ic: EdifactInterchangeResult,
  finding: { readonly kind: EdifactEnvelopeIssueKind; readonly code: string; readonly element: number },
): EdifactInterchangeResult {
  const issue: EdifactIssue = {
    level: 'interchange',
    severity: 'error',
    kind: finding.kind,
    codeList: '0085',
    code: finding.code,
    message: `rejected by the gateway (0085 ${finding.code})`,
    controlNumbers: { interchange: ic.header.reference },
    offset: ic.offset,
    segmentIndex: ic.segmentIndex,
    segmentId: 'UNB',
    elementPosition: finding.element,
  };
  return { ...ic, status: 'rejected', issues: [issue, ...ic.issues] };
}

function senderOf(ic: EdifactInterchangeResult): EdifactSender {
  // The registry compares UNB ids trimmed and upper-cased; the window must see the sender the same way.
  return {
    qualifier: ic.header.sender.qualifier.trim().toUpperCase(),
    id: ic.header.sender.id.trim().toUpperCase(),
  };
}

function label(sender: EdifactSender): string {
  return sender.qualifier ? `${sender.id}:${sender.qualifier}` : sender.id;
}

function recordedIntake(answer: unknown): Omit<EdifactIntakeResult, 'replayed'> | undefined {
  const value = asObject(answer)[EDIFACT_ANSWER_KEY];
  return value && typeof value === 'object' ? (value as Omit<EdifactIntakeResult, 'replayed'>) : undefined;
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
