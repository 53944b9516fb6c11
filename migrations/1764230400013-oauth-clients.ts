import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth2 client credentials (RFC 6749 §4.4) and API-key rotation:
 * - `oauth_client`: a registered client, acting either for a partner (with partner scopes) or for a
 *   system client (the ERP, a plant MES, a WMS, whose scopes it carries);
 * - `oauth_client_secret`: its secrets, stored as SHA-256 only; several may be valid at once while a
 *   rotation overlaps, each until its own `expires_at`;
 * - `access_token.replaced_by`: the API key that took over from a rotated one.
 */
export class OAuthClients1764230400013 implements MigrationInterface {
  name = 'OAuthClients1764230400013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oauth_client (
        id                uuid        NOT NULL DEFAULT gen_random_uuid(),
        client_id         text        NOT NULL,
        subject_kind      text        NOT NULL,
        partner_id        text,
        system_client_id  uuid,
        scopes            text[]      NOT NULL DEFAULT '{}',
        label             text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        revoked_at        timestamptz,
        last_used_at      timestamptz,
        CONSTRAINT pk_oauth_client PRIMARY KEY (id),
        CONSTRAINT uq_oauth_client_client_id UNIQUE (client_id),
        CONSTRAINT fk_oauth_client_system_client FOREIGN KEY (system_client_id) REFERENCES system_client (id),
        CONSTRAINT ck_oauth_client_subject CHECK (
          (subject_kind = 'partner' AND partner_id IS NOT NULL AND system_client_id IS NULL) OR
          (subject_kind = 'system' AND system_client_id IS NOT NULL AND partner_id IS NULL))
      )`);
    await q.query(
      `CREATE INDEX ix_oauth_client_partner ON oauth_client (partner_id) WHERE partner_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE oauth_client_secret (
        id            uuid        NOT NULL DEFAULT gen_random_uuid(),
        client_id     uuid        NOT NULL,
        secret_hash   text        NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz,
        CONSTRAINT pk_oauth_client_secret PRIMARY KEY (id),
        CONSTRAINT fk_oauth_client_secret_client FOREIGN KEY (client_id) REFERENCES oauth_client (id) ON DELETE CASCADE,
        CONSTRAINT ck_oauth_client_secret_hash CHECK (secret_hash ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE INDEX ix_oauth_client_secret_client ON oauth_client_secret (client_id)`);

    await q.query(`ALTER TABLE access_token ADD COLUMN replaced_by uuid`);
    await q.query(
      `ALTER TABLE access_token ADD CONSTRAINT fk_access_token_replaced_by FOREIGN KEY (replaced_by) REFERENCES access_token (id)`,
    );
    await q.query(
      `CREATE INDEX ix_access_token_partner ON access_token (partner_id) WHERE partner_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_access_token_partner`);
    await q.query(`ALTER TABLE access_token DROP CONSTRAINT fk_access_token_replaced_by`);
    await q.query(`ALTER TABLE access_token DROP COLUMN replaced_by`);
    await q.query(`DROP TABLE oauth_client_secret`);
    await q.query(`DROP TABLE oauth_client`);
  }
}
