import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { ArchivedInterchange, InterchangeStatus } from '../interchanges/interchange.types.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { queryRows } from '../platform/database/sql.js';
import { CanonicalEventStore } from './canonical-event.store.js';
import { x12ApplicationReceiverCheck } from './receiver-check.js';
import { raiseTranslationFailures } from './translation-failures.js';
import { SettledEventWriter, type StoredEventRecord } from './settled-events.js';
import { X12MapRegistry } from './x12-map-registry.js';
import { ANSWER_KEY as INTAKE_KEY } from './x12-intake.service.js';
import type { X12IntakeResult } from './x12-intake.types.js';
import { believedAckSets, functionalAckEvents } from './x12-functional-acks.js';
import { X12Translator, type X12TranslatedSet } from './x12-translator.js';

/** Key of the translation's record inside the archive row's `answer`, beside the intake's. */
export const TRANSLATION_ANSWER_KEY = 'x12Translation';

export class X12TranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'X12TranslationError';
  }
}

/** accepted: every business set became an event; with errors: some did; rejected: none did. */
export type X12TranslationStatus = 'accepted' | 'accepted-with-errors' | 'rejected';

export interface X12TranslationRecord {
  readonly interchangeId: string;
  readonly status: X12TranslationStatus;
  /** One line per set that did not become an event: `ISA13/GS06/ST02 856: why`. */
  readonly errors: readonly string[];
  readonly sets: readonly {
    readonly interchangeControlNumber: string;
    readonly groupControlNumber: string;
    readonly setId: string;
    readonly controlNumber: string;
    readonly outcome: X12TranslatedSet['outcome'];
    readonly eventId: string | null;
    readonly problems: readonly string[];
  }[];
  /** Events stored now, or found stored from an earlier translation of the same revision. */
  readonly events: readonly { readonly id: string; readonly type: string; readonly stored: boolean }[];
  /** The acknowledgments the intake built for this receipt (ISA13 of each, and what they hold). */
  readonly acknowledgments: readonly {
    readonly controlNumber: string;
    readonly functional: '997' | '999' | null;
    readonly ta1: boolean;
  }[];
  readonly replayed: boolean;
}

/**
 * The translation step after the intake (`translation.x12-intake`): every set the grammar accepted in
 * an interchange the intake accepted becomes its canonical event; events, the interchange's status
 * and the record (with the intake's acknowledgments) are written in one transaction.
 */
@Injectable()
export class X12TranslationService {
  private readonly translator: X12Translator;
  /** The intake's GS03 check, so a group it rejected for its GS03 is not translated either. */
  private readonly isApplicationReceiver: ((code: string) => boolean) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly archive: InterchangeArchive,
    private readonly partners: PartnerRegistry,
    private readonly store: CanonicalEventStore,
    private readonly exceptions: ExceptionService,
    maps: X12MapRegistry,
    @InjectConfig() config: GatewayConfig,
  ) {
    this.translator = new X12Translator(maps);
    this.isApplicationReceiver = x12ApplicationReceiverCheck(config);
  }

  async translate(interchangeId: string): Promise<X12TranslationRecord> {
    // Read before the transaction opens, on its own connection.
    const row = await this.archive.get(interchangeId);
    if (row.direction !== 'inbound') throw new X12TranslationError(`interchange ${row.id} is not inbound`);
    const partner = row.partnerId ? this.partners.get(row.partnerId) : undefined;

    return this.dataSource.transaction(async (tx) => {
      const [locked] = await queryRows<{ status: InterchangeStatus; answer: unknown }>(
        tx,
        `SELECT status, answer FROM interchange WHERE id = $1 FOR UPDATE`,
        [row.id],
      );
      const answer = asObject(locked?.answer);
      const previous = answer[TRANSLATION_ANSWER_KEY] as X12TranslationRecord | undefined;
      if (previous) return { ...previous, replayed: true };
      const intake = answer[INTAKE_KEY] as Omit<X12IntakeResult, 'replayed'> | undefined;
      if (!intake || locked?.status !== 'processing')
        throw new X12TranslationError(
          `interchange ${row.id} is ${locked?.status ?? 'gone'}${intake ? '' : ' without an intake result'}; translation follows an accepted intake`,
        );

      // Only interchanges the intake accepted (bound sender, not a duplicate) are translated.
      const accepted = new Set(
        intake.interchanges.filter((i) => i.outcome === 'accepted').map((i) => i.position),
      );
      const { sets, events } = await this.storeEvents(tx, row, partner, accepted);
      // The partner's 997 / 999 for what we sent: events the outbound delivery joins to its documents.
      if (partner && sets.some((s) => s.setId === '997' || s.setId === '999')) {
        const acks = await functionalAckEvents(tx, {
          partnerId: partner.id,
          interchangeId: row.id,
          payload: await this.archive.payload(row.id, tx),
          receivedAt: row.receivedAt,
          channel: channelOf(row.channel),
          believed: believedAckSets(sets),
        });
        for (const ack of acks) {
          const stored = await this.store.append(tx, ack);
          events.push({ id: stored.id, type: ack.type, stored: stored.stored });
        }
      }
      const business = sets.filter((s) => s.outcome !== 'not-translated');
      const failed = business.filter((s) => s.outcome === 'failed' || s.outcome === 'rejected');
      const errors = failed.map(
        (s) =>
          `${s.interchangeControlNumber}/${s.groupControlNumber}/${s.controlNumber} ${s.setId} ${s.outcome}: ${s.problems.slice(0, 5).join('; ')}`,
      );
      // Acknowledged AK5 A (the syntax is sound) yet no event: a person must act on each of them.
      await raiseTranslationFailures(
        this.exceptions,
        tx,
        {
          standard: 'X12',
          interchangeId: row.id,
          partnerId: row.partnerId,
          correlationId: row.correlationId,
        },
        failed
          .filter((s) => s.outcome === 'failed')
          .map((s) => ({
            controlNumbers: `${s.interchangeControlNumber}/${s.groupControlNumber}/${s.controlNumber}`,
            type: s.setId,
            problems: s.problems,
          })),
      );
      const status: X12TranslationStatus =
        failed.length === 0
          ? 'accepted'
          : failed.length < business.length
            ? 'accepted-with-errors'
            : 'rejected';
      const record: X12TranslationRecord = {
        interchangeId: row.id,
        status,
        errors,
        sets,
        events,
        acknowledgments: intake.interchanges.flatMap((i) =>
          i.ack
            ? [{ controlNumber: i.ack.controlNumber, functional: i.ack.functional, ta1: i.ack.ta1 !== null }]
            : [],
        ),
        replayed: false,
      };
      const detail =
        errors.length === 0 ? undefined : clip(`x12 translation ${status}: ${errors.join(' | ')}`);
      await this.archive.setStatus(row.id, status === 'rejected' ? 'rejected' : 'processed', detail, tx);
      const { replayed: _replayed, ...kept } = record;
      await this.archive.recordAnswer(row.id, { ...answer, [TRANSLATION_ANSWER_KEY]: kept }, tx);
      return record;
    });
  }

  /**
   * Translates the payload chunk by chunk as the archive reads it and stores each group's events once
   * its GE has settled them, so the job holds neither the file nor its events; an interchange its IEA
   * rejects takes its events back (SettledEventWriter).
   */
  private async storeEvents(
    tx: EntityManager,
    row: ArchivedInterchange,
    partner: PartnerProfile | undefined,
    accepted: ReadonlySet<number>,
  ): Promise<{ sets: SetRecord[]; events: StoredEventRecord[] }> {
    const writer = new SettledEventWriter(tx, this.store, 'x12_translation_interchange', setRecord);
    const stream = this.translator.stream(
      {
        partner,
        interchangeId: row.id,
        origin: row.id,
        channel: channelOf(row.channel),
        receivedAt: row.receivedAt,
        isApplicationReceiver: this.isApplicationReceiver,
      },
      {
        group: (sets, index) => {
          if (accepted.has(index)) writer.settle(index, sets);
        },
        interchange: (index, voided) => {
          if (accepted.has(index)) writer.end(index, voided);
        },
      },
    );
    await writer.translate(await this.archive.payloadChunks(row.id, tx), stream);
    return { sets: writer.records, events: writer.events };
  }
}

type SetRecord = X12TranslationRecord['sets'][number];

function setRecord(set: X12TranslatedSet, eventId: string | null): SetRecord {
  return {
    interchangeControlNumber: set.interchangeControlNumber,
    groupControlNumber: set.groupControlNumber,
    setId: set.setId,
    controlNumber: set.controlNumber,
    outcome: set.outcome,
    eventId,
    problems: set.problems,
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
