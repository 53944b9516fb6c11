import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { readX12, x12ReadOptions, type X12InterchangeResult, type X12IssueKind } from '../edi/x12/index.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { ArchivedInterchange, InterchangeStatus } from '../interchanges/interchange.types.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { IntakeRecordService, recordedIntake } from './intake-record.service.js';
import {
  checkSenderBinding,
  senderLabel,
  senderOf,
  type BoundPartner,
  type X12Sender,
} from './sender-binding.js';
import { X12ControlNumbersRepository } from './x12-control-numbers.repository.js';
import { checkX12Receiver, ourX12Receivers, x12ApplicationReceiverCheck } from './receiver-check.js';
import { outsideInterchange } from './stream-issues.js';
import { X12IntakeAckService } from './x12-intake-ack.service.js';
import { X12TranslationJob } from './x12-translation.job-definition.js';
import type { X12IntakeInterchange, X12IntakeResult, X12IntakeVerdict } from './x12-intake.types.js';

/** Key of the intake's record inside the archive row's `answer` (other channels keep theirs beside it). */
export const ANSWER_KEY = 'x12Intake';

export class X12IntakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'X12IntakeError';
  }
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
 *
 * This service reads and judges; the acknowledgment and the case of each interchange are built by
 * X12IntakeAckService (x12-intake-ack.service.ts), and the receipt's status, recorded result and
 * following jobs are written by IntakeRecordService (intake-record.service.ts, shared with EDIFACT).
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
    private readonly controls: X12ControlNumbersRepository,
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly acks: X12IntakeAckService,
    private readonly record: IntakeRecordService,
  ) {
    this.ourReceivers = ourX12Receivers(config);
    this.isApplicationReceiver = x12ApplicationReceiverCheck(config);
  }

  async check(interchangeId: string): Promise<X12IntakeResult> {
    // Read before the transaction opens: both use their own connection.
    const row = await this.archive.get(interchangeId);
    if (row.direction !== 'inbound')
      throw new X12IntakeError(`interchange ${row.id} is not an inbound receipt`);
    if (row.duplicateOf !== null) return this.record.answerOfOriginal<X12IntakeInterchange>(row, ANSWER_KEY);
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
      const locked = await this.record.lock(tx, row.id);
      const previous = recordedIntake<X12IntakeInterchange>(locked?.answer, ANSWER_KEY);
      // A retried job finds the first run's result: nothing is counted, recorded or raised twice.
      if (previous) return { ...previous, replayed: true };
      if (locked?.status !== 'received') {
        throw new X12IntakeError(`interchange ${row.id} is ${locked?.status ?? 'gone'}, not received`);
      }

      const profile = row.partnerId ? this.partners.get(row.partnerId) : undefined;
      const results: X12IntakeInterchange[] = [];
      for (const [position, ic] of validation.interchanges.entries()) {
        const verdict = await this.judge(tx, row, profile, ic, position);
        results.push(await this.acks.answer(tx, row, profile, ic, position, verdict, now));
      }
      if (results.length === 0) {
        // An unreadable ISA cannot be answered by TA1 (ACK-CODES.md); a person must look at it.
        const first = validation.streamIssues[0] ?? validation.issues[0];
        const detail = `x12 intake: no readable interchange${first ? ` (${first.message})` : ''}`;
        await this.record.raiseRejected(tx, row, `interchange:${row.id}`, detail);
        return this.finish(tx, row, locked.answer, results, 'rejected', detail);
      }
      const accepted = results.filter((r) => r.outcome === 'accepted').length;
      const rejected = results.filter((r) => r.outcome === 'rejected');
      const unanswered = results.filter((r) => r.outcome === 'accepted' && r.ack === null && r.ackProblem);
      const outside = outsideInterchange('X12', validation.streamIssues);
      if (outside)
        await this.record.raiseRejected(
          tx,
          row,
          `interchange:${row.id}:stream`,
          `X12 receipt ${row.id}: ${outside.detail}`,
          outside.differences,
        );
      const lines = [
        ...(rejected.length === 0
          ? []
          : [
              `${accepted} of ${results.length} interchanges accepted; ` +
                rejected
                  .map((r) => {
                    // Its TA1 could not be written: the partner was not told of the rejection.
                    const note =
                      r.ack === null && r.ackProblem ? ` (no TA1 could be written: ${r.ackProblem})` : '';
                    return `ISA13 ${r.controlNumber}: ${r.detail}${note}`;
                  })
                  .join('; '),
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
  ): Promise<X12IntakeVerdict> {
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

  /** Records the result under ANSWER_KEY; an accepted receipt goes on to X12TranslationJob. */
  private finish(
    tx: EntityManager,
    row: ArchivedInterchange,
    answer: unknown,
    interchanges: X12IntakeInterchange[],
    status: InterchangeStatus,
    detail: string | null,
  ): Promise<X12IntakeResult> {
    return this.record.finish(tx, row, answer, {
      key: ANSWER_KEY,
      interchanges,
      status,
      detail,
      acknowledged: interchanges.some((i) => i.ack !== null),
      translation: X12TranslationJob,
    });
  }
}

/** Nearest library kinds for the sender binding's findings; only their TA105 code reaches the TA1. */
const FINDING_KIND: Record<'005' | '006' | '024', X12IssueKind> = {
  '005': 'isa-sender-qualifier',
  '006': 'isa-sender',
  '024': 'interchange-content',
};

function boundPartner(profile: PartnerProfile): BoundPartner {
  return {
    id: profile.id,
    isa: profile.identities.x12.map((x) => ({ qualifier: x.qualifier, id: x.id })),
    gs: profile.identities.gs,
  };
}

function normalised(sender: X12Sender): X12Sender {
  // The registry compares X12 ids upper-cased; the window must see the same sender the same way.
  return { qualifier: sender.qualifier.toUpperCase(), id: sender.id.toUpperCase() };
}
