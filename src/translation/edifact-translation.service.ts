import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { ArchivedInterchange, InterchangeStatus } from '../interchanges/interchange.types.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { believedContrls, contrlEvents } from './edifact-functional-acks.js';
import { queryRows } from '../platform/database/sql.js';
import { CanonicalEventStore } from './canonical-event.store.js';
import { raiseTranslationFailures } from './translation-failures.js';
import { EDIFACT_ANSWER_KEY } from './edifact-intake.service.js';
import type { EdifactIntakeResult } from './edifact-intake.types.js';
import { SettledEventWriter, type StoredEventRecord } from './settled-events.js';
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
    // Read before the transaction opens, on its own connection.
    const row = await this.archive.get(interchangeId);
    if (row.direction !== 'inbound')
      throw new EdifactTranslationError(`interchange ${row.id} is not inbound`);
    const partner = row.partnerId ? this.partners.get(row.partnerId) : undefined;

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
      const { messages, events } = await this.storeEvents(tx, row, partner, accepted);
      // The partner's CONTRLs for what we sent: events the outbound delivery joins to its documents.
      if (partner && messages.some((m) => m.type === 'CONTRL')) {
        for (const ack of contrlEvents({
          partnerId: partner.id,
          interchangeId: row.id,
          payload: await this.archive.payload(row.id, tx),
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
        messages,
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

  /**
   * Translates the payload chunk by chunk as the archive reads it and stores the messages' events as
   * the stream settles them (a group's at its UNE, a message outside groups at its UNT), so the job
   * holds neither the file nor its events; an interchange its UNZ rejects takes its events back
   * (SettledEventWriter).
   */
  private async storeEvents(
    tx: EntityManager,
    row: ArchivedInterchange,
    partner: PartnerProfile | undefined,
    accepted: ReadonlyMap<number, ReadonlySet<string>>,
  ): Promise<{ messages: MessageRecord[]; events: StoredEventRecord[] }> {
    const writer = new SettledEventWriter(tx, this.store, 'edifact_translation_interchange', messageRecord);
    const admitted = (index: number, settled: readonly EdifactTranslatedMessage[]) =>
      settled.filter((m) => accepted.get(index)?.has(m.reference) ?? false);
    const stream = this.translator.stream(
      {
        partner,
        interchangeId: row.id,
        origin: row.id,
        channel: channelOf(row.channel),
        receivedAt: row.receivedAt,
      },
      {
        messages: (handed, index) => {
          if (accepted.has(index)) writer.settle(index, admitted(index, handed));
        },
        interchange: (index, voided) => {
          if (accepted.has(index))
            writer.end(index, voided === undefined ? undefined : admitted(index, voided));
        },
      },
    );
    await writer.translate(await this.archive.payloadChunks(row.id, tx), stream);
    return { messages: writer.records, events: writer.events };
  }
}

type MessageRecord = EdifactTranslationRecord['messages'][number];

function messageRecord(message: EdifactTranslatedMessage, eventId: string | null): MessageRecord {
  return {
    interchangeReference: message.interchangeReference,
    type: message.type,
    reference: message.reference,
    directory: message.directory,
    outcome: message.outcome,
    eventId,
    problems: message.problems,
  };
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
