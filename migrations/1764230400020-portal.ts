import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supplier portal (issue #18): portal users' sessions, passwords and lockouts, invitation and
 * password-reset links, and which orders a partner's users have opened (the inbox's "new").
 * Secrets are never stored: passwords as Argon2id hashes, links as the SHA-256 of their token.
 */
export class Portal1764230400020 implements MigrationInterface {
  name = 'Portal1764230400020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE portal_session (
        sid         text        NOT NULL,
        user_id     uuid,
        data        jsonb       NOT NULL,
        expires_at  timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_portal_session PRIMARY KEY (sid),
        CONSTRAINT fk_portal_session_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX ix_portal_session_user ON portal_session (user_id) WHERE user_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ix_portal_session_expires ON portal_session (expires_at)`);

    await q.query(`
      CREATE TABLE portal_credential (
        user_id              uuid        NOT NULL,
        password_hash        text        NOT NULL,
        failed_attempts      integer     NOT NULL DEFAULT 0,
        locked_until         timestamptz,
        password_changed_at  timestamptz NOT NULL DEFAULT now(),
        last_login_at        timestamptz,
        CONSTRAINT pk_portal_credential PRIMARY KEY (user_id),
        CONSTRAINT fk_portal_credential_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE,
        CONSTRAINT ck_portal_credential_hash CHECK (password_hash LIKE '$argon2id$%'),
        CONSTRAINT ck_portal_credential_attempts CHECK (failed_attempts >= 0)
      )`);

    await q.query(`
      CREATE TABLE portal_link (
        id          uuid        NOT NULL DEFAULT gen_random_uuid(),
        kind        text        NOT NULL,
        user_id     uuid        NOT NULL,
        token_hash  text        NOT NULL,
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz,
        created_by  text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_portal_link PRIMARY KEY (id),
        CONSTRAINT uq_portal_link_token UNIQUE (token_hash),
        CONSTRAINT fk_portal_link_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE,
        CONSTRAINT ck_portal_link_kind CHECK (kind IN ('invitation', 'password-reset')),
        CONSTRAINT ck_portal_link_hash CHECK (token_hash ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE INDEX ix_portal_link_user ON portal_link (user_id, kind)`);

    await q.query(`
      CREATE TABLE portal_order_view (
        partner_id  text        NOT NULL,
        po_id       bigint      NOT NULL,
        revision    integer     NOT NULL,
        viewed_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_portal_order_view PRIMARY KEY (partner_id, po_id),
        CONSTRAINT fk_portal_order_view_po FOREIGN KEY (po_id) REFERENCES purchase_order (id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE portal_order_view`);
    await q.query(`DROP TABLE portal_link`);
    await q.query(`DROP TABLE portal_credential`);
    await q.query(`DROP TABLE portal_session`);
  }
}
