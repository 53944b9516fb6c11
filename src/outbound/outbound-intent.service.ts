import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import { parseEvent } from '../canonical/index.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { queryRows } from '../platform/database/sql.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';
import { KIND_OF_EVENT, OutboundRenderer, partnerJson, partnerJsonType } from './outbound-renderer.js';
import { deliveryChannelOf } from './outbound-transports.js';
import { enqueueDelivery } from './outbound.jobs.js';
import { WebhookMessageService } from './webhooks/webhook-messages.service.js';

interface IntentRow {
  id: string;
  partner_id: string;
  po_number: string;
  event_type: string;
  revision: number;
  status: string;
  event: unknown;
  correlation_id: string;
}

/**
 * The first step of every document the gateway sends a partner for an order (job `outbound.render`):
 * its intent rendered in the partner's format, archived as an outbound interchange with its control
 * numbers, recorded as an `outbound_document`, its delivery queued and its webhook subscribers'
 * messages written, all in one transaction, so a crash leaves either all of it or none. An intent
 * that cannot be rendered is failed with a case. What follows (delivery, resend, outcome) is
 * OutboundDeliveryService's.
 */
@Injectable()
export class OutboundIntentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly partners: PartnerRegistry,
    private readonly renderer: OutboundRenderer,
    private readonly archive: InterchangeArchive,
    private readonly documents: OutboundDocumentRepository,
    private readonly outbox: OutboxService,
    private readonly exceptions: ExceptionService,
    private readonly messages: WebhookMessageService,
  ) {}

  /** Renders an intent into a document and queues its delivery; returns the document id (undefined: not renderable). */
  async renderIntent(intentId: string): Promise<string | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const [intent] = await queryRows<IntentRow>(
        tx,
        `SELECT i.id::text AS id, i.partner_id, o.po_number, i.event_type, i.revision, i.status, i.event, i.correlation_id
           FROM outbound_intent i JOIN purchase_order o ON o.id = i.po_id
          WHERE i.id = $1 FOR UPDATE OF i`,
        [intentId],
      );
      if (!intent) return undefined;
      const [existing] = await queryRows<{ id: string }>(
        tx,
        `SELECT id::text AS id FROM outbound_document WHERE source_key = $1`,
        [`intent:${intent.id}`],
      );
      if (existing) return existing.id;
      // Not rendered and no longer waiting: withdrawn because its order ended (OutboundWithdrawalService),
      // or refused before; either way nothing is to be rendered.
      if (intent.status !== 'waiting') return undefined;
      const partner = this.partners.get(intent.partner_id);
      const kind = KIND_OF_EVENT[intent.event_type];
      if (!partner || !kind) {
        await this.failIntent(
          tx,
          intent,
          partner ? `${intent.event_type} is not sent to partners` : 'the partner is no longer configured',
        );
        return undefined;
      }
      const event = parseEvent(intent.event);
      let rendered;
      try {
        // A savepoint: a refused document must not take its control numbers with it, nor abort the transaction.
        rendered = await tx.transaction((inner) => this.renderer.render(inner, partner, event));
      } catch (error) {
        await this.failIntent(tx, intent, (error as Error).message);
        return undefined;
      }
      const channel = deliveryChannelOf(partner);
      const reference = rendered.controlReference ?? `r${intent.revision}`;
      const filename = `${kind}-${safe(intent.po_number)}-${safe(reference)}.${rendered.extension}`;
      const interchangeId = await this.archive.recordOutbound(tx, {
        partnerId: partner.id,
        channel,
        payload: rendered.payload,
        contentType: rendered.contentType,
        filename,
        metadata: {
          kind,
          poNumber: intent.po_number,
          revision: intent.revision,
          standard: rendered.standard,
          messageType: rendered.messageType,
          controlReference: rendered.controlReference ?? null,
          groupReference: rendered.groupReference ?? null,
        },
        correlationId: intent.correlation_id,
      });
      const { id } = await this.documents.insert(tx, {
        partnerId: partner.id,
        sourceKey: `intent:${intent.id}`,
        kind,
        intentId: intent.id,
        poNumber: intent.po_number,
        poRevision: intent.revision,
        standard: rendered.standard,
        messageType: rendered.messageType,
        channel,
        interchangeId,
        filename,
        controlReference: rendered.controlReference,
        groupReference: rendered.groupReference,
        setReferences: rendered.setReferences,
        functionalAckExpected: rendered.functionalAckExpected,
        correlationId: intent.correlation_id,
      });
      await tx.query(`UPDATE outbound_intent SET status = 'rendered' WHERE id = $1`, [intent.id]);
      await enqueueDelivery(this.outbox, tx, id, partner, intent.correlation_id, 'first');
      await this.messages.fanOut(tx, {
        document: {
          id,
          partnerId: partner.id,
          kind,
          standard: rendered.standard,
          messageType: rendered.messageType,
          filename,
        },
        payload: rendered.payload,
        contentType: rendered.contentType,
        partnerJson: partnerJson(event, partnerJsonType(kind)),
        correlationId: intent.correlation_id,
      });
      return id;
    });
  }

  private async failIntent(tx: EntityManager, intent: IntentRow, reason: string): Promise<void> {
    await tx.query(`UPDATE outbound_intent SET status = 'failed' WHERE id = $1`, [intent.id]);
    await this.exceptions.raise(
      tx,
      {
        type: 'outbound.delivery-failed',
        dedupeKey: `outbound-intent:${intent.id}`,
        summary:
          `${intent.event_type} of PO ${intent.po_number} rev ${intent.revision} cannot be sent to ${intent.partner_id}: ${reason}`.slice(
            0,
            500,
          ),
        references: { partnerId: intent.partner_id, poNumber: intent.po_number },
        correlationId: intent.correlation_id,
      },
      GATEWAY_ACTOR,
    );
  }
}

function safe(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);
}
