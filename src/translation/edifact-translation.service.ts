import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { InterchangeStatus } from '../interchanges/interchange.types.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { believedContrls, contrlEvents } from './edifact-functional-acks.js';
import { queryRows } from '../platform/database/sql.js';
import { CanonicalEventStore } from './canonical-event.store.js';
import { raiseTranslationFailures } from './translation-failures.js';
import { EDIFACT_ANSWER_KEY } from './edifact-intake.service.js';
import type { EdifactIntakeResult } from './edifact-intake.types.js';
import { EdifactMapRegistry } from './edifact-map-registry.js';
import { EdifactTranslator, type EdifactTranslatedMessage } from './edifact-translator.js';

/** Key of the translation's record inside the archive row's `answer`, beside the intake's. */
export const EDIFACT_TRANSLATION_ANSWER_KEY = 'edifactTranslation';

export class EdifactTranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdifactTranslationError';
  }
}

/**
 * accepted: every business message became an event; partially-accepted: some did; rejected: none did
 * (EDIFACT has no "accepted with errors").
 */
export type EdifactTranslationStatus = 'accepted' | 'partially-accepted' | 'rejected';

export interface EdifactTranslationRecord {
  readonly interchangeId: string;
  readonly status: EdifactTranslationStatus;
  /** One line per message that did not become an event: `UNB 0020/UNH 0062 ORDRSP failed: why`. */
  readonly errors: readonly string[];
  readonly messages: readonly {
    readonly interchangeReference: string;
    readonly type: string;
    readonly reference: string;
    readonly directory: string;
    readonly outcome: EdifactTranslatedMessage['outcome'];
    readonly eventId: string | null;
    readonly problems: readonly string[];
  }[];
  readonly events: readonly { readonly id: string; readonly type: string; readonly stored: boolean }[];
  /** The CONTRLs the intake built for this receipt (their UNB 0020). */
  readonly acknowledgments: readonly { readonly reference: string; readonly action: string }[];
  readonly replayed: boolean;
}

/**
 * The translation step after the EDIFACT intake (`translation.edifact-intake`): every message the
 * directories accepted, in an interchange the intake accepted, becomes its canonical event; events,
 * the interchange's status and the record are written in one transaction (as for X12).
 */
@Injectable()
export class EdifactTranslationService {
  private readonly translator: EdifactTranslator;

  constructor(
    private readonly dataSource: DataSource,
    private readonly archive: InterchangeArchive,
    private readonly partners: PartnerRegistry,
    private readonly store: CanonicalEventStore,
    private readonly exceptions: ExceptionService,
    maps: EdifactMapRegistry,
  ) {
    this.translator = new EdifactTranslator(maps);
  }

  async translate(interchangeId: string): Promise<EdifactTranslationRecord> {
    const row = await this.archive.get(interchangeId);
    if (row.direction !== 'inbound')
      throw new EdifactTranslationError(`interchange ${row.id} is not inbound`);
    const payload = await this.archive.payload(row.id);
    const partner = row.partnerId ? this.partners.get(row.partnerId) : undefined;
    const translation = this.translator.translate({
      bytes: payload,
      partner,
      interchangeId: row.id,
      channel: channelOf(row.channel),
      receivedAt: row.receivedAt,
    });

    return this.dataSource.transaction(async (tx) => {
      const [locked] = await queryRows<{ status: InterchangeStatus; answer: unknown }>(
        tx,
        `SELECT status, answer FROM interchange WHERE id = $1 FOR UPDATE`,
        [row.id],
      );
      const answer = asObject(locked?.answer);
      const previous = answer[EDIFACT_TRANSLATION_ANSWER_KEY] as EdifactTranslationRecord | undefined;
      if (previous) return { ...previous, replayed: true };
      const intake = answer[EDIFACT_ANSWER_KEY] as Omit<EdifactIntakeResult, 'replayed'> | undefined;
      if (!intake || locked?.status !== 'processing')
        throw new EdifactTranslationError(
          `interchange ${row.id} is ${locked?.status ?? 'gone'}${intake ? '' : ' without an intake result'}; translation follows an accepted intake`,
        );
      // Only messages the intake accepted, in interchanges it accepted (bound sender, no duplicate).
      const accepted = new Map(
        intake.interchanges
          .filter((i) => i.outcome !== 'rejected')
          .map((i) => [i.position, new Set(i.acceptedMessages)] as const),
      );
      const messages = translation.messages.filter(
        (m) => accepted.get(m.interchangeIndex)?.has(m.reference) ?? false,
      );
      const events: { id: string; type: string; stored: boolean }[] = [];
      const eventIds = new Map<EdifactTranslatedMessage, string>();
      for (const message of messages) {
        if (!message.event) continue;
        const stored = await this.store.append(tx, message.event);
        events.push({ id: stored.id, type: message.event.type, stored: stored.stored });
        eventIds.set(message, stored.id);
      }
      // The partner's CONTRLs for what we sent: events the outbound delivery joins to its documents.
      if (partner && payload.includes('CONTRL')) {
        for (const ack of contrlEvents({
          partnerId: partner.id,
          interchangeId: row.id,
          payload,
          receivedAt: row.receivedAt,
          channel: channelOf(row.channel),
          // Only CONTRLs among the messages the intake accepted, and not rejected by validation.
          believed: believedContrls(messages),
        })) {
          const stored = await this.store.append(tx, ack);
          events.push({ id: stored.id, type: ack.type, stored: stored.stored });
        }
      }
      const business = messages.filter((m) => m.outcome !== 'not-translated');
      const failed = business.filter((m) => m.outcome === 'failed' || m.outcome === 'rejected');
      const errors = failed.map(
        (m) =>
          `${m.interchangeReference}/${m.reference} ${m.type} ${m.outcome}: ${m.problems.slice(0, 5).join('; ')}`,
      );
      // Acknowledged by the CONTRL (the syntax is sound) yet no event: a person must act on each of them.
      await raiseTranslationFailures(
        this.exceptions,
        tx,
        {
          standard: 'EDIFACT',
          interchangeId: row.id,
          partnerId: row.partnerId,
          correlationId: row.correlationId,
        },
        failed
          .filter((m) => m.outcome === 'failed')
          .map((m) => ({
            controlNumbers: `${m.interchangeReference}/${m.reference}`,
            type: m.type,
            problems: m.problems,
          })),
      );
      const status: EdifactTranslationStatus =
        failed.length === 0
          ? 'accepted'
          : failed.length < business.length
            ? 'partially-accepted'
            : 'rejected';
      const record: EdifactTranslationRecord = {
        interchangeId: row.id,
        status,
        errors,
        messages: messages.map((m) => ({
          interchangeReference: m.interchangeReference,
          type: m.type,
          reference: m.reference,
          directory: m.directory,
          outcome: m.outcome,
          eventId: eventIds.get(m) ?? null,
          problems: m.problems,
        })),
        events,
        acknowledgments: intake.interchanges.flatMap((i) =>
          i.contrl ? [{ reference: i.contrl.reference, action: i.contrl.action }] : [],
        ),
        replayed: false,
      };
      const detail =
        errors.length === 0 ? undefined : clip(`edifact translation ${status}: ${errors.join(' | ')}`);
      await this.archive.setStatus(row.id, status === 'rejected' ? 'rejected' : 'processed', detail, tx);
      const { replayed: _replayed, ...kept } = record;
      await this.archive.recordAnswer(row.id, { ...answer, [EDIFACT_TRANSLATION_ANSWER_KEY]: kept }, tx);
      return record;
    });
  }
}

function channelOf(channel: string): 'sftp' | 'as2' | 'api' | 'portal' | 'gateway' {
  return channel === 'sftp' || channel === 'as2' || channel === 'api' || channel === 'portal'
    ? channel
    : 'gateway';
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function clip(text: string): string {
  return text.length <= 2000 ? text : `${text.slice(0, 1999)}…`;
}
