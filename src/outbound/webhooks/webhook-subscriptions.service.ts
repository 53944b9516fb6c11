import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { DataSource } from 'typeorm';
import type { Actor } from '../../audit/actor.js';
import { AuditService } from '../../audit/audit.service.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';
import { isPublicAddress } from '../safe-http.js';
import { WebhookMessageService } from './webhook-messages.service.js';
import {
  MAX_SUBSCRIPTIONS_PER_PARTNER,
  SECRET_OVERLAP_HOURS,
  WEBHOOK_TEST_EVENT,
  WebhookSubscriptionError,
  type SubscriptionInput,
  type SubscriptionPatch,
  type WebhookDelivery,
  type WebhookSubscription,
} from './webhook-subscription.types.js';

const SUBSCRIPTION_COLUMNS = `s.id::text AS id, s.partner_id AS "partnerId", s.url, s.description,
  s.event_types AS "eventTypes", s.format, s.enabled,
  CASE WHEN s.previous_secret_until > now() THEN ${isoTimestamp('s.previous_secret_until')} END AS "previousSecretUntil",
  ${isoTimestamp('s.failing_since')} AS "failingSince",
  ${isoTimestamp('s.created_at')} AS "createdAt", ${isoTimestamp('s.updated_at')} AS "updatedAt"`;

/**
 * Partner webhook subscriptions (docs/outbound.md "Webhook subscriptions"): besides its delivery
 * channel, a partner subscribes URLs to the kinds of documents the gateway sends it. Every document
 * becomes one message per matching subscription, written in the transaction that records the
 * document (so nothing is announced that was not sent, and nothing sent goes unannounced) and
 * delivered by its own job with retries (./webhook-delivery.job.ts). Bodies are fixed when the message
 * is written, so every try and redelivery sends the same bytes with the same `webhook-id`.
 *
 * This service keeps the subscriptions (`webhook_subscription`: create, change, delete, rotate the
 * secret, test). Their messages are WebhookMessageService's (./webhook-messages.service.ts); a
 * partner's redelivery comes through here, which checks the subscription is the partner's.
 */
@Injectable()
export class WebhookSubscriptionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: WebhookMessageService,
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
      const created = await this.messages.insert(tx, subscription.id, {
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
    return (await this.messages.delivery(deliveryId))!;
  }

  /** A message of the partner's subscription sent again (WebhookMessageService.redeliver). */
  async redeliver(
    partnerId: string,
    subscriptionId: string,
    deliveryId: string,
    actor: Actor,
  ): Promise<WebhookDelivery> {
    await this.own(partnerId, subscriptionId);
    return this.messages.redeliver(partnerId, subscriptionId, deliveryId, actor);
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
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
