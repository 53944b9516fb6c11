import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { queryRows } from '../../platform/database/sql.js';
import {
  defineJob,
  DeferJobError,
  PermanentJobError,
  type JobContext,
  type JobHandler,
} from '../../platform/jobs/job-definition.js';
import { HandlesJob } from '../../platform/jobs/job-handler.decorator.js';
import { DeliveryThrottledError, PermanentDeliveryError } from '../outbound.types.js';
import { postSignedWebhook, WebhookAnswerError } from './signed-post.js';

export interface WebhookDeliverPayload {
  /** The `webhook_delivery` row to send. */
  readonly deliveryId: string;
}

/**
 * Sends one message to one webhook subscription. Keyed by the message (and a redelivery number).
 * Ten tries, 5 s doubling to at most an hour apart (about nine hours in all), so an endpoint down for
 * a deploy or a night loses nothing.
 */
export const WebhookDeliverJob = defineJob<WebhookDeliverPayload>('webhook.deliver', {
  maxAttempts: 10,
  backoff: { baseMs: 5_000, maxMs: 60 * 60_000 },
});

/** How long one try waits for the receiver's answer. */
const TIMEOUT_MS = 10_000;

interface Row {
  id: string;
  status: string;
  body: string;
  subscription_id: string;
  partner_id: string;
  url: string;
  enabled: boolean;
  secrets: string[];
  event_type: string;
  correlation_id: string;
}

/**
 * One try of a subscription message: signed with the subscription's secret (and the previous one while
 * a rotation overlaps), POSTed where safe-http allows. 2xx delivers it; 429/503 with Retry-After waits
 * without using up a try; other failures are retried until the last try. A message that fails for good
 * marks its subscription failing and raises one `webhook.delivery-failed` case per subscription (not
 * one per message); the partner redelivers from the deliveries list once its endpoint works.
 */
@Injectable()
@HandlesJob(WebhookDeliverJob)
export class WebhookDeliverJobHandler implements JobHandler<WebhookDeliverPayload> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly exceptions: ExceptionService,
    @InjectConfig() private readonly config: GatewayConfig,
    @InjectPinoLogger(WebhookDeliverJobHandler.name) private readonly logger: PinoLogger,
  ) {}

  async handle(payload: WebhookDeliverPayload, context: JobContext): Promise<void> {
    const [row] = await queryRows<Row>(
      this.dataSource,
      `SELECT d.id::text AS id, d.status, d.body, d.subscription_id::text AS subscription_id, d.partner_id,
              d.event_type, d.correlation_id, s.url, s.enabled,
              array_remove(ARRAY[s.secret, CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END], NULL) AS secrets
         FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id
        WHERE d.id = $1`,
      [payload.deliveryId],
    );
    // Deleted with its subscription, settled meanwhile, or withdrawn with its document.
    if (!row || row.status !== 'pending') return;
    if (!row.enabled && row.event_type !== 'webhook.test') {
      await this.settle(row, 'failed', { error: 'the subscription is disabled' });
      return;
    }
    try {
      const answer = await postSignedWebhook({
        url: row.url,
        secrets: row.secrets,
        messageId: `webhook-delivery-${row.id}`,
        body: row.body,
        timeoutMs: TIMEOUT_MS,
        allowPrivate: this.config.OUTBOUND_ALLOW_PRIVATE_TARGETS,
      });
      await this.settle(row, 'delivered', { status: answer.status });
    } catch (error) {
      if (error instanceof DeliveryThrottledError) throw new DeferJobError(error.message, error.retryAfterMs);
      const message = (error as Error).message;
      const status =
        error instanceof WebhookAnswerError || error instanceof PermanentDeliveryError
          ? error.status
          : undefined;
      const permanent = error instanceof PermanentDeliveryError;
      if (permanent || context.attempt >= context.maxAttempts) {
        const reason = permanent ? message : `${message} (after ${context.attempt} tries)`;
        // Settled meanwhile, gone, or its subscription changed since: nothing to replay, no dead letter.
        if (!(await this.settle(row, 'failed', { status, error: reason }))) return;
        throw new PermanentJobError(reason, { cause: error });
      }
      await this.dataSource.query(
        `UPDATE webhook_delivery SET attempts = attempts + 1, last_response_status = $2, last_error = $3, updated_at = now()
          WHERE id = $1 AND status = 'pending'`,
        [row.id, status ?? null, message.slice(0, 1000)],
      );
      this.logger.warn({ delivery: row.id, attempt: context.attempt, err: error }, 'webhook try failed');
      throw error;
    }
  }

  /**
   * Records the message's outcome. False when there is nothing for anyone to act on: it was settled
   * meanwhile, is gone, was withdrawn with its document, or failed for a subscription disabled or
   * pointed elsewhere since.
   */
  private async settle(
    row: Row,
    outcome: 'delivered' | 'failed',
    result: { status?: number; error?: string },
  ): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      // The subscription as it is now, not as the try found it: it may have been disabled, pointed
      // elsewhere or deleted (its deliveries with it) while the try was under way.
      const [subscription] = await queryRows<{ enabled: boolean; url: string }>(
        tx,
        `SELECT enabled, url FROM webhook_subscription WHERE id = $1 FOR NO KEY UPDATE`,
        [row.subscription_id],
      );
      // A message withdrawn while this try was under way stays withdrawn unless the try delivered it:
      // what reached the subscriber cannot be taken back, so it is delivered, saying so.
      const settled = await queryRows<{ id: string }>(
        tx,
        `UPDATE webhook_delivery
            SET status = $2, attempts = attempts + 1, last_response_status = COALESCE($3, last_response_status),
                last_error = CASE WHEN status = 'withdrawn' THEN 'delivered by a try under way (' || last_error || ')'
                                  ELSE $4 END,
                updated_at = now(),
                delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
          WHERE id = $1 AND (status = 'pending' OR (status = 'withdrawn' AND $2 = 'delivered'))
          RETURNING id::text AS id`,
        [row.id, outcome, result.status ?? null, result.error?.slice(0, 1000) ?? null],
      );
      // Settled by another try meanwhile, or gone with its subscription: nothing of this one to record.
      if (!subscription || settled.length === 0) return false;
      if (outcome === 'delivered') {
        await tx.query(`UPDATE webhook_subscription SET failing_since = NULL WHERE id = $1`, [
          row.subscription_id,
        ]);
        return true;
      }
      // A subscription disabled or given a new URL since says nothing about the old endpoint's health.
      if (!row.enabled || !subscription.enabled || subscription.url !== row.url) return false;
      await tx.query(
        `UPDATE webhook_subscription SET failing_since = COALESCE(failing_since, now()) WHERE id = $1`,
        [row.subscription_id],
      );
      await this.exceptions.raise(
        tx,
        {
          type: 'webhook.delivery-failed',
          dedupeKey: `webhook-subscription:${row.subscription_id}`,
          // Each message fails once (settled only while pending): one failing after someone resolved
          // the case says the subscription is failing again.
          occurrence: `webhook message ${row.id}`,
          summary:
            `${row.event_type} message ${row.id} to ${new URL(row.url).origin} (subscription ${row.subscription_id} of ${row.partner_id}): ${result.error ?? 'failed'}`.slice(
              0,
              500,
            ),
          references: { partnerId: row.partner_id },
          correlationId: row.correlation_id,
        },
        GATEWAY_ACTOR,
      );
      return true;
    });
  }
}
