import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who can call the gateway: users (supplier users and admins of one partner, buyers, admins), system
 * clients (ERP, MES, WMS) and access tokens for users, clients and partners. Tokens are stored as a
 * non-secret lookup id and the SHA-256 of the secret, never the secret itself.
 */
export class Identity1764230400003 implements MigrationInterface {
  name = 'Identity1764230400003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id            uuid        NOT NULL DEFAULT gen_random_uuid(),
        email         text        NOT NULL,
        display_name  text        NOT NULL,
        role          text        NOT NULL,
        partner_id    text,
        active        boolean     NOT NULL DEFAULT true,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_app_user PRIMARY KEY (id),
        CONSTRAINT uq_app_user_email UNIQUE (email),
        CONSTRAINT ck_app_user_email CHECK (email = lower(email) AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
        CONSTRAINT ck_app_user_role CHECK (role IN ('supplier-user', 'supplier-admin', 'buyer', 'admin')),
        CONSTRAINT ck_app_user_partner CHECK ((role IN ('supplier-user', 'supplier-admin')) = (partner_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX ix_app_user_partner ON app_user (partner_id) WHERE partner_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE system_client (
        id          uuid        NOT NULL DEFAULT gen_random_uuid(),
        name        text        NOT NULL,
        system      text        NOT NULL,
        scopes      text[]      NOT NULL DEFAULT '{}',
        active      boolean     NOT NULL DEFAULT true,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_system_client PRIMARY KEY (id),
        CONSTRAINT uq_system_client_name UNIQUE (name),
        CONSTRAINT ck_system_client_system CHECK (system IN ('erp', 'mes', 'wms', 'other'))
      )`);

    await q.query(`
      CREATE TABLE access_token (
        id            uuid        NOT NULL DEFAULT gen_random_uuid(),
        lookup        text        NOT NULL,
        secret_hash   text        NOT NULL,
        subject_kind  text        NOT NULL,
        user_id       uuid,
        client_id     uuid,
        partner_id    text,
        scopes        text[]      NOT NULL DEFAULT '{}',
        label         text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz,
        revoked_at    timestamptz,
        last_used_at  timestamptz,
        CONSTRAINT pk_access_token PRIMARY KEY (id),
        CONSTRAINT uq_access_token_lookup UNIQUE (lookup),
        CONSTRAINT fk_access_token_user FOREIGN KEY (user_id) REFERENCES app_user (id),
        CONSTRAINT fk_access_token_client FOREIGN KEY (client_id) REFERENCES system_client (id),
        CONSTRAINT ck_access_token_subject CHECK (
          (subject_kind = 'user' AND user_id IS NOT NULL AND client_id IS NULL AND partner_id IS NULL) OR
          (subject_kind = 'system' AND client_id IS NOT NULL AND user_id IS NULL AND partner_id IS NULL) OR
          (subject_kind = 'partner' AND partner_id IS NOT NULL AND user_id IS NULL AND client_id IS NULL)),
        CONSTRAINT ck_access_token_hash CHECK (secret_hash ~ '^[0-9a-f]{64}$')
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_token`);
    await q.query(`DROP TABLE system_client`);
    await q.query(`DROP TABLE app_user`);
  }
}
