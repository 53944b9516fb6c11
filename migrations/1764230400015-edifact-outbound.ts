import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `edifact_outbound_document`: each EDIFACT interchange the generator wrote for a partner (ORDERS,
 * ORDCHG, ORDRSP, DESADV, CONTRL), recorded in the transaction that took its UNB 0020 / UNH 0062 from
 * the partner's counters (edifact_reference_counter, migration 1764230400008), so a rollback gives
 * the references back and committed documents have no gaps.
 */
export class EdifactOutbound1764230400015 implements MigrationInterface {
  name = 'EdifactOutbound1764230400015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE edifact_outbound_document (
        id                    bigint GENERATED ALWAYS AS IDENTITY,
        partner_id            text        NOT NULL,
        message_type          text        NOT NULL,
        directory             text        NOT NULL,
        event_id              uuid,
        interchange_reference text        NOT NULL,
        message_reference     text        NOT NULL,
        content               text        NOT NULL,
        created_at            timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_edifact_outbound_document PRIMARY KEY (id),
        CONSTRAINT ck_edifact_outbound_document_type CHECK (message_type ~ '^[A-Z]{6}$'),
        CONSTRAINT uq_edifact_outbound_document_reference UNIQUE (partner_id, interchange_reference)
      )`);
    await q.query(`CREATE INDEX ix_edifact_outbound_document_event ON edifact_outbound_document (event_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE edifact_outbound_document`);
  }
}
