import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import {
  buildX12Acknowledgment,
  type X12AckOptions,
  type X12AckResult,
  type X12ControlNumberKind,
  type X12InterchangeResult,
  type X12Issue,
  type X12IssueKind,
} from '../edi/x12/index.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import type { ArchivedInterchange } from '../interchanges/interchange.types.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { clip, IntakeRecordService, recordedDuplicateOf } from './intake-record.service.js';
import { ourGsCode } from './receiver-check.js';
import { senderLabel, senderOf } from './sender-binding.js';
import { partnerDelimiters } from './x12-generation.js';
import { UNIDENTIFIED_COUNTER, X12ControlNumbersRepository } from './x12-control-numbers.repository.js';
import type { X12IntakeAck, X12IntakeInterchange, X12IntakeVerdict } from './x12-intake.types.js';

/**
 * The X12 intake's answer to one interchange once it is judged (x12-intake.service.ts): the TA1
 * and/or 997/999 it is owed, numbered from the partner's counters, and the case a rejection or an
 * unwritable acknowledgment needs. Written in the intake's transaction.
 */
@Injectable()
export class X12IntakeAckService {
  constructor(
    private readonly exceptions: ExceptionService,
    private readonly record: IntakeRecordService,
    private readonly controls: X12ControlNumbersRepository,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  /** Builds the acknowledgment and raises the exception a rejection needs. */
  async answer(
    tx: EntityManager,
    row: ArchivedInterchange,
    profile: PartnerProfile | undefined,
    ic: X12InterchangeResult,
    position: number,
    verdict: X12IntakeVerdict,
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
      // Written with the interchange's own delimiters, rejected or not; when they are unfit (TA105 004 /
      // 026 / 027), with those agreed with the partner for what we send it, else ours.
      ...(profile ? { fallbackDelimiters: partnerDelimiters(profile, functional ?? '997') } : {}),
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
    const named = `X12 interchange ${ic.controlNumber} from ${senderLabel(sender)}`;
    // The TA1 is how the partner learns of a rejection; one that cannot be written tells it nothing.
    const untold =
      verdict.outcome === 'rejected' && built.kind === 'unanswerable'
        ? { ack: 'TA1', reason: built.reason }
        : undefined;
    let exceptionId = await this.record.raiseForVerdict(tx, row, position, verdict, named, untold);
    if (verdict.outcome === 'accepted' && built.kind === 'unanswerable') {
      // Accepted and going on to translation, but the partner gets no TA1 / 997 / 999 and would
      // only resend: a person must tell it (the interchange stays archived and is processed).
      const raised = await this.exceptions.raise(
        tx,
        {
          type: 'interchange.ack-unwritable',
          dedupeKey: `interchange:${row.id}:${position}:ack`,
          summary: clip(
            `${named} was accepted, but no acknowledgment could be written for it: ${built.reason}`,
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
      duplicateOf: recordedDuplicateOf(verdict),
      ack,
      // Owed nothing (a partner's 997, ISA14 0) is no problem: only an answer that cannot be written is.
      ackProblem: built.kind === 'unanswerable' ? built.reason : null,
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
    options: Pick<X12AckOptions, 'now' | 'sender' | 'applicationSender' | 'fallbackDelimiters'> & {
      type: '997' | '999';
    },
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
}

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

function functionalAck(profile: PartnerProfile | undefined): '997' | '999' | undefined {
  const wanted = profile?.acknowledgments.functional;
  return wanted === '999' ? '999' : wanted === '997' || wanted === undefined ? '997' : undefined;
}
