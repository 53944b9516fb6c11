import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The interchange archive: a row per receipt (and per outbound send), bytes exactly as received,
 * inline or in the blob store. Duplicates get their own row, linked to the original.
 */
export class InterchangeArchive1764230400002 implements MigrationInterface {
  name = 'InterchangeArchive1764230400002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE interchange (
        id              bigint GENERATED ALWAYS AS IDENTITY,
        direction       text        NOT NULL,
        channel         text        NOT NULL,
        partner_id      text,
        received_at     timestamptz NOT NULL DEFAULT now(),
        sha256          text        NOT NULL,
        size_bytes      bigint      NOT NULL,
        content         bytea,
        blob_key        text,
        content_type    text,
        filename        text,
        caller_key      text,
        metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
        status          text        NOT NULL,
        status_detail   text,
        duplicate_of    bigint,
        answer          jsonb,
        correlation_id  text        NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_interchange PRIMARY KEY (id),
        CONSTRAINT fk_interchange_duplicate_of FOREIGN KEY (duplicate_of) REFERENCES interchange (id),
        CONSTRAINT ck_interchange_direction CHECK (direction IN ('inbound', 'outbound')),
        CONSTRAINT ck_interchange_channel CHECK (channel ~ '^[a-z][a-z0-9-]{1,31}$'),
        CONSTRAINT ck_interchange_status CHECK (
          status IN ('received', 'processing', 'processed', 'rejected', 'failed', 'duplicate', 'quarantined', 'sent')),
        CONSTRAINT ck_interchange_storage CHECK ((content IS NULL) <> (blob_key IS NULL)),
        CONSTRAINT ck_interchange_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        CONSTRAINT ck_interchange_duplicate CHECK (
          (status IN ('duplicate', 'quarantined')) = (duplicate_of IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX ix_interchange_partner_sha256 ON interchange (partner_id, sha256)`);
    await q.query(
      `CREATE INDEX ix_interchange_partner_caller_key ON interchange (partner_id, caller_key) WHERE caller_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX ix_interchange_received_at ON interchange (received_at)`);
    await q.query(`CREATE INDEX ix_interchange_correlation ON interchange (correlation_id)`);
    await q.query(
      `CREATE INDEX ix_interchange_duplicate_of ON interchange (duplicate_of) WHERE duplicate_of IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE interchange`);
  }
}
