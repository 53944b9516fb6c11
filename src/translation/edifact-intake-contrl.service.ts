import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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
import type { ArchivedInterchange } from '../interchanges/interchange.types.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import type {
  EdifactIntakeContrl,
  EdifactIntakeInterchange,
  EdifactIntakeReason,
  EdifactIntakeVerdict,
} from './edifact-intake.types.js';
import { EdifactReferencesRepository } from './edifact-references.repository.js';
import { senderLabel, senderOf } from './edifact-sender.js';
import { IntakeRecordService, recordedDuplicateOf } from './intake-record.service.js';
import { UNIDENTIFIED_COUNTER } from './x12-control-numbers.repository.js';

/**
 * The EDIFACT intake's answer to one interchange once it is judged (edifact-intake.service.ts): the
 * CONTRL it is owed, with references from the partner's counters, which of its messages go on, and
 * the case a rejection needs. Written in the intake's transaction.
 */
@Injectable()
export class EdifactIntakeContrlService {
  constructor(
    private readonly record: IntakeRecordService,
    private readonly references: EdifactReferencesRepository,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  /** Builds the CONTRL and raises the exception a rejection needs. */
  async answer(
    tx: EntityManager,
    row: ArchivedInterchange,
    profile: PartnerProfile | undefined,
    ic: EdifactInterchangeResult,
    position: number,
    verdict: EdifactIntakeVerdict,
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
    const named = `EDIFACT interchange ${ic.header.reference} from ${senderLabel(sender)}`;
    // The CONTRL is how the partner learns of a rejection; one that cannot be written tells it nothing.
    const untold =
      verdict.outcome === 'rejected' && built.kind === 'unanswerable'
        ? { ack: 'CONTRL', reason: built.reason }
        : undefined;
    const exceptionId = await this.record.raiseForVerdict(tx, row, position, verdict, named, untold);
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
      duplicateOf: recordedDuplicateOf(verdict),
      contrl,
      // Owed nothing (a partner's CONTRL, UNB 0031 not asking) is no problem: only a CONTRL that is owed
      // and cannot be written is, as X12's `ackProblem`.
      contrlProblem: built.kind === 'unanswerable' ? built.reason : null,
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
