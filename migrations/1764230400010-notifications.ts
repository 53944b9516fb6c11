import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications of exception cases: one row per case event and channel (e-mail to the owner, the
 * operator's webhook), the per-recipient window that decides between a single message and the digest,
 * and the digests that carry the notifications a window held back.
 */
export class Notifications1764230400010 implements MigrationInterface {
  name = 'Notifications1764230400010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_digest (
        id                 bigint      GENERATED ALWAYS AS IDENTITY,
        channel            text        NOT NULL,
        recipient          text        NOT NULL,
        recipient_user_id  uuid,
        status             text        NOT NULL DEFAULT 'sending',
        message_id         text        NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        sent_at            timestamptz,
        CONSTRAINT pk_notification_digest PRIMARY KEY (id),
        CONSTRAINT uq_notification_digest_message UNIQUE (message_id),
        CONSTRAINT fk_notification_digest_user FOREIGN KEY (recipient_user_id) REFERENCES app_user (id),
        CONSTRAINT ck_notification_digest_channel CHECK (channel IN ('email', 'webhook')),
        CONSTRAINT ck_notification_digest_status CHECK (status IN ('sending', 'sent')),
        CONSTRAINT ck_notification_digest_sent CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX ix_notification_digest_sending ON notification_digest (created_at) WHERE status = 'sending'`,
    );

    // status: sending (decided to go out alone, not yet confirmed) → sent; held (waits for the end of
    // its window) → digested (carried by a digest); skipped (no one to send it to).
    await q.query(`
      CREATE TABLE notification (
        id                 bigint      GENERATED ALWAYS AS IDENTITY,
        case_id            uuid        NOT NULL,
        event_id           bigint      NOT NULL,
        reason             text        NOT NULL,
        channel            text        NOT NULL,
        recipient          text        NOT NULL,
        recipient_user_id  uuid,
        status             text        NOT NULL,
        message_id         text        NOT NULL,
        hold_until         timestamptz,
        digest_id          bigint,
        skip_reason        text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        sent_at            timestamptz,
        CONSTRAINT pk_notification PRIMARY KEY (id),
        CONSTRAINT uq_notification_event_channel UNIQUE (event_id, channel),
        CONSTRAINT fk_notification_case FOREIGN KEY (case_id) REFERENCES exception_case (id),
        CONSTRAINT fk_notification_event FOREIGN KEY (event_id) REFERENCES exception_event (id),
        CONSTRAINT fk_notification_user FOREIGN KEY (recipient_user_id) REFERENCES app_user (id),
        CONSTRAINT fk_notification_digest FOREIGN KEY (digest_id) REFERENCES notification_digest (id),
        CONSTRAINT ck_notification_reason CHECK (reason IN ('raised', 'assigned', 'escalated', 'severity-raised')),
        CONSTRAINT ck_notification_channel CHECK (channel IN ('email', 'webhook')),
        CONSTRAINT ck_notification_status CHECK (status IN ('sending', 'sent', 'held', 'digested', 'skipped')),
        CONSTRAINT ck_notification_held CHECK (status NOT IN ('held', 'digested') OR hold_until IS NOT NULL),
        CONSTRAINT ck_notification_digested CHECK ((status = 'digested') = (digest_id IS NOT NULL)),
        CONSTRAINT ck_notification_sent CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
        CONSTRAINT ck_notification_skipped CHECK ((status = 'skipped') = (skip_reason IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX ix_notification_held ON notification (hold_until, channel, recipient) WHERE status = 'held'`,
    );
    await q.query(`CREATE INDEX ix_notification_case ON notification (case_id)`);
    await q.query(
      `CREATE INDEX ix_notification_digest ON notification (digest_id) WHERE digest_id IS NOT NULL`,
    );

    // One row per recipient: the window that started with its first notification and how many went
    // out alone in it. Locking the row serialises the decisions for one recipient across workers.
    await q.query(`
      CREATE TABLE notification_window (
        channel     text        NOT NULL,
        recipient   text        NOT NULL,
        started_at  timestamptz NOT NULL,
        ends_at     timestamptz NOT NULL,
        sent        integer     NOT NULL,
        CONSTRAINT pk_notification_window PRIMARY KEY (channel, recipient),
        CONSTRAINT ck_notification_window_channel CHECK (channel IN ('email', 'webhook')),
        CONSTRAINT ck_notification_window_sent CHECK (sent >= 0),
        CONSTRAINT ck_notification_window_span CHECK (ends_at > started_at)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_window`);
    await q.query(`DROP TABLE notification`);
    await q.query(`DROP TABLE notification_digest`);
  }
}
