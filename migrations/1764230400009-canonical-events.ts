import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Canonical events and outbound X12 documents (issue 6):
 * - `canonical_event`: every event the translation produced, validated against the catalogue, with
 *   its document key and revision. Unique on (type, partner, document number, revision): a replayed or
 *   re-translated interchange never stores an event twice; a corrected document is a new revision.
 * - `x12_outbound_document`: each X12 interchange the generator wrote for a partner, recorded in the
 *   transaction that took its control numbers from `x12_control_counter` (a rollback returns them).
 */
export class CanonicalEvents1764230400009 implements MigrationInterface {
  name = 'CanonicalEvents1764230400009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE canonical_event (
        id                uuid        NOT NULL,
        type              text        NOT NULL,
        schema_version    text        NOT NULL,
        partner_id        text,
        document_kind     text        NOT NULL,
        document_number   text        NOT NULL,
        document_revision text        NOT NULL,
        correlation_id    text        NOT NULL,
        causation_id      text,
        interchange_id    bigint,
        occurred_at       timestamptz NOT NULL,
        payload           jsonb       NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_canonical_event PRIMARY KEY (id),
        CONSTRAINT fk_canonical_event_interchange FOREIGN KEY (interchange_id) REFERENCES interchange (id),
        CONSTRAINT uq_canonical_event_document UNIQUE NULLS NOT DISTINCT (type, partner_id, document_number, document_revision),
        CONSTRAINT ck_canonical_event_schema_version CHECK (schema_version ~ '^v[0-9]+$'),
        CONSTRAINT ck_canonical_event_document_kind
          CHECK (document_kind IN ('original', 'replacement', 'cancellation'))
      )`);
    await q.query(
      `CREATE INDEX ix_canonical_event_correlation ON canonical_event (correlation_id, occurred_at)`,
    );
    await q.query(`CREATE INDEX ix_canonical_event_interchange ON canonical_event (interchange_id)`);
    await q.query(`CREATE INDEX ix_canonical_event_partner ON canonical_event (partner_id, created_at)`);
    await q.query(`
      CREATE TABLE x12_outbound_document (
        id                         bigint GENERATED ALWAYS AS IDENTITY,
        partner_id                 text        NOT NULL,
        set_id                     text        NOT NULL,
        event_id                   uuid,
        interchange_control_number text        NOT NULL,
        group_control_number       text        NOT NULL,
        set_control_number         text        NOT NULL,
        content                    text        NOT NULL,
        created_at                 timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_x12_outbound_document PRIMARY KEY (id),
        CONSTRAINT ck_x12_outbound_document_set_id CHECK (set_id ~ '^[0-9]{3}$')
      )`);
    await q.query(
      `CREATE INDEX ix_x12_outbound_document_partner ON x12_outbound_document (partner_id, interchange_control_number)`,
    );
    await q.query(`CREATE INDEX ix_x12_outbound_document_event ON x12_outbound_document (event_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE x12_outbound_document`);
    await q.query(`DROP TABLE canonical_event`);
  }
}
