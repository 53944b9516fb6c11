import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../audit/actor.js';
import { AuditService } from '../../audit/audit.service.js';
import { isoTimestamp, isRowId, queryRows, type Queryable } from '../../platform/database/sql.js';
import { lockJobSubject, unfinishedState } from '../../platform/jobs/job-subject.js';
import { OutboxService } from '../../platform/jobs/outbox.service.js';
import { ediDocumentData } from '../transports/webhook.transport.js';
import { WebhookDeliverJob } from './webhook-delivery.job.js';
import {
  EVENT_TYPE_OF_KIND,
  WebhookSubscriptionError,
  type FannedOutDocument,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookFormat,
} from './webhook-subscription.types.js';

/** A message to write for one subscription (see WebhookMessageService.insert). */
export interface NewWebhookMessage {
  readonly partnerId: string;
  /** What the message is about; one message per subscription and source (uq_webhook_delivery_source). */
  readonly sourceKey: string;
  readonly eventType: string;
  readonly outboundDocumentId?: string;
  readonly body: string;
  readonly correlationId: string;
}

const DELIVERY_COLUMNS = `d.id::text AS id, d.subscription_id::text AS "subscriptionId", d.partner_id AS "partnerId",
  d.event_type AS "eventType", 'webhook-delivery-' || d.id AS "messageId",
  d.outbound_document_id::text AS "outboundDocumentId", d.status, d.attempts,
  d.last_response_status AS "lastResponseStatus", d.last_error AS "lastError",
  ${isoTimestamp('d.created_at')} AS "createdAt", ${isoTimestamp('d.delivered_at')} AS "deliveredAt"`;

/**
 * The messages of partner webhook subscriptions (`webhook_delivery`, docs/outbound.md "Webhook
 * subscriptions"): written for every document a partner is sent, in the transaction that records the
 * document, withdrawn and restored with it, listed, and redelivered on request. Each is delivered by
 * its own job with retries (./webhook-delivery.job.ts); its body is fixed when it is written, so
 * every try and redelivery sends the same bytes with the same `webhook-id`. The subscriptions
 * themselves are WebhookSubscriptionService's (which checks a partner owns one before its messages
 * are redelivered).
 */
@Injectable()
export class WebhookMessageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Writes one message per enabled subscription of the document's partner that asked for its type, in
   * the caller's transaction, and queues their delivery. Keyed by the document, so a second call adds
   * nothing.
   */
  async fanOut(tx: EntityManager, source: FannedOutDocument): Promise<number> {
    const { document } = source;
    const eventType = EVENT_TYPE_OF_KIND[document.kind];
    const subscriptions = await queryRows<{ id: string; format: WebhookFormat }>(
      tx,
      `SELECT id::text AS id, format FROM webhook_subscription
        WHERE partner_id = $1 AND enabled AND $2 = ANY (event_types) ORDER BY webhook_subscription.id`,
      [document.partnerId, eventType],
    );
    const timestamp = new Date().toISOString();
    let written = 0;
    for (const subscription of subscriptions) {
      const data =
        subscription.format === 'json' && source.partnerJson
          ? source.partnerJson
          : ediDocumentData(document, source);
      const created = await this.insert(tx, subscription.id, {
        partnerId: document.partnerId,
        sourceKey: `outbound-document:${document.id}`,
        eventType,
        outboundDocumentId: document.id,
        body: JSON.stringify({ type: eventType, timestamp, data }),
        correlationId: source.correlationId,
      });
      if (created) written += 1;
    }
    return written;
  }

  /**
   * Withdraws, in the caller's transaction, the messages announcing documents taken back before they
   * went (OutboundWithdrawalService): those not delivered yet, retried or failed, say why and are not
   * tried or redelivered any more. A try under way that delivers one all the same records it
   * delivered (webhook-delivery.job.ts). Returns how many were withdrawn.
   */
  async withdrawMessages(tx: EntityManager, documentIds: readonly string[], reason: string): Promise<number> {
    const withdrawn = await queryRows<{ id: string }>(
      tx,
      `UPDATE webhook_delivery SET status = 'withdrawn', last_error = $2, updated_at = now()
        WHERE outbound_document_id = ANY ($1::bigint[]) AND status IN ('pending', 'failed')
        RETURNING id::text AS id`,
      [documentIds, reason.slice(0, 1000)],
    );
    return withdrawn.length;
  }

  /**
   * Announces again, in the caller's transaction, a document an operator cancelled and now resends:
   * the messages its cancel withdrew are pending again, or its subscribers would never learn of a
   * document the partner gets after all. A message whose delivery job is still unfinished (a retry
   * queued when it was withdrawn) is left to that job, which now finds it pending; the others get a
   * new one. (A document its ended order withdrew is never resent.) Returns how many.
   */
  async restoreMessages(tx: EntityManager, documentId: string): Promise<number> {
    const restored = await queryRows<{ id: string; correlation_id: string }>(
      tx,
      `UPDATE webhook_delivery SET status = 'pending', last_error = NULL, updated_at = now()
        WHERE outbound_document_id = $1 AND status = 'withdrawn'
        RETURNING id::text AS id, correlation_id`,
      [documentId],
    );
    for (const message of restored) {
      const busy = await lockJobSubject(tx, WebhookDeliverJob.name, { deliveryId: message.id });
      if (!busy) await this.enqueue(tx, message.id, message.correlation_id, `resend-${Date.now()}`);
    }
    return restored.length;
  }

  async delivery(id: string, db: Queryable = this.dataSource): Promise<WebhookDelivery | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const [row] = await queryRows<WebhookDelivery>(
      db,
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery d WHERE d.id = $1`,
      [id],
    );
    return row;
  }

  /** A subscription's messages, newest first (cursor: `before` a delivery id). */
  async deliveries(
    subscriptionId: string,
    filter: { status?: WebhookDeliveryStatus; before?: string; limit: number },
  ): Promise<WebhookDelivery[]> {
    return queryRows<WebhookDelivery>(
      this.dataSource,
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery d
        WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2)
          AND ($3::bigint IS NULL OR d.id < $3)
        ORDER BY d.id DESC LIMIT $4`,
      [subscriptionId, filter.status ?? null, filter.before ?? null, filter.limit],
    );
  }

  /**
   * Sends a failed (or delivered) message again: same body, same `webhook-id`, fresh tries. Refused
   * (409) while the message is pending or any delivery job of it is unfinished. The caller has checked
   * that the subscription is the partner's (WebhookSubscriptionService.redeliver).
   */
  async redeliver(
    partnerId: string,
    subscriptionId: string,
    deliveryId: string,
    actor: Actor,
  ): Promise<WebhookDelivery> {
    const missing = () =>
      new WebhookSubscriptionError(`no message ${deliveryId} of subscription ${subscriptionId}`, 404);
    if (!isRowId(deliveryId)) throw missing();
    await this.dataSource.transaction(async (tx) => {
      const [row] = await queryRows<{
        id: string;
        status: string;
        last_error: string | null;
        correlation_id: string;
      }>(
        tx,
        `SELECT id::text AS id, status, last_error, correlation_id FROM webhook_delivery
          WHERE id = $1 AND subscription_id = $2 FOR UPDATE`,
        [deliveryId, subscriptionId],
      );
      if (!row) throw missing();
      if (row.status === 'pending')
        throw new WebhookSubscriptionError(`message ${deliveryId} is still being delivered`, 409);
      // Its document was taken back before it went: announcing it now would announce what never came.
      if (row.status === 'withdrawn')
        throw new WebhookSubscriptionError(
          `message ${deliveryId} is not sent again: ${row.last_error ?? 'withdrawn'}`,
          409,
        );
      // A settled message can still have a job queued (a replayed dead letter) or finishing: it would
      // send next to the redelivery once the message is pending again, and the first to settle would
      // decide it. Under the subject's lock until commit, so a replay cannot slip in meanwhile.
      const busy = await lockJobSubject(tx, WebhookDeliverJob.name, { deliveryId: row.id });
      if (busy)
        throw new WebhookSubscriptionError(
          `message ${deliveryId} is not sent again now: a delivery job of it (outbox row ${busy.id}) is ` +
            `${unfinishedState(busy)}; redeliver it once that job has finished, if it is still needed`,
          409,
        );
      await tx.query(
        `UPDATE webhook_delivery SET status = 'pending', last_error = NULL, updated_at = now() WHERE id = $1`,
        [row.id],
      );
      await this.enqueue(tx, row.id, row.correlation_id, `redeliver-${Date.now()}`);
      await this.audit.record(tx, {
        actor,
        action: 'webhook-delivery.redelivered',
        target: { type: 'webhook-delivery', id: deliveryId },
        partnerId,
        before: { status: row.status },
      });
    });
    return (await this.delivery(deliveryId))!;
  }

  /**
   * Writes one message in the caller's transaction and queues its first try; undefined when the
   * subscription already has a message from that source.
   */
  async insert(
    tx: EntityManager,
    subscriptionId: string,
    message: NewWebhookMessage,
  ): Promise<string | undefined> {
    const [row] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO webhook_delivery
         (subscription_id, partner_id, source_key, event_type, outbound_document_id, body, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ON CONSTRAINT uq_webhook_delivery_source DO NOTHING
       RETURNING id::text AS id`,
      [
        subscriptionId,
        message.partnerId,
        message.sourceKey,
        message.eventType,
        message.outboundDocumentId ?? null,
        message.body,
        message.correlationId,
      ],
    );
    if (row) await this.enqueue(tx, row.id, message.correlationId, 'first');
    return row?.id;
  }

  private async enqueue(tx: EntityManager, deliveryId: string, correlationId: string, round: string) {
    await this.outbox.enqueue(
      tx,
      WebhookDeliverJob,
      { deliveryId },
      { key: `${deliveryId}:${round}`, correlationId },
    );
  }
}
