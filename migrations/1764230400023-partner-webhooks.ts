import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner webhook subscriptions (issue #12, docs/outbound.md "Webhook subscriptions"): a partner
 * subscribes URLs to the kinds of documents the gateway sends it, alongside its delivery channel.
 * - `webhook_subscription`: the URL, the event types, the payload format and the signing secret (the
 *   previous one keeps signing for a day after a rotation, so receivers can switch without a gap);
 * - `webhook_delivery`: one row per message to one subscription, with the exact body sent on every
 *   try and its state; keyed by what caused it, so fanning out twice sends once.
 */
export class PartnerWebhooks1764230400023 implements MigrationInterface {
  name = 'PartnerWebhooks1764230400023';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscription (
        id                      bigint GENERATED ALWAYS AS IDENTITY,
        partner_id              text        NOT NULL,
        url                     text        NOT NULL,
        description             text,
        event_types             text[]      NOT NULL,
        format                  text        NOT NULL DEFAULT 'json',
        secret                  text        NOT NULL,
        previous_secret         text,
        previous_secret_until   timestamptz,
        enabled                 boolean     NOT NULL DEFAULT true,
        failing_since           timestamptz,
        created_at              timestamptz NOT NULL DEFAULT now(),
        updated_at              timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_webhook_subscription PRIMARY KEY (id),
        CONSTRAINT ck_webhook_subscription_format CHECK (format IN ('json', 'native')),
        CONSTRAINT ck_webhook_subscription_events CHECK (cardinality(event_types) > 0)
      )`);
    await q.query(`CREATE INDEX ix_webhook_subscription_partner ON webhook_subscription (partner_id, id)`);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id                      bigint GENERATED ALWAYS AS IDENTITY,
        subscription_id         bigint      NOT NULL,
        partner_id              text        NOT NULL,
        source_key              text        NOT NULL,
        event_type              text        NOT NULL,
        outbound_document_id    bigint,
        body                    text        NOT NULL,
        status                  text        NOT NULL DEFAULT 'pending',
        attempts                integer     NOT NULL DEFAULT 0,
        last_response_status    integer,
        last_error              text,
        correlation_id          text        NOT NULL,
        created_at              timestamptz NOT NULL DEFAULT now(),
        updated_at              timestamptz NOT NULL DEFAULT now(),
        delivered_at            timestamptz,
        CONSTRAINT pk_webhook_delivery PRIMARY KEY (id),
        CONSTRAINT uq_webhook_delivery_source UNIQUE (subscription_id, source_key),
        CONSTRAINT fk_webhook_delivery_subscription FOREIGN KEY (subscription_id)
          REFERENCES webhook_subscription (id) ON DELETE CASCADE,
        CONSTRAINT fk_webhook_delivery_document FOREIGN KEY (outbound_document_id)
          REFERENCES outbound_document (id),
        CONSTRAINT ck_webhook_delivery_status CHECK (status IN ('pending', 'delivered', 'failed'))
      )`);
    await q.query(`CREATE INDEX ix_webhook_delivery_subscription ON webhook_delivery (subscription_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook_subscription`);
  }
}
