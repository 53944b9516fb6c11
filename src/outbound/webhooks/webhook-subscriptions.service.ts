import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../audit/actor.js';
import { AuditService } from '../../audit/audit.service.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { isoTimestamp, isRowId, queryRows, type Queryable } from '../../platform/database/sql.js';
import { lockJobSubject, unfinishedState } from '../../platform/jobs/job-subject.js';
import { OutboxService } from '../../platform/jobs/outbox.service.js';
import { isPublicAddress } from '../safe-http.js';
import type { OutboundDocument, OutboundKind } from '../outbound.types.js';
import { ediDocumentData } from '../transports/webhook.transport.js';
import { WebhookDeliverJob } from './webhook-delivery.job.js';

/** What a partner can subscribe to: one type per kind of document the gateway sends it. */
export const WEBHOOK_EVENT_TYPES = [
  'purchase-order.issued',
  'purchase-order.changed',
  'purchase-order.cancelled',
  'functional-acknowledgment.sent',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The ping `POST …/test` sends; not subscribable, always delivered to the subscription tested. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const EVENT_TYPE_OF_KIND: Readonly<Record<OutboundKind, WebhookEventType>> = {
  'purchase-order': 'purchase-order.issued',
  'po-change': 'purchase-order.changed',
  'po-cancellation': 'purchase-order.cancelled',
  'functional-ack': 'functional-acknowledgment.sent',
};

/**
 * `json`: `data` is the partner JSON document (schema v1, docs/partner-api.md) whatever the partner's
 * EDI format; `native`: `data` carries the document exactly as the partner's channel gets it (the X12 or
 * EDIFACT text, and its exact bytes in base64). Functional acknowledgments have no JSON schema and always go native.
 */
export const WEBHOOK_FORMATS = ['json', 'native'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Subscriptions a partner may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_PARTNER = 10;
/** How long a rotated secret keeps signing next to the new one. */
export const SECRET_OVERLAP_HOURS = 24;

export interface WebhookSubscription {
  readonly id: string;
  readonly partnerId: string;
  readonly url: string;
  readonly description: string | null;
  readonly eventTypes: WebhookEventType[];
  readonly format: WebhookFormat;
  readonly enabled: boolean;
  /** Until when the previous secret still signs (after a rotation), else null. */
  readonly previousSecretUntil: string | null;
  /** Since when its messages fail (the first message that failed every try), null while healthy. */
  readonly failingSince: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * `withdrawn`: the document the message announces was withdrawn (its order ended) before the message
 * reached the subscriber; `lastError` says why. It is not tried or redelivered any more.
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'withdrawn'] as const;
export type WebhookDeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookDelivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly partnerId: string;
  readonly eventType: string;
  /** `webhook-id` of the message: the same on every try and redelivery. */
  readonly messageId: string;
  readonly outboundDocumentId: string | null;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly lastResponseStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export interface SubscriptionInput {
  readonly url: string;
  readonly eventTypes: readonly WebhookEventType[];
  readonly format?: WebhookFormat;
  readonly description?: string;
}

export interface SubscriptionPatch {
  readonly url?: string;
  readonly eventTypes?: readonly WebhookEventType[];
  readonly format?: WebhookFormat;
  readonly description?: string | null;
  readonly enabled?: boolean;
}

/** A document being sent to a partner, as subscriptions see it (see fanOut). */
export interface FannedOutDocument {
  readonly document: Pick<
    OutboundDocument,
    'id' | 'partnerId' | 'kind' | 'standard' | 'messageType' | 'filename'
  >;
  readonly payload: Buffer;
  /** The Content-Type `payload` is archived with, naming its charset (`application/edifact; charset=ISO-8859-1`). */
  readonly contentType: string;
  /** The partner JSON document (schema v1) of a PO document; absent for functional acknowledgments. */
  readonly partnerJson?: Record<string, unknown>;
  readonly correlationId: string;
}

/** A refused request about subscriptions, answered as problem+json with its status. */
export class WebhookSubscriptionError extends Error {
  readonly problemCode: string;
  constructor(
    message: string,
    readonly httpStatus: 400 | 404 | 409,
  ) {
    super(message);
    this.name = 'WebhookSubscriptionError';
    this.problemCode = { 400: 'bad-request', 404: 'not-found', 409: 'conflict' }[httpStatus];
  }
}

const SUBSCRIPTION_COLUMNS = `s.id::text AS id, s.partner_id AS "partnerId", s.url, s.description,
  s.event_types AS "eventTypes", s.format, s.enabled,
  CASE WHEN s.previous_secret_until > now() THEN ${isoTimestamp('s.previous_secret_until')} END AS "previousSecretUntil",
  ${isoTimestamp('s.failing_since')} AS "failingSince",
  ${isoTimestamp('s.created_at')} AS "createdAt", ${isoTimestamp('s.updated_at')} AS "updatedAt"`;

const DELIVERY_COLUMNS = `d.id::text AS id, d.subscription_id::text AS "subscriptionId", d.partner_id AS "partnerId",
  d.event_type AS "eventType", 'webhook-delivery-' || d.id AS "messageId",
  d.outbound_document_id::text AS "outboundDocumentId", d.status, d.attempts,
  d.last_response_status AS "lastResponseStatus", d.last_error AS "lastError",
  ${isoTimestamp('d.created_at')} AS "createdAt", ${isoTimestamp('d.delivered_at')} AS "deliveredAt"`;

/**
 * Partner webhook subscriptions (docs/outbound.md "Webhook subscriptions"): besides its delivery
 * channel, a partner subscribes URLs to the kinds of documents the gateway sends it. Every document
 * becomes one message per matching subscription, written in the transaction that records the
 * document (so nothing is announced that was not sent, and nothing sent goes unannounced) and
 * delivered by its own job with retries (./webhook-delivery.job.ts). Bodies are fixed when the message
 * is written, so every try and redelivery sends the same bytes with the same `webhook-id`.
 */
@Injectable()
export class WebhookSubscriptionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  async create(
    partnerId: string,
    input: SubscriptionInput,
    actor: Actor,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    this.checkUrl(input.url);
    const secret = newSecret();
    const id = await this.dataSource.transaction(async (tx) => {
      // One partner's subscriptions are created one at a time, so the cap holds under concurrency.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('webhook-subscription:' || $1))`, [partnerId]);
      const [{ count }] = (await queryRows<{ count: number }>(
        tx,
        `SELECT count(*)::int AS count FROM webhook_subscription WHERE partner_id = $1`,
        [partnerId],
      )) as [{ count: number }];
      if (count >= MAX_SUBSCRIPTIONS_PER_PARTNER)
        throw new WebhookSubscriptionError(
          `${partnerId} already has ${MAX_SUBSCRIPTIONS_PER_PARTNER} webhook subscriptions; delete one first`,
          409,
        );
      const [row] = await queryRows<{ id: string }>(
        tx,
        `INSERT INTO webhook_subscription (partner_id, url, description, event_types, format, secret)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text AS id`,
        [
          partnerId,
          input.url,
          input.description ?? null,
          unique(input.eventTypes),
          input.format ?? 'json',
          secret,
        ],
      );
      await this.audit.record(tx, {
        actor,
        action: 'webhook-subscription.created',
        target: { type: 'webhook-subscription', id: row!.id },
        partnerId,
        after: { url: input.url, eventTypes: unique(input.eventTypes), format: input.format ?? 'json' },
      });
      return row!.id;
    });
    return { subscription: (await this.get(id))!, secret };
  }

  async get(id: string, db: Queryable = this.dataSource): Promise<WebhookSubscription | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const [row] = await queryRows<WebhookSubscription>(
      db,
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscription s WHERE s.id = $1`,
      [id],
    );
    return row;
  }

  /** A partner's subscription; another partner's id is the same as none (404). */
  async own(partnerId: string, id: string): Promise<WebhookSubscription> {
    const subscription = await this.get(id);
    if (!subscription || subscription.partnerId !== partnerId)
      throw new WebhookSubscriptionError(`no webhook subscription ${id}`, 404);
    return subscription;
  }

  async list(partnerId?: string): Promise<WebhookSubscription[]> {
    return queryRows<WebhookSubscription>(
      this.dataSource,
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscription s
        WHERE $1::text IS NULL OR s.partner_id = $1 ORDER BY s.id`,
      [partnerId ?? null],
    );
  }

  async update(
    partnerId: string,
    id: string,
    patch: SubscriptionPatch,
    actor: Actor,
  ): Promise<WebhookSubscription> {
    const before = await this.own(partnerId, id);
    if (patch.url !== undefined) this.checkUrl(patch.url);
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `UPDATE webhook_subscription
            SET url = COALESCE($2, url),
                event_types = COALESCE($3, event_types),
                format = COALESCE($4, format),
                description = CASE WHEN $5 THEN $6 ELSE description END,
                enabled = COALESCE($7, enabled),
                failing_since = CASE WHEN $7 IS TRUE OR $2 IS NOT NULL THEN NULL ELSE failing_since END,
                updated_at = now()
          WHERE id = $1`,
        [
          id,
          patch.url ?? null,
          patch.eventTypes ? unique(patch.eventTypes) : null,
          patch.format ?? null,
          patch.description !== undefined,
          patch.description ?? null,
          patch.enabled ?? null,
        ],
      );
      await this.audit.record(tx, {
        actor,
        action: 'webhook-subscription.updated',
        target: { type: 'webhook-subscription', id },
        partnerId,
        before: {
          url: before.url,
          eventTypes: before.eventTypes,
          format: before.format,
          enabled: before.enabled,
        },
        after: { ...patch },
      });
    });
    return (await this.get(id))!;
  }

  /** Deletes a subscription with its messages; messages still being tried stop at their next try. */
  async remove(partnerId: string, id: string, actor: Actor): Promise<WebhookSubscription> {
    const before = await this.own(partnerId, id);
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`DELETE FROM webhook_subscription WHERE id = $1`, [id]);
      await this.audit.record(tx, {
        actor,
        action: 'webhook-subscription.deleted',
        target: { type: 'webhook-subscription', id },
        partnerId,
        before: { url: before.url, eventTypes: before.eventTypes },
      });
    });
    return before;
  }

  /** A new secret; the old one keeps signing next to it for SECRET_OVERLAP_HOURS. Shown once. */
  async rotateSecret(
    partnerId: string,
    id: string,
    actor: Actor,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    await this.own(partnerId, id);
    const secret = newSecret();
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `UPDATE webhook_subscription
            SET previous_secret = secret, secret = $2,
                previous_secret_until = now() + make_interval(hours => $3), updated_at = now()
          WHERE id = $1`,
        [id, secret, SECRET_OVERLAP_HOURS],
      );
      await this.audit.record(tx, {
        actor,
        action: 'webhook-subscription.secret-rotated',
        target: { type: 'webhook-subscription', id },
        partnerId,
      });
    });
    return { subscription: (await this.get(id))!, secret };
  }

  /** Sends a `webhook.test` message to one subscription (enabled or not), so a partner can check its endpoint. */
  async test(partnerId: string, id: string, actor: Actor): Promise<WebhookDelivery> {
    const subscription = await this.own(partnerId, id);
    const deliveryId = await this.dataSource.transaction(async (tx) => {
      const sent = new Date().toISOString();
      const created = await this.insertDelivery(tx, subscription.id, {
        partnerId,
        sourceKey: `test:${sent}:${randomBytes(4).toString('hex')}`,
        eventType: WEBHOOK_TEST_EVENT,
        body: JSON.stringify({
          type: WEBHOOK_TEST_EVENT,
          timestamp: sent,
          data: { subscriptionId: subscription.id, partnerId, eventTypes: subscription.eventTypes },
        }),
        correlationId: `webhook-test:${subscription.id}`,
      });
      await this.audit.record(tx, {
        actor,
        action: 'webhook-subscription.tested',
        target: { type: 'webhook-subscription', id },
        partnerId,
      });
      return created!;
    });
    return (await this.delivery(deliveryId))!;
  }

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
      const created = await this.insertDelivery(tx, subscription.id, {
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
   * (409) while the message is pending or any delivery job of it is unfinished.
   */
  async redeliver(
    partnerId: string,
    subscriptionId: string,
    deliveryId: string,
    actor: Actor,
  ): Promise<WebhookDelivery> {
    await this.own(partnerId, subscriptionId);
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
   * Refuses URLs the gateway will never connect to, at once rather than at the first message: not
   * http(s), credentials in the URL, plain http or a literal private address unless private targets are
   * allowed (OUTBOUND_ALLOW_PRIVATE_TARGETS). Names are checked again when connecting (safe-http.ts).
   */
  checkUrl(value: string): void {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new WebhookSubscriptionError(`${value} is not a URL`, 400);
    }
    const allowPrivate = this.config.OUTBOUND_ALLOW_PRIVATE_TARGETS;
    if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
      throw new WebhookSubscriptionError('expected an https URL', 400);
    if (url.username || url.password)
      throw new WebhookSubscriptionError('credentials in the URL are not allowed', 400);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!allowPrivate && (host === 'localhost' || (ipaddr.isValid(host) && !isPublicAddress(host))))
      throw new WebhookSubscriptionError(`${host} is not a public address`, 400);
  }

  private async insertDelivery(
    tx: EntityManager,
    subscriptionId: string,
    message: {
      partnerId: string;
      sourceKey: string;
      eventType: string;
      outboundDocumentId?: string;
      body: string;
      correlationId: string;
    },
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

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
