import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  EDIFACT_CHARSETS,
  edifactMimeCharset,
  encodeEdifact,
  type EdifactCharset,
} from '../edi/edifact/index.js';
import { encodeX12, X12_MIME_CHARSETS } from '../edi/x12/index.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { ArchivedInterchange } from '../interchanges/interchange.types.js';
import type { DeliveryChannel } from '../partners/delivery.schema.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { queryRows } from '../platform/database/sql.js';
import { DeferJobError, PermanentJobError } from '../platform/jobs/job-definition.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { EDIFACT_ANSWER_KEY as EDIFACT_INTAKE } from '../translation/edifact-intake.service.js';
import type { EdifactIntakeResult } from '../translation/edifact-intake.types.js';
import { ANSWER_KEY as X12_INTAKE } from '../translation/x12-intake.service.js';
import type { X12IntakeResult } from '../translation/x12-intake.types.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';
import { enqueueDelivery } from './outbound.jobs.js';
import { deliveryChannelOf } from './outbound-transports.js';
import { contentTypeWithCharset } from './transports/platform.transport.js';
import { WebhookMessageService } from './webhooks/webhook-messages.service.js';

/** One acknowledgment an intake built, as the outbound side needs it. */
export interface BuiltAcknowledgment {
  readonly position: number;
  readonly standard: 'x12' | 'edifact';
  /** TA1, 997, 999, CONTRL. */
  readonly messageType: string;
  readonly text: string;
  /**
   * The text as sent: in the encoding the answered X12 interchange was read in (its ISA's delimiters
   * and terminator come back as the same bytes), or the charset of the CONTRL's UNB syntax identifier.
   */
  readonly payload: Buffer;
  /** The IANA name of the payload's charset (ISO-8859-1, UTF-8, IBM037, ISO-8859-2 …). */
  readonly charset: string;
  /** What the interchange holds: TA1 and / or 997 / 999, or CONTRL. */
  readonly kinds: readonly string[];
  /** ISA13 / UNB 0020 of the acknowledgment interchange. */
  readonly controlReference: string;
}

/**
 * Where the acknowledgment of a receipt goes: back the way the receipt came when that way carries
 * documents to the partner (its hosted mailbox, an upload to its server, AS2, the API), else the
 * partner's delivery channel. A supplier platform relays acknowledgments itself: nothing is sent.
 */
export function acknowledgmentChannel(
  receivedOver: string,
  partner: PartnerProfile,
): DeliveryChannel | undefined {
  const sftp = partner.channels.sftp;
  switch (receivedOver) {
    case 'sftp-mailbox':
      return 'sftp-mailbox';
    case 'sftp':
      return sftp?.poll?.uploadDir ? 'sftp-upload' : deliveryChannelOf(partner);
    case 'as2':
      return 'as2';
    case 'api':
      return 'api';
    case 'platform':
      return undefined;
    default:
      return deliveryChannelOf(partner);
  }
}

/**
 * The gateway's own acknowledgments (TA1, 997/999, and CONTRL once the EDIFACT intake hands them over)
 * leave through the outbound delivery like every other document: archived, recorded as
 * `functional-ack` documents, delivered with retries and a terminal state. Named after the receipt
 * (`<file>.997`), so the partner can tell which file each answers.
 */
@Injectable()
export class AcknowledgmentDeliveryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly partners: PartnerRegistry,
    private readonly archive: InterchangeArchive,
    private readonly documents: OutboundDocumentRepository,
    private readonly outbox: OutboxService,
    private readonly messages: WebhookMessageService,
  ) {}

  /** Records and queues the acknowledgments of one receipt; returns the documents made (none twice). */
  async send(interchangeId: string): Promise<string[]> {
    const row = await this.archive.get(interchangeId);
    const partner = row.partnerId ? this.partners.get(row.partnerId) : undefined;
    if (!partner) return [];
    const channel = acknowledgmentChannel(row.channel, partner);
    if (!channel) return [];
    const acks = await this.acknowledgmentsFor(row);
    const source = (row.filename ?? `interchange-${row.id}`).replace(/^.*\//, '');
    const made: string[] = [];
    for (const ack of acks) {
      const id = await this.dataSource.transaction(async (tx) => {
        const sourceKey = `ack:${row.id}:${ack.position}`;
        const [existing] = await queryRows<{ id: string }>(
          tx,
          `SELECT id::text AS id FROM outbound_document WHERE source_key = $1`,
          [sourceKey],
        );
        if (existing) return undefined;
        const filename = `${source}.${ack.position > 0 ? `${ack.position + 1}.` : ''}${ack.messageType.toLowerCase()}`;
        const contentType = contentTypeWithCharset(ack.standard, ack.charset);
        const archived = await this.archive.recordOutbound(tx, {
          partnerId: partner.id,
          channel,
          payload: ack.payload,
          contentType,
          filename,
          metadata: {
            answers: row.id,
            kind: 'functional-ack',
            messageType: ack.messageType,
            ...(row.duplicateOf ? { repeats: row.duplicateOf } : {}),
          },
          correlationId: row.correlationId,
        });
        const { id } = await this.documents.insert(tx, {
          partnerId: partner.id,
          sourceKey,
          kind: 'functional-ack',
          standard: ack.standard,
          messageType: ack.messageType,
          channel,
          interchangeId: archived,
          filename,
          controlReference: ack.controlReference,
          functionalAckExpected: false,
          correlationId: row.correlationId,
        });
        await enqueueDelivery(this.outbox, tx, id, partner, row.correlationId, 'first');
        await this.messages.fanOut(tx, {
          document: {
            id,
            partnerId: partner.id,
            kind: 'functional-ack',
            standard: ack.standard,
            messageType: ack.messageType,
            filename,
          },
          payload: ack.payload,
          contentType,
          correlationId: row.correlationId,
        });
        return id;
      });
      if (id) made.push(id);
    }
    return made;
  }

  /**
   * A receipt's own acknowledgments; for a resend of an accepted receipt (acknowledgment-repeat.ts),
   * its original's. Those may not be built yet when the resend came right after the original: the job
   * waits for the original's intake (an hour at most, then it is dead-lettered for a person).
   */
  private async acknowledgmentsFor(row: ArchivedInterchange): Promise<BuiltAcknowledgment[]> {
    if (row.duplicateOf === null) return builtAcknowledgments(row.answer);
    const original = await this.archive.get(row.duplicateOf);
    const acks = builtAcknowledgments(original.answer);
    if (acks.length > 0 || original.status !== 'received') return acks;
    const waiting = `interchange ${row.id} repeats ${original.id}, whose intake has not answered yet`;
    if (Date.now() - row.receivedAt.getTime() < REPEAT_WAIT_MS) throw new DeferJobError(waiting, 5_000);
    throw new PermanentJobError(`${waiting} after ${REPEAT_WAIT_MS / 60_000} minutes`);
  }
}

const REPEAT_WAIT_MS = 60 * 60_000;

/** A CONTRL recorded before its syntax identifier was: written as ISO 8859-1 then (UNOC). */
function contrlCharset(syntaxId: string | undefined): EdifactCharset {
  return EDIFACT_CHARSETS.get(syntaxId ?? 'UNOC') ?? EDIFACT_CHARSETS.get('UNOC')!;
}

/** The acknowledgments an intake recorded on a receipt's answer (X12 TA1/997/999, EDIFACT CONTRL). */
export function builtAcknowledgments(answer: unknown): BuiltAcknowledgment[] {
  const recorded = (answer ?? {}) as Record<string, unknown>;
  const x12 = recorded[X12_INTAKE] as Omit<X12IntakeResult, 'replayed'> | undefined;
  const edifact = recorded[EDIFACT_INTAKE] as Omit<EdifactIntakeResult, 'replayed'> | undefined;
  return [
    ...(x12?.interchanges ?? []).flatMap(({ position, ack }) => {
      if (!ack) return [];
      const encoding = ack.encoding ?? 'latin1';
      return [
        {
          position,
          standard: 'x12' as const,
          messageType: ack.functional ?? 'TA1',
          text: ack.text,
          payload: encodeX12(ack.text, encoding),
          charset: X12_MIME_CHARSETS[encoding],
          kinds: [...(ack.ta1 ? ['TA1'] : []), ...(ack.functional ? [ack.functional] : [])],
          controlReference: ack.controlNumber,
        },
      ];
    }),
    ...(edifact?.interchanges ?? []).flatMap(({ position, contrl }) => {
      if (!contrl) return [];
      const charset = contrlCharset(contrl.syntaxId);
      return [
        {
          position,
          standard: 'edifact' as const,
          messageType: 'CONTRL',
          text: contrl.text,
          payload: encodeEdifact(contrl.text, charset),
          charset: edifactMimeCharset(charset),
          kinds: ['CONTRL'],
          controlReference: contrl.reference,
        },
      ];
    }),
  ];
}
