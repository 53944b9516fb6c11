import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import type { EdifactInterchangeResult } from '../edi/edifact/index.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { ArchivedInterchange, InterchangeStatus } from '../interchanges/interchange.types.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { readEdifactWithDirectories } from '../edi/edifact/directories/index.js';
import { EdifactIntakeContrlService } from './edifact-intake-contrl.service.js';
import { EdifactMapRegistry } from './edifact-map-registry.js';
import { EdifactTranslationJob } from './edifact-translation.job-definition.js';
import type {
  EdifactIntakeInterchange,
  EdifactIntakeResult,
  EdifactIntakeVerdict,
} from './edifact-intake.types.js';
import { EdifactReferencesRepository } from './edifact-references.repository.js';
import { senderLabel, senderOf } from './edifact-sender.js';
import { IntakeRecordService, recordedIntake } from './intake-record.service.js';
import { checkEdifactRecipient, ourEdifactRecipients } from './receiver-check.js';
import { outsideInterchange } from './stream-issues.js';

/** Key of the intake's record inside the archive row's `answer` (other channels keep theirs beside it). */
export const EDIFACT_ANSWER_KEY = 'edifactIntake';

export class EdifactIntakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdifactIntakeError';
  }
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
 *
 * This service reads and judges; the CONTRL and the case of each interchange are built by
 * EdifactIntakeContrlService (edifact-intake-contrl.service.ts), and the receipt's status, recorded
 * result and following jobs are written by IntakeRecordService (intake-record.service.ts, shared with X12).
 */
@Injectable()
export class EdifactIntakeService {
  /** Our UNB S003 identities; undefined: S003 is not checked (GATEWAY_EDIFACT_RECIPIENT_IDS unset). */
  private readonly ourRecipients: readonly string[] | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly archive: InterchangeArchive,
    private readonly partners: PartnerRegistry,
    private readonly references: EdifactReferencesRepository,
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly maps: EdifactMapRegistry,
    private readonly contrls: EdifactIntakeContrlService,
    private readonly record: IntakeRecordService,
  ) {
    this.ourRecipients = ourEdifactRecipients(config);
  }

  async check(interchangeId: string): Promise<EdifactIntakeResult> {
    const row = await this.archive.get(interchangeId);
    if (row.direction !== 'inbound') {
      throw new EdifactIntakeError(`interchange ${row.id} is not an inbound receipt`);
    }
    if (row.duplicateOf !== null)
      return this.record.answerOfOriginal<EdifactIntakeInterchange>(row, EDIFACT_ANSWER_KEY);
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
      const locked = await this.record.lock(tx, row.id);
      const previous = recordedIntake<EdifactIntakeInterchange>(locked?.answer, EDIFACT_ANSWER_KEY);
      if (previous) return { ...previous, replayed: true };
      if (locked?.status !== 'received') {
        throw new EdifactIntakeError(`interchange ${row.id} is ${locked?.status ?? 'gone'}, not received`);
      }
      const profile = row.partnerId ? this.partners.get(row.partnerId) : undefined;
      const results: EdifactIntakeInterchange[] = [];
      for (const [position, ic] of validation.interchanges.entries()) {
        const verdict = await this.judge(tx, row, profile, ic, position);
        results.push(await this.contrls.answer(tx, row, profile, ic, position, verdict, now));
      }
      if (results.length === 0) {
        // Without a UNB nobody can be sent a CONTRL (ISO 9735-6); a person must look at it.
        const first = validation.streamIssues[0] ?? validation.issues[0];
        const detail = `edifact intake: no interchange${first ? ` (${first.message})` : ''}`;
        await this.record.raiseRejected(tx, row, `interchange:${row.id}`, detail);
        return this.finish(tx, row, locked.answer, results, 'rejected', detail);
      }
      const accepted = results.filter((r) => r.outcome !== 'rejected').length;
      const problems = results.filter((r) => r.outcome !== 'accepted');
      const outside = outsideInterchange('EDIFACT', validation.streamIssues);
      if (outside)
        await this.record.raiseRejected(
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
                problems
                  .map((r) => {
                    // Its CONTRL could not be written: the partner was not told of the rejection.
                    const note = r.contrlProblem ? ` (no CONTRL could be written: ${r.contrlProblem})` : '';
                    return `UNB ${r.reference}: ${r.detail}${note}`;
                  })
                  .join('; '),
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
  ): Promise<EdifactIntakeVerdict> {
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
          ? `UNB sender ${senderLabel(sender)} is not an identity of partner ${profile.id}`
          : `no partner was authenticated for UNB sender ${senderLabel(sender)}`,
        finding: { kind: 'unknown-sender', code: '23', element: 2 },
        differences: {
          unbSender: { expected, actual: senderLabel(sender) },
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
        `duplicate of interchange ${earlier.interchangeId}: UNB 0020 ${ic.header.reference} from ${senderLabel(sender)} ` +
        `was accepted at ${earlier.receivedAt.toISOString()}, within ${this.config.EDIFACT_DUPLICATE_WINDOW_DAYS} days`,
      finding: { kind: 'duplicate-interchange', code: '26', element: 5 },
      duplicateOf: earlier,
    };
  }

  /** Records the result under EDIFACT_ANSWER_KEY; an accepted receipt goes on to EdifactTranslationJob. */
  private finish(
    tx: EntityManager,
    row: ArchivedInterchange,
    answer: unknown,
    interchanges: EdifactIntakeInterchange[],
    status: InterchangeStatus,
    detail: string | null,
  ): Promise<EdifactIntakeResult> {
    return this.record.finish(tx, row, answer, {
      key: EDIFACT_ANSWER_KEY,
      interchanges,
      status,
      detail,
      acknowledged: interchanges.some((i) => i.contrl !== null),
      translation: EdifactTranslationJob,
    });
  }
}
